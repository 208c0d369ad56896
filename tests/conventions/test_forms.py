"""Bad input: a clear French message on the field, and nothing saved."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from conventions.models import Convention, Document, Suspension
from subsidies.models import Instalment
from tests.conventions.factories import (
    ConventionFactory,
    HostDepartmentFactory,
    LabFactory,
    ThesisDirectorFactory,
    TutorFactory,
)
from tests.conventions.pdfs import pdf_upload
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(staff, client_for):
    return client_for(staff)


@pytest.fixture
def valid_data():
    department = HostDepartmentFactory()
    return {
        "doctoral_student": UserFactory(role="doctoral_student").pk,
        "anrt_number": "2025/0456",
        "thesis_title": "Les arbres d'alignement face aux canicules",
        "employer": department.employer_id,
        "host_department": department.pk,
        "lab": LabFactory().pk,
        "tutor": TutorFactory().pk,
        "thesis_director": ThesisDirectorFactory().pk,
        "committee_date": "2025-02-20",
        "submission_date": "2025-01-15",
        "effective_date": "2025-03-17",
        "contract_type": "fixed_term",
        "contract_end_date": "2028-03-16",
        "gross_salary": "26400.00",
        "signed": "on",
    }


def post_convention(client, data):
    return client.post(reverse("conventions:create"), data)


def test_staff_create_a_convention_and_its_plan(staff_client, valid_data):
    response = post_convention(staff_client, valid_data)
    convention = Convention.objects.get()
    assert (response.status_code, response["Location"]) == (302, reverse("conventions:detail", args=[convention.pk]))
    assert (convention.status, convention.duration_months, convention.end_date, convention.minimum_salary) == (
        "active",
        36,
        dt.date(2028, 3, 16),
        26400,
    )
    assert convention.instalments.count() == 13
    assert convention.obligations.count() == 10


def test_reduced_duration_is_computed_and_signed_duration_needs_a_reason(staff_client, valid_data):
    data = {**valid_data, "doctoral_enrolment_date": "2024-05-04", "submission_date": "2025-01-15"}
    data["contract_end_date"] = "2027-11-16"
    assert post_convention(staff_client, data).status_code == 302
    assert Convention.objects.get().duration_months == 28
    data = {**valid_data, "anrt_number": "2025/0457", "signed_duration_months": "30"}
    response = post_convention(staff_client, data)
    assert response.context["form"].errors == {
        "duration_reason": ["Indiquez pourquoi la durée signée diffère du calcul."]
    }


@pytest.mark.parametrize(
    ("changes", "errors"),
    [
        (
            {"effective_date": "2025-02-01"},
            {"effective_date": ["La date d'effet ne peut pas précéder la date du comité (20/02/2025)."]},
        ),
        (
            {"contract_end_date": "2027-12-31"},
            {
                "contract_end_date": [
                    "Le CDD doit couvrir toute la convention (36 mois) : il doit aller au moins jusqu'au 16/03/2028."
                ]
            },
        ),
        ({"contract_end_date": ""}, {"contract_end_date": ["Indiquez la date de fin du CDD."]}),
        (
            {"gross_salary": "26399.99"},
            {"gross_salary": ["Le salaire brut annuel doit atteindre le minimum de 2025 : 26\u202f400,00\u00a0€."]},
        ),
        (
            {"anrt_number": "25/12"},
            {"anrt_number": ["Le numéro ANRT s'écrit AAAA/NNNN, par exemple 2025/0123."]},
        ),
        (
            {"effective_date": "2031-03-17", "committee_date": "2031-01-01"},
            {"effective_date": ["Aucun barème n'est enregistré pour l'année 2031 : ajoutez-le d'abord."]},
        ),
        (
            {"signed_duration_months": "40", "duration_reason": "avenant"},
            {"signed_duration_months": ["Un nombre entier de mois entre 1 et 36 est attendu."]},
        ),
    ],
)
def test_bad_convention_input_is_refused_on_its_field(staff_client, valid_data, changes, errors):
    response = post_convention(staff_client, {**valid_data, **changes})
    assert response.status_code == 400
    assert response.context["form"].errors == errors
    assert Convention.objects.count() == 0
    assert Instalment.objects.count() == 0


def test_duplicate_anrt_number_is_refused(staff_client, valid_data):
    ConventionFactory(anrt_number="2025/0456")
    response = post_convention(staff_client, valid_data)
    assert response.context["form"].errors == {"anrt_number": ["Une convention porte déjà ce numéro ANRT."]}
    assert Convention.objects.count() == 1


def test_edit_keeps_what_was_typed_when_refused(staff_client):
    convention = ConventionFactory()
    url = reverse("conventions:edit", args=[convention.pk])
    form = staff_client.get(url).context["form"]
    data = {name: form[name].value() for name in form.fields}
    data = {k: ("" if v is None else v) for k, v in data.items() if v is not False}
    data.update({"thesis_title": "Nouveau titre", "gross_salary": "1000", "signed": "on"})
    response = staff_client.post(url, data)
    assert response.status_code == 400
    assert response.context["form"]["thesis_title"].value() == "Nouveau titre"
    convention.refresh_from_db()
    assert convention.thesis_title != "Nouveau titre"


@pytest.mark.parametrize(
    ("start", "end", "errors"),
    [
        (
            "2026-01-10",
            "2026-02-08",
            {
                "end": [
                    "Une suspension dure au moins un mois calendaire : elle doit aller au moins jusqu'au 09/02/2026."
                ]
            },
        ),
        ("01/02/2026", "01/04/2026", {"start": ["La suspension chevauche celle du 05/01/2026 au 04/03/2026."]}),
        (
            "2024-01-01",
            "2024-03-01",
            {"start": ["La suspension doit se situer dans la convention (17/03/2025 – 14/07/2028)."]},
        ),
    ],
)
def test_bad_suspension_is_refused(staff_client, start, end, errors):
    convention = ConventionFactory()
    Suspension.objects.create(convention=convention, start=dt.date(2026, 1, 5), end=dt.date(2026, 3, 4))
    response = staff_client.post(
        reverse("conventions:suspension_add", args=[convention.pk]), {"start": start, "end": end}
    )
    assert response.status_code == 400
    assert response.context["form"].errors == errors
    assert convention.suspensions.count() == 1


def test_termination_outside_the_convention_is_refused(staff_client):
    convention = ConventionFactory()
    response = staff_client.post(
        reverse("conventions:terminate", args=[convention.pk]),
        {"termination_date": "2029-01-01", "termination_reason": "Démission"},
    )
    assert response.context["form"].errors == {
        "termination_date": ["La date de rupture doit se situer entre le 17/03/2025 et le 16/03/2028."]
    }
    convention.refresh_from_db()
    assert convention.termination_date is None


def test_termination_altering_an_invoiced_instalment_is_refused_by_the_page(staff_client):
    convention = ConventionFactory()
    Instalment.objects.filter(convention=convention, number=12).update(invoiced_on=dt.date(2028, 1, 5))
    response = staff_client.post(
        reverse("conventions:terminate", args=[convention.pk]),
        {"termination_date": "2026-08-10", "termination_reason": "Démission"},
    )
    assert response.status_code == 400
    assert response.context["form"].non_field_errors() == [
        "Refusé : l'échéance n° 12 est déjà facturée depuis le 05/01/2028 et ce changement la supprimerait. "
        "Annulez d'abord sa facture par un avoir."
    ]
    convention.refresh_from_db()
    assert (convention.termination_date, convention.instalments.count()) == (None, 13)


def test_a_file_that_is_not_a_pdf_is_refused_and_nothing_recorded(staff_client):
    convention = ConventionFactory()
    obligation = convention.obligations.get(key="enrolment:2025")
    response = staff_client.post(
        reverse("conventions:document_upload", args=[obligation.pk]),
        {"file": SimpleUploadedFile("certificat.pdf", b"<html>pas un pdf</html>"), "received_on": "2025-10-01"},
    )
    assert response.status_code == 400
    assert response.context["form"].errors == {"file": ["Ce fichier n'est pas un PDF (son contenu ne correspond pas)."]}
    obligation.refresh_from_db()
    assert (obligation.received_on, Document.objects.count()) == (None, 0)


def test_future_receipt_date_is_refused(staff_client):
    convention = ConventionFactory()
    obligation = convention.obligations.get(key="enrolment:2025")
    response = staff_client.post(
        reverse("conventions:document_upload", args=[obligation.pk]),
        {"file": pdf_upload(), "received_on": "2099-01-01"},
    )
    assert response.context["form"].errors == {"received_on": ["La date de réception ne peut pas être dans le futur."]}
    assert Document.objects.count() == 0


def test_amendment_changes_the_tutor_and_is_listed(staff_client):
    convention = ConventionFactory()
    tutor = TutorFactory()
    response = staff_client.post(
        reverse("conventions:amendment_add", args=[convention.pk]),
        {"kind": "tutor", "date": "2026-02-01", "new_tutor": tutor.pk, "file": pdf_upload("avenant.pdf")},
    )
    assert response.status_code == 302
    convention.refresh_from_db()
    amendment = convention.amendments.get()
    assert (convention.tutor, amendment.original_name) == (tutor, "avenant.pdf")
    download = staff_client.get(reverse("conventions:amendment_download", args=[convention.pk, amendment.pk]))
    assert (download.status_code, b"".join(download.streaming_content)[:5]) == (200, b"%PDF-")
    response = staff_client.post(
        reverse("conventions:amendment_add", args=[convention.pk]), {"kind": "director", "date": "2026-02-01"}
    )
    assert response.context["form"].errors == {
        "new_thesis_director": ["Choisissez le ou la nouvelle directeur·rice de thèse."]
    }


def test_rates_are_editable_by_staff(staff_client):
    response = staff_client.post(
        reverse("conventions:rate_create"), {"year": "2027", "annual_subsidy": "14000", "minimum_salary": "28800"}
    )
    assert response.status_code == 302
    response = staff_client.post(
        reverse("conventions:rate_create"), {"year": "2027", "annual_subsidy": "14000", "minimum_salary": "-1"}
    )
    assert response.context["form"].errors == {
        "year": ["Cette année figure déjà dans le barème."],
        "minimum_salary": ["Assurez-vous que cette valeur est supérieure ou égale à 0.01."],
    }


def test_a_draft_is_signed_later_and_then_stays_signed(staff_client, valid_data):
    response = post_convention(staff_client, {**valid_data, "signed": ""})
    convention = Convention.objects.get()
    assert (response.status_code, convention.status, convention.rate_year) == (302, "draft", 2025)
    url = reverse("conventions:edit", args=[convention.pk])
    data = {
        **valid_data,
        "effective_date": "2026-01-05",
        "committee_date": "2025-12-01",
        "contract_end_date": "2029-01-04",
        "gross_salary": "27600.00",
        "signed": "on",
    }
    assert staff_client.post(url, data).status_code == 302
    convention.refresh_from_db()
    assert (convention.status, convention.rate_year, convention.minimum_salary) == ("active", 2026, Decimal("27600.00"))
    assert "signed" not in staff_client.get(url).context["form"].fields


def test_deleting_a_suspension_that_a_termination_needs_is_refused(staff_client):
    convention = ConventionFactory()
    suspension = Suspension.objects.create(convention=convention, start=dt.date(2026, 1, 5), end=dt.date(2026, 7, 4))
    convention.termination_date = dt.date(2028, 6, 1)  # only inside the convention thanks to the suspension
    convention.termination_reason = "Démission"
    convention.save()
    response = staff_client.post(
        reverse("conventions:suspension_delete", args=[convention.pk, suspension.pk]), follow=True
    )
    assert [str(m) for m in response.context["messages"]] == [
        "La date de rupture doit se situer entre le 17/03/2025 et le 16/03/2028."
    ]
    assert convention.suspensions.count() == 1
