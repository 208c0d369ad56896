"""Every page for every role: visitor, candidate, doctoral student (own and someone else's), evaluator, staff, admin."""

import datetime as dt

import pytest
from django.urls import reverse

from conventions import services
from conventions.models import Amendment
from tests.conventions.factories import ConventionFactory, TutorFactory
from tests.conventions.pdfs import pdf_upload
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

STAFF_ONLY = "Cette page est réservée à l'équipe du programme."
OWN_ONLY = "Vous ne pouvez consulter que votre propre convention."


@pytest.fixture
def world(doctoral_student):
    convention = ConventionFactory(doctoral_student=doctoral_student)
    other = ConventionFactory()
    enrolment = convention.obligations.get(key="enrolment:2025")
    document = services.add_document(enrolment, pdf_upload(), doctoral_student, received_on=None, confirm=False)
    other_document = services.add_document(
        other.obligations.get(key="enrolment:2025"),
        pdf_upload(),
        other.doctoral_student,
        received_on=None,
        confirm=False,
    )
    amendment = services.add_amendment(
        convention, Amendment(kind="other", date=dt.date(2026, 1, 5), file=pdf_upload("avenant.pdf")), {}, None
    )
    return {
        "mine": convention,
        "other": other,
        "document": document,
        "other_document": other_document,
        "amendment": amendment,
    }


def staff_urls(world):
    c = world["mine"]
    return [
        reverse("conventions:dashboard"),
        reverse("conventions:list"),
        reverse("conventions:export", args=["csv"]),
        reverse("conventions:export", args=["xlsx"]),
        reverse("conventions:obligations"),
        reverse("conventions:instalments"),
        reverse("conventions:rates"),
        reverse("conventions:rate_create"),
        reverse("conventions:create"),
        reverse("conventions:edit", args=[c.pk]),
        reverse("conventions:history", args=[c.pk]),
        reverse("conventions:suspension_add", args=[c.pk]),
        reverse("conventions:terminate", args=[c.pk]),
        reverse("conventions:amendment_add", args=[c.pk]),
        reverse("conventions:document_confirm", args=[world["document"].pk]),
        reverse("conventions:amendment_download", args=[c.pk, world["amendment"].pk]),
        reverse("conventions:pending_documents"),
        reverse("conventions:reference_index"),
        *reference_urls(c),
    ]


def reference_urls(convention):
    """List, create, edit and delete pages of every kind of reference data."""
    rows = {
        "employeurs": convention.employer,
        "directions": convention.host_department,
        "laboratoires": convention.lab,
        "ecoles-doctorales": convention.lab.doctoral_school,
        "tuteurs": convention.tutor,
        "directeurs-de-these": convention.thesis_director,
    }
    urls = []
    for kind, row in rows.items():
        urls += [
            reverse("conventions:reference_list", args=[kind]),
            reverse("conventions:reference_create", args=[kind]),
            reverse("conventions:reference_edit", args=[kind, row.pk]),
            reverse("conventions:reference_delete", args=[kind, row.pk]),
        ]
    return urls


@pytest.mark.parametrize("role", ["staff", "admin"])
def test_staff_and_admin_reach_every_page(role, world, client_for):
    user = UserFactory(role=role, second_factor=True)
    client = client_for(user)
    urls = [
        *staff_urls(world),
        reverse("conventions:detail", args=[world["other"].pk]),
        reverse("conventions:document_download", args=[world["other_document"].pk]),
        reverse("conventions:document_upload", args=[world["other"].obligations.get(key="employment_contract").pk]),
    ]
    assert {url: client.get(url).status_code for url in urls} == dict.fromkeys(urls, 200)


@pytest.mark.parametrize("role", ["candidate", "evaluator", "doctoral_student"])
def test_other_roles_are_refused_staff_pages_with_the_reason(role, world, client_for):
    user = UserFactory(role=role, second_factor=True)
    client = client_for(user)
    for url in staff_urls(world):
        response = client.get(url)
        assert (url, response.status_code, response.context["reason"]) == (url, 403, STAFF_ONLY)


def test_visitor_is_sent_to_login(world, client):
    for url in [
        *staff_urls(world),
        reverse("conventions:detail", args=[world["mine"].pk]),
        reverse("conventions:my_conventions"),
        reverse("conventions:document_download", args=[world["document"].pk]),
    ]:
        response = client.get(url)
        assert (response.status_code, response["Location"].split("?")[0]) == (302, "/compte/login/")


