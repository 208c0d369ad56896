"""The committee's screen: recording the committee, a decision per dossier in ranking order, applying
them together after a confirmation; bad input comes back next to the field (400), nothing saved."""

from __future__ import annotations

import datetime as dt
import html

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from applications.evaluation import decisions
from applications.evaluation.models import Committee, Decision, Letter
from applications.models import Dossier, DossierEvent
from tests.applications.decisions_world import applied, decided, make_world
from tests.applications.factories_evaluation import AssignmentFactory, EligibleDossierFactory

pytestmark = pytest.mark.django_db
Outcome = Decision.Outcome


@pytest.fixture
def world(db):
    return make_world()


@pytest.fixture
def staff(world, client_for):
    return client_for(world["staff"])


def committee_url(w):
    return reverse("applications:staff_committee", args=[w["call"].pk])


def row(dossier, **values):
    data = {"outcome": "", "waiting_rank": "", "note": "", "committee": ""}
    data.update(values)
    return {f"d{dossier.pk}-{k}": v for k, v in data.items()}


def text(response) -> str:
    return html.unescape(response.content.decode())


def set_url(dossier):
    return reverse("applications:staff_decision_set", args=[dossier.pk])


# --- The committee ----------------------------------------------------------------------------------


def test_staff_record_the_committee(world, staff):
    url = reverse("applications:staff_committee_create", args=[world["call"].pk])
    response = staff.post(url, {"committee-date": "2027-01-20", "committee-members_present": "Mme Martin, M. Roy"})
    assert response.status_code == 302 and response["Location"] == committee_url(world)
    created = Committee.objects.latest("pk")
    assert (created.date, created.members_present, created.created_by) == (
        dt.date(2027, 1, 20),
        "Mme Martin, M. Roy",
        world["staff"],
    )
    page = text(staff.get(committee_url(world)))
    assert "Comité du 20/01/2027 — Mme Martin, M. Roy" in page


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"committee-date": "", "committee-members_present": "Mme Martin"}, "date", "Indiquez la date du comité."),
        (
            {"committee-date": "2027-02-30", "committee-members_present": "Mme Martin"},
            "date",
            "Indiquez une date valide (jj/mm/aaaa).",
        ),
        (
            {"committee-date": "1890-01-01", "committee-members_present": "Mme Martin"},
            "date",
            "Indiquez une date entre le",
        ),
        (
            {"committee-date": "2027-01-20", "committee-members_present": "  "},
            "members_present",
            "Indiquez les membres présents : ils figurent au rapport d'évaluation.",
        ),
        (
            {"committee-date": "2027-01-20", "committee-members_present": "x" * 2001},
            "members_present",
            "2000 caractères au plus.",
        ),
    ],
)
def test_a_bad_committee_is_refused_next_to_its_field(world, staff, data, field, message):
    before = Committee.objects.count()
    response = staff.post(reverse("applications:staff_committee_create", args=[world["call"].pk]), data)
    assert response.status_code == 400
    errors = response.context["committee_form"].errors
    assert list(errors) == [field] and errors[field][0].startswith(message)
    assert message in text(response)
    assert Committee.objects.count() == before


# --- Decisions -----------------------------------------------------------------------------------------


def test_the_table_lists_the_decidable_dossiers_in_ranking_order_with_names(world, staff):
    one, two, three, four = world["dossiers"]
    # An eligible dossier without evaluation comes last.
    low = AssignmentFactory(dossier__call=world["call"], submitted=True).dossier
    unevaluated = EligibleDossierFactory(call=world["call"])
    response = staff.get(committee_url(world))
    assert response.status_code == 200
    numbers = [r.dossier.number for r in response.context["page"].object_list]
    assert numbers[-1] == unevaluated.number
    assert set(numbers) == {d.number for d in (one, two, three, four, low, unevaluated)}
    page = text(response)
    assert one.full_name in page and unevaluated.full_name in page
    assert "<caption>6 dossiers à décider, dans l'ordre du classement</caption>" in page


