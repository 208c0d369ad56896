"""Screening by staff: the list of a call's dossiers (filters, sorting, pages, queries), the dossier page,
and the actions (complete, missing items, eligibility, override), each recorded with who and when."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from applications import services
from applications.models import Dossier, DossierEvent, EligibilityOverride, MissingItemsRequest, Rendition
from tests.applications.factories import CallFactory, ThemeFactory
from tests.applications.screening_world import make_world, role_user, submitted_dossier
from tests.conventions.factories import HostDepartmentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    return make_world()


@pytest.fixture
def staff_user():
    return role_user("staff")


@pytest.fixture
def staff_client(client_for, staff_user):
    return client_for(staff_user)


def listed(response) -> list[str]:
    return [d.number for d in response.context["page"].object_list]


def list_url(call, **params):
    from django.utils.http import urlencode

    base = reverse("applications:staff_dossiers", args=[call.pk])
    return f"{base}?{urlencode(params)}" if params else base


def too_old(dossier):
    """Make the submitted pre-check fail ``masters_recent`` (as if the master's dated from four years back)."""
    dossier.eligibility = [
        {**entry, "ok": False, "message_fr": "Master trop ancien."} if entry["code"] == "masters_recent" else entry
        for entry in dossier.eligibility
    ]
    dossier.save(update_fields=["eligibility"])
    return dossier


# --- The list -------------------------------------------------------------------------------------


def test_the_list_shows_submitted_dossiers_and_counts_drafts(world, staff_client):
    response = staff_client.get(list_url(world["call"]))
    assert response.status_code == 200
    assert listed(response) == [world["dossier"].number, world["other"].number]
    assert response.context["draft_count"] == 1
    page = response.content.decode()
    assert "2 dossiers · 1 brouillon non déposé (non listé)" in page


@pytest.mark.parametrize("rows", [1, 3])
def test_the_list_makes_the_same_queries_whatever_its_rows(rows, staff_client, django_assert_num_queries):
    call = CallFactory()
    dossiers = [too_old(submitted_dossier(call)) for _ in range(rows)]
    staff = role_user("staff")
    first = dossiers[0]
    first.eligibility = [{**e, "ok": False} if e["code"] == "not_doctor" else e for e in first.eligibility]
    first.save(update_fields=["eligibility"])
    services.override_check(first.pk, staff, "not_doctor", "Doctorat étranger non reconnu en France.")
    deadline = timezone.now() + dt.timedelta(days=3)
    services.request_missing_items(dossiers[-1].pk, staff, ["degree"], "Diplôme ?", deadline)
    # session, user, roles, second factor, call, count, page, overrides, open requests, drafts, themes,
    # departments
    with django_assert_num_queries(12):
        response = staff_client.get(list_url(call, failing="masters_recent", sort="-name", q=""))
    assert len(listed(response)) == rows
    with django_assert_num_queries(12):
        response = staff_client.get(list_url(call))
    assert len(listed(response)) == rows


def test_filters_theme_status_department_failing_and_search(world, staff_client):
    call, dossier, other = world["call"], world["dossier"], world["other"]
    too_old(other)
    services.mark_complete(dossier.pk, role_user("staff"))
    assert listed(staff_client.get(list_url(call, theme=world["other_theme"].pk))) == [other.number]
    assert listed(staff_client.get(list_url(call, status="complete"))) == [dossier.number]
    department = world["theme"].host_department.pk
    assert listed(staff_client.get(list_url(call, department=department))) == [dossier.number]
    assert listed(staff_client.get(list_url(call, failing="any"))) == [other.number]
    assert listed(staff_client.get(list_url(call, failing="masters_recent"))) == [other.number]
    assert listed(staff_client.get(list_url(call, failing="not_doctor"))) == []
    assert listed(staff_client.get(list_url(call, q=other.last_name.upper()))) == [other.number]
    assert listed(staff_client.get(list_url(call, q=f"{dossier.first_name} {dossier.last_name}"))) == [dossier.number]
    assert listed(staff_client.get(list_url(call, q=dossier.number[-4:]))) == [dossier.number]


def test_an_overridden_check_no_longer_counts_as_failing(world, staff_client, staff_user):
    other = too_old(world["other"])
    services.override_check(other.pk, staff_user, "masters_recent", "Équivalence reconnue par l'université.")
    assert listed(staff_client.get(list_url(world["call"], failing="any"))) == []
    row = staff_client.get(list_url(world["call"])).context["page"].object_list[1]
    assert row.failing == []


def test_sorting_by_name_both_ways(world, staff_client):
    dossier, other = world["dossier"], world["other"]
    Dossier.objects.filter(pk=dossier.pk).update(last_name="Abadie")
    Dossier.objects.filter(pk=other.pk).update(last_name="Zidane")
    assert listed(staff_client.get(list_url(world["call"], sort="name"))) == [dossier.number, other.number]
    response = staff_client.get(list_url(world["call"], sort="-name"))
    assert listed(response) == [other.number, dossier.number]
    assert response.context["sorts"]["name"] == {"url": "?sort=name", "aria": "descending"}
    assert 'aria-sort="descending"' in response.content.decode()
    # An unknown sort falls back to the number, never to a field name typed in the address.
    assert listed(staff_client.get(list_url(world["call"], sort="candidate__password"))) == [
        dossier.number,
        other.number,
    ]


@pytest.mark.parametrize("page", ["99999999999999999999", "-1", "0", "abc", "3"])
def test_a_page_that_does_not_exist_shows_the_first_with_a_notice(world, staff_client, page):
    response = staff_client.get(list_url(world["call"], page=page))
    assert response.status_code == 200
    assert response.context["notice"] == f"La page « {page} » n'existe pas : la première page est affichée."
    assert listed(response) == [world["dossier"].number, world["other"].number]


@pytest.mark.parametrize(
    ("params", "errors"),
    [
        (
            {"theme": "99999999999999999999"},
            {"theme": ["Sélectionnez un choix valide. Ce choix ne fait pas partie de ceux disponibles."]},
        ),
        (
            {"theme": "-1"},
            {"theme": ["Sélectionnez un choix valide. Ce choix ne fait pas partie de ceux disponibles."]},
        ),
        (
            {"department": "99999999999999999999"},
            {"department": ["Sélectionnez un choix valide. Ce choix ne fait pas partie de ceux disponibles."]},
        ),
        (
            {"status": "draft"},
            {"status": ["Sélectionnez un choix valide. draft n’en fait pas partie."]},
        ),
        (
            {"failing": "is_admin"},
            {"failing": ["Sélectionnez un choix valide. is_admin n’en fait pas partie."]},
        ),
    ],
)
def test_a_bad_filter_value_is_refused_next_to_its_field(world, staff_client, params, errors):
    response = staff_client.get(list_url(world["call"], **params))
    assert response.status_code == 400
    assert dict(response.context["filter"].errors) == errors
    assert listed(response) == []


def test_a_theme_of_another_call_is_not_a_filter_choice(world, staff_client):
    foreign = ThemeFactory(call=CallFactory(), host_department=HostDepartmentFactory())
    response = staff_client.get(list_url(world["call"], theme=foreign.pk))
    assert response.status_code == 400


def test_a_lapsed_request_is_flagged_on_the_list_and_the_page(world, staff_client, staff_user):
    dossier = world["dossier"]
    deadline = timezone.now() + dt.timedelta(hours=1)
    services.request_missing_items(dossier.pk, staff_user, ["degree"], "Diplôme illisible.", deadline)
    MissingItemsRequest.objects.filter(dossier=dossier).update(deadline=timezone.now() - dt.timedelta(minutes=1))
    rows = staff_client.get(list_url(world["call"])).context["page"].object_list
    assert [(d.number, d.lapsed) for d in rows] == [(dossier.number, True), (world["other"].number, False)]
    assert "délai de réponse dépassé" in staff_client.get(list_url(world["call"])).content.decode()
    page = staff_client.get(reverse("applications:staff_dossier", args=[dossier.pk]))
    assert page.context["lapsed"] is True
    assert 'id="lapsed"' in page.content.decode()


# --- The dossier page -----------------------------------------------------------------------------


def test_the_dossier_page_shows_everything(world, staff_client, staff_user):
    dossier = too_old(world["dossier"])
    services.override_check(dossier.pk, staff_user, "masters_recent", "Équivalence reconnue.")
    response = staff_client.get(reverse("applications:staff_dossier", args=[dossier.pk]))
    assert response.status_code == 200
    context = response.context
    assert [title for _key, title, _rows in context["sections"]] == [
        "Vos coordonnées",
        "Diplôme",
        "Inscription en doctorat",
        "Travail pour la Ville",
        "Projet de thèse",
        "Laboratoire et direction",
    ]
    lab = {row.label: row.value for row in context["sections"][5][2]}
    assert (lab["Nom du laboratoire"], lab["École doctorale du laboratoire"]) == (
        "Géographie-cités",
        "ED 434 – Géographie de Paris",
    )
    assert [f.kind for f in context["files"]] == [
        "cv",
        "diploma",
        "transcripts",
        "cover_letter",
        "support_letter",
        "project",
    ]
    check = next(c for c in context["checks"] if c["code"] == "masters_recent")
    assert (check["ok"], check["message"], check["override"].reason) == (
        False,
        "Master trop ancien.",
        "Équivalence reconnue.",
    )
    assert [(e.kind, e.public, e.actor) for e in context["events"]] == [
        ("submitted", True, dossier.candidate),
        ("override", False, staff_user),
    ]
    page = response.content.decode()
    for f in dossier.files.all():
        assert reverse("applications:staff_dossier_file", args=[dossier.pk, f.pk]) in page
    assert "Le PDF du dossier complet est en cours de préparation." in page


def test_the_one_pdf_is_offered_once_its_rendition_exists(world, staff_client):
    from django.core.files.base import ContentFile

    from tests.conventions.pdfs import pdf_bytes

    dossier = world["dossier"]
    url = reverse("applications:staff_dossier_pdf", args=[dossier.pk])
    assert staff_client.get(url).status_code == 404
    rendition = Rendition(dossier=dossier, kind=Rendition.Kind.DOSSIER, version=dossier.version, sha256="x")
    rendition.file.save("r.pdf", ContentFile(pdf_bytes()), save=True)
    page = staff_client.get(reverse("applications:staff_dossier", args=[dossier.pk])).content.decode()
    assert url in page
    response = staff_client.get(url)
    assert (response.status_code, response["Content-Type"]) == (200, "application/pdf")
    assert response["Content-Disposition"] == f'attachment; filename="{dossier.number}_dossier_v1.pdf"'
    assert b"".join(response.streaming_content) == pdf_bytes()


def test_a_file_downloads_through_the_checked_view(world, staff_client):
    dossier = world["dossier"]
    stored = dossier.files.get(kind="cv")
    response = staff_client.get(reverse("applications:staff_dossier_file", args=[dossier.pk, stored.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="{dossier.number}_cv.pdf"'
    assert b"".join(response.streaming_content) == stored.file.open("rb").read()


def test_a_file_of_another_dossier_under_this_one_is_not_found(world, staff_client):
    foreign = world["other"].files.first()
    url = reverse("applications:staff_dossier_file", args=[world["dossier"].pk, foreign.pk])
    assert staff_client.get(url).status_code == 404


def test_a_draft_has_no_staff_page(world, staff_client):
    draft = world["draft"]
    assert staff_client.get(reverse("applications:staff_dossier", args=[draft.pk])).status_code == 404
    file_url = reverse("applications:staff_dossier_file", args=[draft.pk, draft.files.first().pk])
    assert staff_client.get(file_url).status_code == 404


def test_the_dossier_page_makes_the_same_queries_whatever_its_history(
    world, staff_client, staff_user, django_assert_num_queries
):
    dossier = world["dossier"]
    url = reverse("applications:staff_dossier", args=[dossier.pk])
    staff_client.get(url)
    # 10, the evaluation's section (4: staff_evaluation.dossier_context), the committee's (2: staff_decisions)
    with django_assert_num_queries(16):
        staff_client.get(url)
    services.mark_complete(dossier.pk, staff_user)
    services.request_missing_items(
        dossier.pk, staff_user, ["degree", "doc:cv"], "?", timezone.now() + dt.timedelta(days=2)
    )
    with django_assert_num_queries(16):
        staff_client.get(url)


# --- Actions ----------------------------------------------------------------------------------------


def test_mark_complete_records_who_and_when(world, staff_client, staff_user):
    dossier = world["dossier"]
    response = staff_client.post(reverse("applications:staff_dossier_complete", args=[dossier.pk]))
    assert response.status_code == 302
    dossier.refresh_from_db()
    event = dossier.events.get(kind="complete")
    assert (dossier.status, event.actor, event.public) == ("complete", staff_user, True)
    page = staff_client.get(reverse("applications:staff_dossier", args=[dossier.pk])).content.decode()
    assert "Dossier déclaré complet" in page
    assert staff_user.email in page


def test_mark_complete_twice_is_refused_with_the_reason(world, staff_client):
    dossier = world["dossier"]
    url = reverse("applications:staff_dossier_complete", args=[dossier.pk])
    staff_client.post(url)
    response = staff_client.post(url)
    assert (response.status_code, response.context["complete_errors"]) == (
        400,
        ["Seul un dossier déposé, sans demande en cours, peut être déclaré complet."],
    )
    assert dossier.events.filter(kind="complete").count() == 1


def test_an_action_is_post_only(world, staff_client):
    for name in ("complete", "request", "eligibility", "override"):
        url = reverse(f"applications:staff_dossier_{name}", args=[world["dossier"].pk])
        assert staff_client.get(url).status_code == 405
    assert world["dossier"].events.count() == 1


def _future(days=3) -> str:
    return timezone.localtime(timezone.now() + dt.timedelta(days=days)).strftime("%Y-%m-%dT%H:%M")


def test_a_request_for_missing_items_reopens_those_items(
    world, staff_client, staff_user, django_capture_on_commit_callbacks
):
    dossier = world["dossier"]
    deadline = _future()
    data = {
        "request-items": ["degree", "doc:transcripts"],
        "request-message": "Le relevé de notes est illisible.",
        "request-deadline": deadline,
    }
    with django_capture_on_commit_callbacks() as callbacks:
        response = staff_client.post(reverse("applications:staff_dossier_request", args=[dossier.pk]), data)
    assert response.status_code == 302
    dossier.refresh_from_db()
    request = dossier.requests.get()
    assert (dossier.status, request.items, request.created_by) == (
        "missing_items",
        ["degree", "doc:transcripts"],
        staff_user,
    )
    assert timezone.localtime(request.deadline).strftime("%Y-%m-%dT%H:%M") == deadline
    assert services.editable_items(dossier) == {"degree", "doc:transcripts", "documents"}
    event = dossier.events.get(kind="missing_items")
    assert (event.public, event.actor, event.message) == (True, staff_user, "Le relevé de notes est illisible.")
    # The candidate's e-mail is the event's notification, queued after the commit.
    assert len(callbacks) == 1


@pytest.mark.parametrize(
    ("data", "errors"),
    [
        (
            {"request-message": "?", "request-deadline": "FUTURE"},
            {"items": ["Choisissez au moins un élément à compléter."]},
        ),
        (
            {"request-items": ["degree"], "request-message": "  ", "request-deadline": "FUTURE"},
            {"message": ["Expliquez au ou à la candidat·e ce qui manque."]},
        ),
        (
            {"request-items": ["degree"], "request-message": "?", "request-deadline": "PAST"},
            {"deadline": ["La date limite doit être dans le futur."]},
        ),
        (
            {"request-items": ["degree"], "request-message": "?"},
            {"deadline": ["La date limite doit être dans le futur."]},
        ),
        (
            {"request-items": ["review"], "request-message": "?", "request-deadline": "FUTURE"},
            {"items": ["Sélectionnez un choix valide. review n’en fait pas partie."]},
        ),
        (
            {"request-items": ["degree"], "request-message": "x" * 4001, "request-deadline": "FUTURE"},
            {"message": ["Assurez-vous que cette valeur comporte au plus 4000 caractères (actuellement 4001)."]},
        ),
        (
            {"request-items": ["degree"], "request-message": "?", "request-deadline": "2101-01-01T10:00"},
            {"deadline": ["Indiquez une date entre le 01/01/1990 et le 31/12/2100."]},
        ),
    ],
)
def test_a_bad_request_for_missing_items_is_refused_and_nothing_saved(world, staff_client, data, errors):
    dossier = world["dossier"]
    values = {
        k: {"FUTURE": _future(), "PAST": _future(-1)}.get(v, v) if isinstance(v, str) else v for k, v in data.items()
    }
    response = staff_client.post(reverse("applications:staff_dossier_request", args=[dossier.pk]), values)
    assert response.status_code == 400
    assert dict(response.context["request_form"].errors) == errors
    dossier.refresh_from_db()
    assert (dossier.status, dossier.requests.count(), dossier.events.count()) == ("submitted", 0, 1)


def test_eligibility_is_prefilled_with_the_failing_checks(world, staff_client):
    dossier = too_old(world["dossier"])
    response = staff_client.get(reverse("applications:staff_dossier", args=[dossier.pk]))
    assert (
        response.context["eligibility_form"]["reasons"].value()
        == "- Master de moins de trois ans : Master trop ancien."
    )
    assert [c for c, _label in response.context["override_form"].fields["code"].choices] == ["masters_recent"]


def test_not_eligible_needs_reasons(world, staff_client):
    dossier = world["dossier"]
    url = reverse("applications:staff_dossier_eligibility", args=[dossier.pk])
    response = staff_client.post(url, {"eligibility-eligible": "false", "eligibility-reasons": " "})
    assert (response.status_code, dict(response.context["eligibility_form"].errors)) == (
        400,
        {"reasons": ["Indiquez les motifs de non-éligibilité : ils sont communiqués."]},
    )
    response = staff_client.post(url, {"eligibility-reasons": "?"})
    assert dict(response.context["eligibility_form"].errors) == {
        "eligible": ["Choisissez « Éligible » ou « Non éligible »."]
    }
    dossier.refresh_from_db()
    assert (dossier.status, dossier.events.count()) == ("submitted", 1)
    response = staff_client.post(url, {"eligibility-eligible": "false", "eligibility-reasons": "Docteur depuis 2020."})
    assert response.status_code == 302
    dossier.refresh_from_db()
    event = dossier.events.get(kind="ineligible")
    assert (dossier.status, dossier.screening_reasons, event.message, event.public) == (
        "ineligible",
        "Docteur depuis 2020.",
        "Docteur depuis 2020.",
        True,
    )


def test_eligible_with_a_failing_check_needs_an_override_first(world, staff_client, staff_user):
    dossier = too_old(world["dossier"])
    services.mark_complete(dossier.pk, staff_user)
    url = reverse("applications:staff_dossier_eligibility", args=[dossier.pk])
    response = staff_client.post(url, {"eligibility-eligible": "true", "eligibility-reasons": ""})
    assert (response.status_code, dict(response.context["eligibility_form"].errors)) == (
        400,
        {
            "eligible": [
                "Des contrôles d'éligibilité sont en échec (masters_recent) : levez chacun avec un motif écrit avant "
                "de déclarer le dossier éligible."
            ]
        },
    )
    dossier.refresh_from_db()
    assert dossier.status == "complete"
    override_url = reverse("applications:staff_dossier_override", args=[dossier.pk])
    staff_client.post(override_url, {"override-code": "masters_recent", "override-reason": "Équivalence reconnue."})
    assert staff_client.post(url, {"eligibility-eligible": "true", "eligibility-reasons": ""}).status_code == 302
    dossier.refresh_from_db()
    assert [(e.kind, e.actor) for e in dossier.events.all()] == [
        ("submitted", dossier.candidate),
        ("complete", staff_user),
        ("override", staff_user),
        ("eligible", staff_user),
    ]


def test_an_override_needs_a_written_reason(world, staff_client, staff_user):
    dossier = too_old(world["dossier"])
    url = reverse("applications:staff_dossier_override", args=[dossier.pk])
    response = staff_client.post(url, {"override-code": "masters_recent", "override-reason": "   "})
    assert (response.status_code, dict(response.context["override_form"].errors)) == (
        400,
        {"reason": ["Une levée de contrôle doit être motivée par écrit."]},
    )
    response = staff_client.post(url, {"override-code": "not_doctor", "override-reason": "Sans objet."})
    assert dict(response.context["override_form"].errors) == {
        "code": ["Sélectionnez un choix valide. not_doctor n’en fait pas partie."]
    }
    response = staff_client.post(url, {"override-code": "masters_recent", "override-reason": "x" * 4001})
    assert dict(response.context["override_form"].errors) == {
        "reason": ["Assurez-vous que cette valeur comporte au plus 4000 caractères (actuellement 4001)."]
    }
    assert EligibilityOverride.objects.count() == 0
    assert dossier.events.filter(kind="override").count() == 0
    response = staff_client.post(url, {"override-code": "masters_recent", "override-reason": "Équivalence reconnue."})
    assert response.status_code == 302
    override = EligibilityOverride.objects.get()
    event = dossier.events.get(kind="override")
    assert (override.code, override.reason, override.created_by) == (
        "masters_recent",
        "Équivalence reconnue.",
        staff_user,
    )
    assert (event.public, event.actor, event.data) == (False, staff_user, {"code": "masters_recent"})


def test_services_refuse_an_override_on_a_withdrawn_dossier(world, staff_user):
    dossier = too_old(world["dossier"])
    services.withdraw(dossier.pk, dossier.candidate)
    with pytest.raises(services.DossierClosed) as refused:
        services.override_check(dossier.pk, staff_user, "masters_recent", "Pourquoi pas.")
    assert refused.value.messages == ["Un contrôle ne peut être levé que sur un dossier déposé, en cours d'examen."]
    assert EligibilityOverride.objects.count() == 0


def test_services_refuse_texts_over_their_limit(world, staff_user):
    dossier = world["dossier"]
    with pytest.raises(services.ValidationError) as refused:
        services.declare_eligibility(dossier.pk, staff_user, False, "x" * 4001)
    assert refused.value.message_dict == {"reasons": ["4000 caractères au plus."]}
    with pytest.raises(services.ValidationError) as refused:
        services.request_missing_items(
            dossier.pk, staff_user, ["degree"], "x" * 4001, timezone.now() + dt.timedelta(days=1)
        )
    assert refused.value.message_dict == {"message": ["4000 caractères au plus."]}
    dossier.refresh_from_db()
    assert (dossier.status, dossier.events.count()) == ("submitted", 1)


def test_an_action_on_a_dossier_in_the_wrong_state_says_why(world, staff_client, staff_user):
    dossier = world["dossier"]
    services.request_missing_items(dossier.pk, staff_user, ["degree"], "?", timezone.now() + dt.timedelta(days=1))
    response = staff_client.post(
        reverse("applications:staff_dossier_eligibility", args=[dossier.pk]),
        {"eligibility-eligible": "false", "eligibility-reasons": "Non."},
    )
    assert response.status_code == 400
    assert response.context["eligibility_form"].non_field_errors() == [
        "L'éligibilité ne peut être déclarée que pour un dossier déposé et sans demande en cours."
    ]
    dossier.refresh_from_db()
    assert dossier.status == "missing_items"


def test_the_history_lists_every_event_with_who_and_when(world, staff_client, staff_user):
    dossier = world["dossier"]
    services.mark_complete(dossier.pk, staff_user)
    DossierEvent.objects.create(dossier=dossier, kind="request_lapsed", public=False)
    response = staff_client.get(reverse("applications:staff_dossier", args=[dossier.pk]))
    rows = [(e.kind_label, e.actor, e.public) for e in response.context["events"]]
    assert rows == [
        ("Dossier déposé", dossier.candidate, True),
        ("Dossier déclaré complet", staff_user, True),
        ("Délai de réponse dépassé", None, False),
    ]


def test_another_calls_dossiers_are_not_in_this_list(world, staff_client):
    foreign = submitted_dossier(CallFactory())
    assert foreign.number not in listed(staff_client.get(list_url(world["call"])))
