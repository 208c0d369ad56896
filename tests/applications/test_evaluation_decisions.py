"""Committee decisions: pending, applied together once; the letters' outbox; the waiting list; retention."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from applications import retention
from applications.evaluation import decisions
from applications.evaluation.models import Decision, Evaluation, Letter
from applications.models import Call, Dossier, DossierEvent
from notifications.models import EmailLog
from tests.applications.factories import CallFactory, DossierFactory
from tests.applications.factories_evaluation import AssignmentFactory, CommitteeFactory, staff_member

pytestmark = pytest.mark.django_db
Outcome = Decision.Outcome


@pytest.fixture
def world():
    """A call with two positions and four evaluated dossiers; the fourth candidate reads English."""
    call = CallFactory(positions=2)
    dossiers = [AssignmentFactory(dossier__call=call, submitted=True).dossier for _ in range(4)]
    english = dossiers[3].candidate
    english.preferred_language = "en"
    english.save(update_fields=["preferred_language"])
    committee = CommitteeFactory(call=call, date=dt.date(2027, 6, 12))
    return {"call": call, "dossiers": dossiers, "committee": committee, "staff": staff_member()}


def decide_all(world):
    staff, committee = world["staff"], world["committee"]
    one, two, three, four = world["dossiers"]
    decisions.set_decision(one, committee, Outcome.SELECTED, staff)
    decisions.set_decision(two, committee, Outcome.SELECTED, staff)
    decisions.set_decision(three, committee, Outcome.WAITING_LIST, staff, waiting_rank=1)
    decisions.set_decision(four, committee, Outcome.REJECTED, staff)


def statuses(world):
    return [Dossier.objects.get(pk=d.pk).status for d in world["dossiers"]]


def test_decisions_stay_pending_and_invisible_until_applied(world):
    decide_all(world)
    assert statuses(world) == ["in_evaluation"] * 4
    assert set(Decision.objects.values_list("status", flat=True)) == {"pending"}
    event = world["dossiers"][2].events.get(kind=DossierEvent.Kind.DECISION_SET)
    assert (event.public, event.data["outcome"], event.data["waiting_rank"]) == (False, "waiting_list", 1)
    assert decisions.candidate_status_label(world["dossiers"][0]) == "En cours d'évaluation"
    # A pending decision can change.
    decisions.set_decision(
        world["dossiers"][3], world["committee"], Outcome.WAITING_LIST, world["staff"], waiting_rank=2
    )
    assert Decision.objects.get(dossier=world["dossiers"][3]).outcome == "waiting_list"


def test_applying_updates_every_dossier_renders_the_letters_and_is_done_once(world):
    decide_all(world)
    result = decisions.apply_decisions(world["call"], world["staff"])
    assert statuses(world) == ["selected", "selected", "waiting_list", "rejected"]
    assert (len(result.decisions), len(result.letters)) == (4, 4)
    assert Call.objects.get(pk=world["call"].pk).decisions_on == timezone.localdate()
    one, _two, three, four = world["dossiers"]
    letters = {letter.decision.dossier_id: letter for letter in Letter.objects.select_related("decision")}
    assert (letters[one.pk].status, letters[one.pk].language, letters[one.pk].subject) == (
        "ready",
        "fr",
        f"[CIFRE] Dossier {one.number} : votre candidature est retenue",
    )
    assert f"Bonjour {one.full_name}," in letters[one.pk].body
    assert "réuni le 12 juin 2027" in letters[one.pk].body
    assert "au rang 1." in letters[three.pk].body
    assert letters[four.pk].subject == f"[CIFRE] Application {four.number}: the selection committee's decision"
    assert "which met on 12 June 2027" in letters[four.pk].body
    assert mail.outbox == []  # nothing leaves before staff send from the outbox
    # Twice: refused, said plainly, nothing changes.
    with pytest.raises(decisions.EvaluationRefused) as error:
        decisions.apply_decisions(world["call"], world["staff"])
    assert error.value.messages == [
        f"Les décisions de cet appel ont déjà été appliquées le {timezone.localdate():%d/%m/%Y} et aucune autre "
        "n'est en attente : rien n'a changé."
    ]
    assert Letter.objects.count() == 4
    assert DossierEvent.objects.filter(kind=DossierEvent.Kind.DECISION_APPLIED).count() == 4


def test_nothing_to_apply_and_more_selected_than_positions_are_refused(world):
    with pytest.raises(decisions.EvaluationRefused) as error:
        decisions.apply_decisions(world["call"], world["staff"])
    assert error.value.messages == ["Aucune décision n'est en attente pour cet appel : rien n'a changé."]
    for dossier in world["dossiers"][:3]:
        decisions.set_decision(dossier, world["committee"], Outcome.SELECTED, world["staff"])
    with pytest.raises(decisions.EvaluationRefused) as error:
        decisions.apply_decisions(world["call"], world["staff"])
    assert error.value.messages == [
        "3 dossiers seraient retenus pour 2 postes : revoyez les décisions. Rien n'a changé."
    ]
    assert statuses(world) == ["in_evaluation"] * 4
    assert Letter.objects.count() == 0 and Call.objects.get(pk=world["call"].pk).decisions_on is None


def test_bad_decisions_are_refused_with_their_reason(world):
    staff, committee = world["staff"], world["committee"]
    one, two, *_ = world["dossiers"]
    with pytest.raises(ValidationError) as error:
        decisions.set_decision(one, committee, Outcome.WAITING_LIST, staff)
    assert error.value.message_dict == {
        "waiting_rank": ["Indiquez le rang du dossier sur la liste d'attente (1, 2, …)."]
    }
    with pytest.raises(ValidationError) as error:
        decisions.set_decision(one, committee, Outcome.SELECTED, staff, waiting_rank=1)
    assert error.value.message_dict == {"waiting_rank": ["Un rang ne se donne qu'aux dossiers sur liste d'attente."]}
    with pytest.raises(ValidationError) as error:
        decisions.set_decision(one, committee, "maybe", staff)
    assert error.value.message_dict == {"outcome": ["Choisissez une décision : retenu, liste d'attente ou non retenu."]}
    decisions.set_decision(one, committee, Outcome.WAITING_LIST, staff, waiting_rank=1)
    with pytest.raises(ValidationError) as error:
        decisions.set_decision(two, committee, Outcome.WAITING_LIST, staff, waiting_rank=1)
    assert error.value.message_dict == {"waiting_rank": [f"Le rang 1 est déjà donné au dossier {one.number}."]}
    with pytest.raises(decisions.EvaluationRefused) as error:
        decisions.set_decision(two, CommitteeFactory(), Outcome.SELECTED, staff)
    assert error.value.messages == ["Ce comité ne siège pas pour l'appel de ce dossier."]
    not_evaluated = DossierFactory(call=world["call"], submitted=True)
    with pytest.raises(decisions.EvaluationRefused) as error:
        decisions.set_decision(not_evaluated, committee, Outcome.SELECTED, staff)
    assert error.value.messages == [
        "Le comité ne peut décider que d'un dossier éligible ou en cours d'évaluation (celui-ci : Déposé)."
    ]
    assert Decision.objects.count() == 1
    with pytest.raises(ValidationError) as error:
        decisions.create_committee(world["call"], None, " ", staff)
    assert error.value.message_dict == {
        "date": ["Indiquez la date du comité."],
        "members_present": ["Indiquez les membres présents : ils figurent au rapport d'évaluation."],
    }


def test_an_applied_decision_no_longer_changes(world):
    decide_all(world)
    decisions.apply_decisions(world["call"], world["staff"])
    with pytest.raises(decisions.EvaluationRefused) as error:
        decisions.set_decision(world["dossiers"][3], world["committee"], Outcome.SELECTED, world["staff"])
    assert error.value.messages == [
        f"La décision sur ce dossier a été appliquée le {timezone.localdate():%d/%m/%Y} : elle ne peut plus changer."
    ]


# --- The outbox -------------------------------------------------------------------------------------------------


@pytest.mark.pdf
def test_letters_are_edited_held_and_each_sent_once(world, django_capture_on_commit_callbacks):
    decide_all(world)
    decisions.apply_decisions(world["call"], world["staff"])
    staff = world["staff"]
    one, two, three, four = (Letter.objects.get(decision__dossier=d) for d in world["dossiers"])
    with pytest.raises(ValidationError) as error:
        decisions.edit_letter(one, staff, " ", "")
    assert error.value.message_dict == {
        "subject": ["L'objet de la lettre ne peut pas être vide."],
        "body": ["Le texte de la lettre ne peut pas être vide."],
    }
    decisions.edit_letter(one, staff, one.subject, one.body + "\nPS : bienvenue au programme.")
    decisions.hold(two, staff)
    with django_capture_on_commit_callbacks(execute=True):
        result = decisions.send_letters([one, two, three, four], staff)
    assert ([x.pk for x in result.sent], [x.pk for x in result.held], result.already) == (
        [one.pk, three.pk, four.pk],
        [two.pk],
        [],
    )
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        d.candidate.email for d in (world["dossiers"][0], world["dossiers"][2], world["dossiers"][3])
    )
    sent_one = Letter.objects.get(pk=one.pk)
    assert sent_one.status == "sent" and sent_one.pdf.name.endswith(".pdf")
    assert sent_one.email_log == EmailLog.objects.get(dedupe_key=f"decision-letter:{one.pk}")
    assert sent_one.email_log.body.endswith("PS : bienvenue au programme.\n")
    assert sent_one.pdf.open("rb").read(5) == b"%PDF-"
    # Sending again sends nothing; a sent letter no longer changes.
    with django_capture_on_commit_callbacks(execute=True):
        again = decisions.send_letters([one.pk, three.pk], staff)
    assert ([x.pk for x in again.already], again.sent) == ([one.pk, three.pk], [])
    assert len(mail.outbox) == 3
    with pytest.raises(decisions.EvaluationRefused) as error:
        decisions.edit_letter(sent_one, staff, "Autre objet", "Autre texte")
    assert error.value.messages == [
        f"Cette lettre a été envoyée le {timezone.localdate():%d/%m/%Y} : elle ne peut plus être modifiée."
    ]
    # The candidate sees the decision once the letter is sent.
    assert decisions.published_decision(world["dossiers"][0]).outcome == "selected"
    assert decisions.published_decision(world["dossiers"][1]) is None
    assert decisions.candidate_status_label(Dossier.objects.get(pk=world["dossiers"][1].pk)) == "En cours d'évaluation"
    assert decisions.candidate_status_label(Dossier.objects.get(pk=world["dossiers"][2].pk)) == "Sur liste d'attente"
    event = world["dossiers"][0].events.get(kind=DossierEvent.Kind.DECISION_SENT)
    assert event.public is True


@pytest.mark.pdf
def test_a_withdrawal_frees_a_place_for_the_first_on_the_waiting_list(world, django_capture_on_commit_callbacks):
    staff, committee = world["staff"], world["committee"]
    one, two, three, four = world["dossiers"]
    decisions.set_decision(one, committee, Outcome.SELECTED, staff)
    decisions.set_decision(two, committee, Outcome.WAITING_LIST, staff, waiting_rank=2)
    decisions.set_decision(three, committee, Outcome.WAITING_LIST, staff, waiting_rank=1)
    decisions.set_decision(four, committee, Outcome.REJECTED, staff)
    decisions.apply_decisions(world["call"], staff)
    with pytest.raises(decisions.EvaluationRefused) as error:
        decisions.promote_from_waiting_list(world["call"], staff)
    assert error.value.messages == [
        "Aucun·e candidat·e retenu·e ne s'est désisté·e : il n'y a pas de place à pourvoir."
    ]
    with pytest.raises(ValidationError) as error:
        decisions.record_withdrawal(one, staff, "")
    assert error.value.message_dict == {"reason": ["Indiquez comment le ou la candidat·e a fait part de son retrait."]}
    decisions.record_withdrawal(one, staff, "Courriel du 20 juin : elle accepte un autre contrat.")
    promoted = decisions.promote_from_waiting_list(world["call"], staff)
    assert (promoted.dossier_id, promoted.outcome, promoted.waiting_rank) == (three.pk, "selected", 1)
    assert statuses(world) == ["withdrawn", "waiting_list", "selected", "rejected"]
    letter = Letter.objects.get(decision=promoted, kind="promotion")
    assert letter.subject == f"[CIFRE] Dossier {three.number} : une place s'est libérée, votre candidature est retenue"
    with pytest.raises(decisions.EvaluationRefused):
        decisions.promote_from_waiting_list(world["call"], staff)
    # The candidate saw "waiting list" until the promotion letter left.
    with django_capture_on_commit_callbacks(execute=True):
        decisions.send_letters([Letter.objects.get(decision=promoted, kind="decision")], staff)
    assert decisions.published_decision(three).outcome == "waiting_list"
    with django_capture_on_commit_callbacks(execute=True):
        decisions.send_letters([letter], staff)
    assert decisions.published_decision(three).outcome == "selected"
    # A second withdrawal, and nobody left on the list but the rank 2.
    decisions.record_withdrawal(three, staff, "Appel téléphonique.")
    assert decisions.promote_from_waiting_list(world["call"], staff).dossier_id == two.pk
    decisions.record_withdrawal(two, staff, "Courrier.")
    with pytest.raises(decisions.EvaluationRefused) as error:
        decisions.promote_from_waiting_list(world["call"], staff)
    assert error.value.messages == ["La liste d'attente est épuisée : aucun dossier ne peut être repêché."]


def test_retention_keeps_the_selected_and_blanks_the_others_evaluation_texts(world, settings):
    settings.RETENTION_MONTHS = 24
    decide_all(world)
    decisions.apply_decisions(world["call"], world["staff"])
    closes = timezone.now() - dt.timedelta(days=1)
    Call.objects.filter(pk=world["call"].pk).update(opens_at=closes - dt.timedelta(days=30), closes_at=closes)
    due = retention.anonymise_on(Call.objects.get(pk=world["call"].pk))
    assert retention.apply(due)["anonymised"] == 2  # the waiting list and the rejected
    one, _two, three, four = (Dossier.objects.get(pk=d.pk) for d in world["dossiers"])
    assert (one.anonymised_at, three.anonymised_at is not None, four.anonymised_at is not None) == (None, True, True)
    kept = Evaluation.objects.get(assignment__dossier=one)
    gone = Evaluation.objects.get(assignment__dossier=four)
    assert (kept.overall_comment, gone.overall_comment, gone.total) == ("Solide.", "", kept.total)
    assert set(gone.scores.values_list("comment", flat=True)) == {""}
    assert set(gone.history.values_list("overall_comment", flat=True)) == {""}
    assert Letter.objects.get(decision__dossier=four).body == ""
    assert Letter.objects.get(decision__dossier=one).body != ""