def test_the_ranking_order_decides_the_rows(world, staff):
    call = world["call"]
    criteria = list(call.criteria.order_by("position", "id"))
    weak = AssignmentFactory(dossier__call=call, submitted=True, values=[c.scale_min for c in criteria]).dossier
    rows = staff.get(committee_url(world)).context["page"].object_list
    assert rows[-1].dossier == weak and rows[-1].line.rank == 5
    rows = staff.get(committee_url(world) + "?ordre=median").context["page"].object_list
    assert rows[-1].dossier == weak


def test_staff_set_change_and_clear_a_pending_decision(world, staff):
    one = world["dossiers"][0]
    committee = world["committee"]
    response = staff.post(set_url(one), row(one, outcome="waiting_list", waiting_rank="2", committee=committee.pk))
    assert response.status_code == 302 and response["Location"] == committee_url(world) + f"#d{one.pk}"
    decision = Decision.objects.get(dossier=one)
    assert (decision.outcome, decision.waiting_rank, decision.status) == ("waiting_list", 2, "pending")
    response = staff.post(set_url(one), row(one, outcome="selected", note="Très solide.", committee=committee.pk))
    assert response.status_code == 302
    decision.refresh_from_db()
    assert (decision.outcome, decision.waiting_rank, decision.note) == ("selected", None, "Très solide.")
    assert Dossier.objects.get(pk=one.pk).status == "in_evaluation"  # pending: nothing visible yet
    response = staff.post(reverse("applications:staff_decision_clear", args=[one.pk]))
    assert response.status_code == 302 and not Decision.objects.filter(dossier=one).exists()


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"outcome": "waiting_list"}, "waiting_rank", "Indiquez le rang du dossier sur la liste d'attente (1, 2, …)."),
        ({"outcome": "waiting_list", "waiting_rank": "deux"}, "waiting_rank", "Indiquez le rang par un nombre entier"),
        ({"outcome": "waiting_list", "waiting_rank": "0"}, "waiting_rank", "Assurez-vous que cette valeur"),
        ({"outcome": "selected", "waiting_rank": "1"}, "waiting_rank", "Un rang ne se donne qu'aux dossiers"),
        ({"outcome": ""}, "outcome", "Choisissez une décision : retenu, liste d'attente ou non retenu."),
        ({"outcome": "maybe"}, "outcome", "Sélectionnez un choix valide."),
        ({"outcome": "rejected", "note": "x" * 2001}, "note", "2000 caractères au plus."),
    ],
)
def test_a_bad_decision_is_refused_next_to_its_field(world, staff, values, field, message):
    one = world["dossiers"][0]
    response = staff.post(set_url(one), row(one, committee=world["committee"].pk, **values))
    assert response.status_code == 400
    form = next(r.form for r in response.context["page"].object_list if r.dossier == one)
    assert field in form.errors and form.errors[field][0].startswith(message), form.errors
    assert not Decision.objects.filter(dossier=one).exists()


def test_a_taken_rank_and_a_committee_of_another_call_are_refused(world, staff):
    one, two = world["dossiers"][:2]
    committee = world["committee"]
    staff.post(set_url(one), row(one, outcome="waiting_list", waiting_rank="1", committee=committee.pk))
    response = staff.post(set_url(two), row(two, outcome="waiting_list", waiting_rank="1", committee=committee.pk))
    assert response.status_code == 400
    assert f"Le rang 1 est déjà donné au dossier {one.number}." in text(response)
    other = Committee.objects.create(call=EligibleDossierFactory().call, date=dt.date(2027, 1, 1), members_present="X")
    response = staff.post(set_url(two), row(two, outcome="rejected", committee=other.pk))
    assert response.status_code == 400 and not Decision.objects.filter(dossier=two).exists()


def test_without_a_committee_no_decision_can_be_set(world, staff):
    Committee.objects.all().delete()
    one = world["dossiers"][0]
    page = text(staff.get(committee_url(world)))
    assert "Aucun comité n'est encore enregistré" in page
    response = staff.post(set_url(one), row(one, outcome="selected"))
    assert response.status_code == 400
    assert "Enregistrez d'abord le comité" in text(response)
    assert not Decision.objects.exists()


