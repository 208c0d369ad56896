"""The waiting list, a withdrawal recorded by staff, the hand-over to a draft convention, and the sections of
the call's and the dossier's staff pages."""

from __future__ import annotations

import html
from decimal import Decimal

import pytest
from django.urls import reverse

from applications import services as dossier_services
from applications.evaluation.models import Decision, Letter
from applications.models import Dossier, DossierEvent
from conventions import rules
from conventions.models import Convention
from subsidies.models import RateYear
from tests.applications.decisions_world import applied, make_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    return applied(make_world())


@pytest.fixture
def staff(world, client_for):
    return client_for(world["staff"])


def text(response) -> str:
    return html.unescape(response.content.decode())


def flashed(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def dossier_url(dossier):
    return reverse("applications:staff_dossier", args=[dossier.pk])


# --- The waiting list ------------------------------------------------------------------------------------


def test_when_a_selected_candidate_withdraws_staff_promote_the_first_waiting(world, staff):
    one, _two, three, _four = world["dossiers"]
    dossier_services.withdraw(one.pk, one.candidate, "Autre projet.")  # the candidate's own withdrawal
    committee = staff.get(reverse("applications:staff_committee", args=[world["call"].pk]))
    assert committee.context["vacancies"] == 1
    assert "Repêcher le premier de la liste d'attente" in text(committee)
    assert "1 place à pourvoir depuis la liste d'attente." in text(
        staff.get(reverse("applications:staff_call", args=[world["call"].pk]))
    )
    url = reverse("applications:staff_promote", args=[world["call"].pk])
    response = staff.post(url)
    assert response.status_code == 302
    assert response["Location"] == reverse("applications:staff_outbox", args=[world["call"].pk])
    assert Dossier.objects.get(pk=three.pk).status == "selected"
    letter = Letter.objects.get(decision__dossier=three, kind=Letter.Kind.PROMOTION)
    assert (letter.status, letter.template_key) == ("ready", "decision_promoted")
    assert flashed(staff.get(response["Location"])) == [
        f"Le dossier {three.number} (rang 1 sur la liste d'attente) est retenu : sa lettre attend dans la boîte "
        "d'envoi."
    ]
    # No place left: said plainly, nothing changes.
    again = staff.post(url)
    assert again.status_code == 400
    assert "Aucun·e candidat·e retenu·e ne s'est désisté·e : il n'y a pas de place à pourvoir." in text(again)
    assert Letter.objects.filter(kind=Letter.Kind.PROMOTION).count() == 1


def test_an_empty_waiting_list_is_said_plainly(world, staff):
    one, two, three, _four = world["dossiers"]
    dossier_services.withdraw(three.pk, three.candidate, "")
    dossier_services.withdraw(one.pk, one.candidate, "")
    response = staff.post(reverse("applications:staff_promote", args=[world["call"].pk]))
    assert response.status_code == 400
    assert "La liste d'attente est épuisée : aucun dossier ne peut être repêché." in text(response)
    assert not Letter.objects.filter(kind=Letter.Kind.PROMOTION).exists()


# --- A withdrawal recorded by staff ---------------------------------------------------------------------


def test_staff_record_a_withdrawal_which_frees_a_place(world, staff):
    one = world["dossiers"][0]
    page = text(staff.get(dossier_url(one)))
    assert reverse("applications:staff_withdrawal", args=[one.pk]) in page
    url = reverse("applications:staff_withdrawal", args=[one.pk])
    empty = staff.post(url, {"reason": "  "})
    assert empty.status_code == 400
    assert empty.context["form"].errors == {
        "reason": ["Indiquez comment le ou la candidat·e a fait part de son retrait."]
    }
    long = staff.post(url, {"reason": "x" * 2001})
    assert long.status_code == 400 and long.context["form"].errors == {"reason": ["2000 caractères au plus."]}
    assert Dossier.objects.get(pk=one.pk).status == "selected"
    response = staff.post(url, {"reason": "Courriel du 3 juillet."}, follow=True)
    assert Dossier.objects.get(pk=one.pk).status == "withdrawn"
    assert flashed(response) == [
        f"Le retrait du dossier {one.number} est enregistré.",
        "Une place est à pourvoir : repêchez le premier dossier de la liste d'attente (page du comité).",
    ]
    event = one.events.get(kind=DossierEvent.Kind.WITHDRAWN)
    assert (event.message, event.data) == ("Courriel du 3 juillet.", {"by_staff": True})


def test_a_rejected_dossiers_withdrawal_is_refused(world, staff):
    four = world["dossiers"][3]
    assert "Enregistrer le retrait" not in text(staff.get(dossier_url(four)))
    response = staff.post(reverse("applications:staff_withdrawal", args=[four.pk]), {"reason": "Par courriel."})
    assert response.status_code == 400
    assert response.context["form"].non_field_errors() == [
        "Seul le retrait d'un dossier retenu ou sur liste d'attente s'enregistre ici."
    ]
    assert Dossier.objects.get(pk=four.pk).status == "rejected"


# --- The hand-over -------------------------------------------------------------------------------------------


def test_a_selected_dossier_is_handed_over_and_the_recheck_is_shown(world, staff):
    one = world["dossiers"][0]
    page = text(staff.get(dossier_url(one)))
    assert "Créer la convention" in page and "Retenu" in page
    assert Letter.objects.get(decision__dossier=one).subject in page
    response = staff.post(reverse("applications:staff_handover", args=[one.pk]))
    convention = Convention.objects.get(doctoral_student=one.candidate)
    assert response.status_code == 302 and response["Location"] == reverse("conventions:detail", args=[convention.pk])
    opened = staff.get(response["Location"])
    assert opened.status_code == 200
    assert flashed(opened) == [
        f"La convention brouillon n° {convention.pk} est créée à partir du dossier {one.number}.",
        "Les contrôles d'éligibilité, repris avec les dates de la convention, sont satisfaits.",
    ]
    assert Dossier.objects.get(pk=one.pk).convention == convention
    page = text(staff.get(dossier_url(one)))
    assert reverse("conventions:detail", args=[convention.pk]) in page
    assert "Contrôles d'éligibilité repris avec les dates de la convention" in page
    assert "Créer la convention" not in page and "Enregistrer le retrait" not in page


def test_failing_checks_after_the_hand_over_are_told_and_kept_on_the_dossier(world, staff):
    one = world["dossiers"][0]
    call = world["call"]
    # The call's planned dates moved five years on: the master's degree is then too old.
    call.planned_filing_date = rules.add_months(call.planned_filing_date, 60)
    call.planned_effective_date = rules.add_months(call.planned_effective_date, 60)
    call.save(update_fields=["planned_filing_date", "planned_effective_date"])
    RateYear.objects.get_or_create(
        year=call.planned_effective_date.year,
        defaults={"annual_subsidy": Decimal("14000.00"), "minimum_salary": Decimal("28000.00")},
    )
    response = staff.post(reverse("applications:staff_handover", args=[one.pk]), follow=True)
    warning = flashed(response)[1]
    assert warning.startswith("Contrôles d'éligibilité en échec avec les dates de la convention : ")
    page = text(staff.get(dossier_url(one)))
    assert 'id="recheck-failing"' in page and "En échec" in page


def test_refusals_create_nothing(world, staff):
    one, _two, three, four = world["dossiers"]
    url = lambda d: reverse("applications:staff_handover", args=[d.pk])  # noqa: E731
    for dossier, status in ((three, "Sur liste d'attente"), (four, "Non retenu")):
        assert "Créer la convention" not in text(staff.get(dossier_url(dossier)))
        response = staff.post(url(dossier))
        assert response.status_code == 400
        assert f"Seul un dossier retenu par le comité devient une convention (ce dossier : {status})." in text(response)
    year = world["call"].planned_effective_date.year
    RateYear.objects.filter(year=year).delete()
    response = staff.post(url(one))
    assert response.status_code == 400
    assert f"Aucun barème n'est enregistré pour l'année {year} : ajoutez-le d'abord." in text(response)
    assert not Convention.objects.exists() and Dossier.objects.get(pk=one.pk).convention_id is None
    RateYear.objects.create(year=year, annual_subsidy=Decimal("14000.00"), minimum_salary=Decimal("28000.00"))
    assert staff.post(url(one)).status_code == 302
    convention = Convention.objects.get()
    twice = staff.post(url(one))
    assert twice.status_code == 400
    assert f"Ce dossier a déjà été transmis : sa convention (brouillon n° {convention.pk}) existe." in text(twice)
    assert Convention.objects.count() == 1


def test_a_pending_decision_offers_no_hand_over(db, client_for):
    world = make_world()
    from applications.evaluation import decisions

    decisions.set_decision(world["dossiers"][0], world["committee"], Decision.Outcome.SELECTED, world["staff"])
    page = text(client_for(world["staff"]).get(dossier_url(world["dossiers"][0])))
    assert "En attente d'application" in page and "Créer la convention" not in page


# --- The call's section ----------------------------------------------------------------------------------


def test_the_call_page_shows_committees_counts_and_links(world, staff):
    page = text(staff.get(reverse("applications:staff_call", args=[world["call"].pk])))
    assert "Comité du 12/01/2027" in page
    assert "Décisions : 0 en attente d'application, 4 appliquée(s)." in page
    assert "Lettres : 4 prête(s), 0 retenue(s), 0 envoyée(s)." in page
    assert reverse("applications:staff_committee", args=[world["call"].pk]) in page
    assert reverse("applications:staff_outbox", args=[world["call"].pk]) in page


def test_the_dossier_section_makes_two_queries_whatever_the_decision(db):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from applications.views import staff_decisions
    from tests.applications.factories_evaluation import EligibleDossierFactory

    world = applied(make_world())
    undecided = EligibleDossierFactory(call=world["call"])
    decided = Dossier.objects.get(pk=world["dossiers"][1].pk)
    counts = []
    for dossier in (undecided, decided):
        with CaptureQueriesContext(connection) as ctx:
            staff_decisions.dossier_context(dossier, world["staff"])
        counts.append(len(ctx.captured_queries))
    assert counts == [2, 2]