@pytest.mark.parametrize("role", ["candidate", "evaluator"])
def test_candidates_and_evaluators_see_no_convention(role, world, client_for):
    client = client_for(UserFactory(role=role, second_factor=True))
    response = client.get(reverse("conventions:detail", args=[world["mine"].pk]))
    assert (response.status_code, response.context["reason"]) == (403, OWN_ONLY)
    assert client.get(reverse("conventions:document_download", args=[world["document"].pk])).status_code == 403
    response = client.get(reverse("conventions:my_conventions"))
    assert (response.status_code, response.context["reason"]) == (403, "Cette page est réservée aux doctorant·e·s.")


def test_doctoral_student_sees_only_their_own(world, doctoral_student, client_for):
    client = client_for(doctoral_student)
    mine, other = world["mine"], world["other"]
    response = client.get(reverse("conventions:my_conventions"))
    assert (response.status_code, response["Location"]) == (302, reverse("conventions:detail", args=[mine.pk]))
    response = client.get(reverse("conventions:detail", args=[mine.pk]))
    assert response.status_code == 200
    assert response.context["is_staff_view"] is False
    response = client.get(reverse("conventions:detail", args=[other.pk]))
    assert (response.status_code, response.context["reason"]) == (403, OWN_ONLY)
    download = client.get(reverse("conventions:document_download", args=[world["document"].pk]))
    assert (download.status_code, download["Content-Disposition"]) == (
        200,
        'attachment; filename="2025-0001_enrolment-2025.pdf"'.replace("2025-0001", mine.anrt_number.replace("/", "-")),
    )
    assert b"".join(download.streaming_content)[:5] == b"%PDF-"
    response = client.get(reverse("conventions:document_download", args=[world["other_document"].pk]))
    assert (response.status_code, response.context["reason"]) == (
        403,
        "Vous ne pouvez télécharger que les documents de votre propre convention.",
    )
    own_upload = reverse("conventions:document_upload", args=[mine.obligations.get(key="activity_report:1").pk])
    assert client.get(own_upload).status_code == 200
    staff_doc = reverse("conventions:document_upload", args=[mine.obligations.get(key="employment_contract").pk])
    response = client.get(staff_doc)
    assert (response.status_code, response.context["reason"]) == (
        403,
        "Ce document est transmis par l'équipe du programme, pas par le ou la doctorant·e.",
    )
    response = client.get(reverse("conventions:document_upload", args=[other.obligations.get(key="enrolment:2025").pk]))
    assert (response.status_code, response.context["reason"]) == (
        403,
        "Vous ne pouvez déposer des documents que pour votre propre convention.",
    )


def test_doctoral_student_without_convention_sees_an_explanation(client_for):
    client = client_for(UserFactory(role="doctoral_student"))
    response = client.get(reverse("conventions:my_conventions"))
    assert (response.status_code, response.context["conventions"]) == (200, [])


def test_doctoral_student_upload_waits_for_staff_confirmation(world, doctoral_student, staff, client_for):
    mine = world["mine"]
    report = mine.obligations.get(key="activity_report:1")
    response = client_for(doctoral_student).post(
        reverse("conventions:document_upload", args=[report.pk]), {"file": pdf_upload("rapport.pdf")}
    )
    assert response.status_code == 302
    report.refresh_from_db()
    document = report.documents.get()
    assert (report.received_on, document.uploaded_by, document.is_confirmed) == (None, doctoral_student, False)
    response = client_for(staff).post(
        reverse("conventions:document_confirm", args=[document.pk]), {"received_on": "2026-05-20"}
    )
    assert response.status_code == 302
    report.refresh_from_db()
    document.refresh_from_db()
    assert (report.received_on, report.received_recorded_by, document.confirmed_by) == (
        dt.date(2026, 5, 20),
        staff,
        staff,
    )


@pytest.mark.parametrize("role", ["candidate", "evaluator", "doctoral_student", None])
def test_non_staff_cannot_change_reference_data_nor_confirm_documents(role, world, client_for, client):
    """Posting (not only viewing) is refused: nothing created, deleted or confirmed."""
    from conventions.models import Document, Tutor

    web = client_for(UserFactory(role=role, second_factor=True)) if role else client
    tutor = world["mine"].tutor
    name = tutor.name
    responses = [
        web.post(reverse("conventions:reference_create", args=["tuteurs"]), {"name": "X", "email": "x@paris.fr"}),
        web.post(reverse("conventions:reference_edit", args=["tuteurs", tutor.pk]), {"name": "X", "email": "x@x.fr"}),
        web.post(reverse("conventions:reference_delete", args=["tuteurs", TutorFactory().pk])),
        web.post(reverse("conventions:document_confirm", args=[world["document"].pk]), {"received_on": "2026-05-20"}),
    ]
    assert [r.status_code for r in responses] == [403 if role else 302] * 4
    tutor.refresh_from_db()
    assert (Tutor.objects.count(), tutor.name) == (3, name)
    assert Document.objects.filter(confirmed_at__isnull=True).count() == 2