def test_clearing_without_a_decision_or_an_applied_one_is_refused(world, staff):
    one = world["dossiers"][0]
    response = staff.post(reverse("applications:staff_decision_clear", args=[one.pk]))
    assert response.status_code == 400 and "Ce dossier n'a pas de décision à retirer." in text(response)
    applied(world)
    response = staff.post(reverse("applications:staff_decision_clear", args=[one.pk]))
    assert response.status_code == 400
    assert "Une décision appliquée ne peut plus être retirée." in text(response)
    response = staff.post(set_url(one), row(one, outcome="rejected", committee=world["committee"].pk))
    assert response.status_code == 400
    assert "La décision sur ce dossier a été appliquée le" in text(response)
    assert Decision.objects.get(dossier=one).outcome == "selected"


# --- Applying ------------------------------------------------------------------------------------------


def test_applying_asks_for_confirmation_then_applies_once(world, staff):
    decided(world)
    url = reverse("applications:staff_decisions_apply", args=[world["call"].pk])
    confirm = staff.get(url)
    assert confirm.status_code == 200 and len(confirm.context["pending"]) == 4
    assert "Confirmer : appliquer les décisions" in text(confirm)
    assert Decision.objects.filter(status="pending").count() == 4  # a GET changes nothing
    response = staff.post(url)
    assert response.status_code == 302
    assert response["Location"] == reverse("applications:staff_outbox", args=[world["call"].pk])
    assert [Dossier.objects.get(pk=d.pk).status for d in world["dossiers"]] == [
        "selected",
        "selected",
        "waiting_list",
        "rejected",
    ]
    assert Letter.objects.count() == 4
    events = DossierEvent.objects.count()
    again = staff.post(url)
    assert again.status_code == 400
    assert again.context["errors"] == [
        f"Les décisions de cet appel ont déjà été appliquées le {dt.date.today():%d/%m/%Y} et aucune autre n'est "
        "en attente : rien n'a changé."
    ]
    assert (Letter.objects.count(), DossierEvent.objects.count()) == (4, events)


def test_too_many_selected_is_refused_and_nothing_changes(world, staff):
    committee = world["committee"]
    for dossier in world["dossiers"][:3]:
        decisions.set_decision(dossier, committee, Outcome.SELECTED, world["staff"])
    response = staff.post(reverse("applications:staff_decisions_apply", args=[world["call"].pk]))
    assert response.status_code == 400
    assert "3 dossiers seraient retenus pour 2 postes" in text(response)
    assert not Letter.objects.exists() and Decision.objects.filter(status="pending").count() == 3


# --- Query counts ---------------------------------------------------------------------------------------


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_the_committee_table_takes_as_many_queries_for_2_and_for_10_rows(client_for):
    from tests.applications.decisions_world import staff_member
    from tests.applications.factories import CallFactory

    staff = staff_member()
    call = CallFactory(positions=20)
    committee = Committee.objects.create(call=call, date=dt.date(2027, 1, 12), members_present="Mme Martin")
    dossiers = [AssignmentFactory(dossier__call=call, submitted=True).dossier for _ in range(2)]
    decisions.set_decision(dossiers[0], committee, Outcome.SELECTED, staff)
    client = client_for(staff)
    url = reverse("applications:staff_committee", args=[call.pk])
    small = _queries(client, url)
    more = [AssignmentFactory(dossier__call=call, submitted=True).dossier for _ in range(8)]
    decisions.set_decision(more[0], committee, Outcome.WAITING_LIST, staff, waiting_rank=1)
    Committee.objects.create(call=call, date=dt.date(2027, 1, 19), members_present="M. Roy")
    assert _queries(client, url) == small


def test_a_dossier_the_committee_cannot_decide_is_refused_with_its_reason(world, staff):
    from applications import services as dossier_services
    from tests.applications.factories import DossierFactory, fill

    submitted = DossierFactory(call=world["call"])
    fill(submitted)
    dossier_services.submit(submitted.pk, submitted.candidate)
    response = staff.post(set_url(submitted), row(submitted, outcome="selected", committee=world["committee"].pk))
    assert response.status_code == 400
    assert "Le comité ne peut décider que d'un dossier éligible ou en cours d'évaluation" in text(response)
    assert not Decision.objects.filter(dossier=submitted).exists()
