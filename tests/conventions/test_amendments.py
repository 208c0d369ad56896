"""An extension amendment must keep a fixed-term contract covering the convention (RULES.md §2, Art. 8)."""

import datetime as dt

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse

from conventions import services
from conventions.models import Amendment, Convention
from subsidies.models import Instalment
from tests.conventions.factories import ConventionFactory
from tests.conventions.pdfs import pdf_upload

pytestmark = pytest.mark.django_db

TOO_SHORT = (
    "Le CDD se termine le {end} : il doit couvrir toute la convention (36 mois), "
    "c'est-à-dire aller au moins jusqu'au 16/03/2028. Indiquez la nouvelle date de fin du contrat."
)


@pytest.fixture
def staff_client(staff, client_for):
    return client_for(staff)


@pytest.fixture
def reduced():
    """28 months (first enrolment 8 months before filing), fixed-term contract ending with it on 16/07/2027."""
    return ConventionFactory(
        doctoral_enrolment_date=dt.date(2024, 5, 4),
        contract_type=Convention.ContractType.FIXED_TERM,
        contract_end_date=dt.date(2027, 7, 16),
    )


def amendment_files():
    folder = settings.MEDIA_ROOT / "conventions" / "amendments"
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def snapshot(convention):
    convention.refresh_from_db()
    return (
        convention.signed_duration_months,
        convention.duration_months,
        convention.contract_end_date,
        convention.end_date,
        convention.amendments.count(),
        list(Instalment.objects.filter(convention=convention).values_list("number", "period_end", "amount")),
    )


def extend(client, convention, **extra):
    data = {"kind": "extension", "date": "2026-09-01", "new_duration_months": "36", **extra}
    return client.post(reverse("conventions:amendment_add", args=[convention.pk]), data)


def test_extension_beyond_the_fixed_term_contract_is_refused_and_nothing_saved(staff_client, reduced):
    before = snapshot(reduced)
    assert before[:4] == (None, 28, dt.date(2027, 7, 16), dt.date(2027, 7, 16))
    response = extend(staff_client, reduced, file=pdf_upload("avenant.pdf"))
    assert response.status_code == 400
    assert response.context["form"].errors == {"new_contract_end_date": [TOO_SHORT.format(end="16/07/2027")]}
    response = extend(staff_client, reduced, new_contract_end_date="2028-03-15")
    assert response.context["form"].errors == {"new_contract_end_date": [TOO_SHORT.format(end="15/03/2028")]}
    assert snapshot(reduced) == before
    assert amendment_files() == []


def test_extension_with_a_contract_extended_long_enough_is_applied(staff_client, reduced):
    response = extend(staff_client, reduced, new_contract_end_date="2028-03-16")
    assert (response.status_code, response["Location"]) == (302, reverse("conventions:detail", args=[reduced.pk]))
    signed, months, contract_end, end, amendments, instalments = snapshot(reduced)
    assert (signed, months, contract_end, end, amendments) == (36, 36, dt.date(2028, 3, 16), dt.date(2028, 3, 16), 1)
    assert reduced.duration_reason == "Avenant de prolongation du 01/09/2026"
    assert instalments[-1][1] == dt.date(2028, 3, 16)


def test_contract_end_date_only_goes_with_an_extension_of_a_fixed_term_contract(staff_client, reduced):
    response = staff_client.post(
        reverse("conventions:amendment_add", args=[reduced.pk]),
        {"kind": "other", "date": "2026-09-01", "new_contract_end_date": "2029-01-01"},
    )
    assert response.context["form"].errors == {
        "new_contract_end_date": ["La fin du CDD ne se modifie ici que par une prolongation."]
    }
    permanent = ConventionFactory(doctoral_enrolment_date=dt.date(2024, 5, 4))
    response = extend(staff_client, permanent, new_contract_end_date="2029-01-01")
    assert response.context["form"].errors == {
        "new_contract_end_date": ["Le contrat de travail est un CDI : il n'a pas de date de fin."]
    }
    assert extend(staff_client, permanent).status_code == 302  # a permanent contract covers any duration
    permanent.refresh_from_db()
    assert (permanent.duration_months, permanent.contract_end_date) == (36, None)
    assert Amendment.objects.filter(convention=reduced).count() == 0


def test_the_service_refuses_it_too_and_removes_the_stored_file(reduced):
    """Called directly (not through the form), ``add_amendment`` still refuses, rolls back and cleans up."""
    before = snapshot(reduced)
    amendment = Amendment(kind="extension", date=dt.date(2026, 9, 1), file=pdf_upload("avenant.pdf"))
    with pytest.raises(ValidationError) as refusal:
        services.add_amendment(
            reduced, amendment, {"signed_duration_months": 36, "duration_reason": "Prolongation"}, None
        )
    assert refusal.value.message_dict == {"contract_end_date": [TOO_SHORT.format(end="16/07/2027")]}
    assert (reduced.signed_duration_months, reduced.duration_months) == (None, 28)  # the instance is reset too
    assert snapshot(reduced) == before
    assert amendment_files() == []


def test_an_extension_refused_after_the_file_is_stored_leaves_no_file(staff_client):
    """The last instalment is invoiced: extending would change it, so the amendment (and its PDF) is not kept."""
    convention = ConventionFactory(doctoral_enrolment_date=dt.date(2024, 5, 4))
    last = Instalment.objects.filter(convention=convention).order_by("number").last()
    Instalment.objects.filter(pk=last.pk).update(invoiced_on=dt.date(2026, 5, 1))
    before = snapshot(convention)
    response = extend(staff_client, convention, file=pdf_upload("avenant.pdf"))
    assert response.status_code == 400
    assert response.context["form"].non_field_errors() == [
        "Refusé : l'échéance n° 11 (01/07/2027 – 16/07/2027, 602,15\u00a0€) est déjà facturée depuis le 01/05/2026 "
        "et ce changement la modifierait. Annulez d'abord sa facture par un avoir."
    ]
    assert last.number == 11
    assert snapshot(convention) == before
    assert amendment_files() == []
