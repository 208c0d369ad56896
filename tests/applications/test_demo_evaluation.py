"""The evaluation's demo (issue 11): last year's call in evaluation with assignments at every stage and a
disagreement, the call of the year before decided with its letters sent and one hand-over, dated like real
calls a year apart and within retention; idempotent, made through the services.

The demo is seeded once for the module (in a transaction rolled back at its end), with the
after-commit callbacks run, as ``seed_demo`` runs them: the e-mails are in the log. The dossiers'
receipts and one-PDFs, rendered after each submission, are left out here (``test_demo`` renders them).
"""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from allauth.mfa.models import Authenticator
from django.db import transaction
from django.test import TestCase, override_settings
from django.utils import timezone

from accounts import roles
from accounts.demo import DEMO_PASSWORD
from accounts.models import User
from applications.evaluation import demo, ranking, services
from applications.evaluation.models import (
    Assignment,
    Committee,
    ConflictDeclaration,
    Decision,
    Evaluation,
    EvaluatorProfile,
    Letter,
    Score,
)
from applications.models import Call, Dossier, DossierEvent, Rendition
from conventions.models import Convention, Lab, ThesisDirector, Tutor
from notifications.models import EmailLog

pytestmark = [pytest.mark.django_db, pytest.mark.pdf]  # sending the letters renders their PDFs

MODELS = (
    User,
    Call,
    Dossier,
    DossierEvent,
    EvaluatorProfile,
    Assignment,
    ConflictDeclaration,
    Evaluation,
    Score,
    Committee,
    Decision,
    Letter,
    Convention,
    Lab,
    ThesisDirector,
    Tutor,
    EmailLog,
    Authenticator,
)
EVALUATOR = "evaluateur@demo.cifre.test"


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in MODELS}


def open_year() -> int:
    return (timezone.localdate() + dt.timedelta(weeks=6)).year


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo, seeded once; rolled back after the module's last test."""
    from applications import renditions

    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media")):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            skipped, renditions.after_submission = renditions.after_submission, lambda *args: None
            try:
                with TestCase.captureOnCommitCallbacks(execute=True):
                    demo.seed(StringIO(), open_year=open_year())
            finally:
                renditions.after_submission = skipped
            yield {
                "evaluating": Call.objects.get(year=open_year() - 1),
                "decided": Call.objects.get(year=open_year() - 2),
            }
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def test_the_evaluator_demo_account_has_dossiers_to_declare_and_to_score(world):
    marc = User.objects.get(email=EVALUATOR)
    assert roles.has_role(marc, roles.EVALUATOR)
    assert Authenticator.objects.filter(user=marc, type=Authenticator.Type.TOTP).exists()
    mine = Assignment.objects.filter(evaluator=marc, dossier__call=world["evaluating"])
    assert mine.filter(status=Assignment.Status.ASSIGNED).count() == 2  # to declare
    draft = mine.get(status=Assignment.Status.ACCEPTED)  # to score: a draft with some scores
    assert draft.evaluation.status == Evaluation.Status.DRAFT
    assert sorted(v is None for v in draft.evaluation.scores.values_list("value", flat=True)) == [False, False]
    assert mine.filter(status=Assignment.Status.SUBMITTED).count() == 1
    assert all(a.deadline > timezone.localdate() for a in mine)
    # The screens' services let him do it: declare, then score and submit.
    waiting = mine.filter(status=Assignment.Status.ASSIGNED).first()
    services.declare(waiting, marc, False)
    result = services.save_draft(
        waiting, marc, {f"score-{c.pk}": "3" for c in services.criteria_of(world["evaluating"])}, 0
    )
    assert result.ok and result.total is not None


def test_the_call_in_evaluation_has_every_stage_and_a_disagreement(world):
    call = world["evaluating"]
    assert call.closes_at < timezone.now() and not call.is_open()
    assert set(Assignment.objects.filter(dossier__call=call).values_list("status", flat=True)) == set(
        Assignment.Status.values
    )
    assert set(Dossier.objects.filter(call=call).values_list("status", flat=True)) == {"in_evaluation"}
    conflict = ConflictDeclaration.objects.get(dossier__call=call, has_conflict=True)
    assert conflict.assignment.status == Assignment.Status.CONFLICT and conflict.nature
    assert ConflictDeclaration.objects.filter(dossier__call=call, has_conflict=False).exclude(statement="").exists()
    declined = Assignment.objects.get(dossier__call=call, status=Assignment.Status.DECLINED)
    assert declined.declined_reason
    lines = ranking.ranking(call).dossiers
    flagged = [line for line in lines if line.disagreement]
    assert len(flagged) == 1 and flagged[0].spread > call.disagreement_threshold
    assert (
        sum(line.received for line in lines)
        == Evaluation.objects.filter(assignment__dossier__call=call, status="submitted").count()
    )
    # Several evaluators, each with a profile and a second factor.
    evaluators = User.objects.filter(assignments__dossier__call=call).distinct()
    assert evaluators.count() == 5
    assert all(Authenticator.objects.filter(user=u, type="totp").exists() for u in evaluators)
    assert EvaluatorProfile.objects.filter(user__in=evaluators).count() == 5
    assert all(u.check_password(DEMO_PASSWORD) for u in evaluators)  # the README's password


def test_the_decided_call_has_letters_sent_and_a_dossier_handed_over(world):
    call = world["decided"]
    assert call.evaluation_closed_at is not None and call.decisions_on is not None
    assert sorted(Dossier.objects.filter(call=call).values_list("status", flat=True)) == [
        "rejected",
        "selected",
        "selected",
        "waiting_list",
    ]
    assert Committee.objects.filter(call=call).count() == 1
    assert set(Decision.objects.filter(dossier__call=call).values_list("status", flat=True)) == {"applied"}
    letters = Letter.objects.filter(decision__dossier__call=call)
    assert letters.count() == 4 and set(letters.values_list("status", flat=True)) == {"sent"}
    assert all(letter.pdf.name for letter in letters)
    logged = EmailLog.objects.filter(pk__in=letters.values_list("email_log", flat=True))
    assert logged.count() == 4
    assert set(logged.values_list("to", flat=True)) == set(
        Dossier.objects.filter(call=call).values_list("candidate__email", flat=True)
    )
    handed = Dossier.objects.get(call=call, convention__isnull=False)
    convention = handed.convention
    assert (convention.status, convention.doctoral_student_id) == (Convention.Status.DRAFT, handed.candidate_id)
    assert roles.has_role(handed.candidate, roles.DOCTORAL_STUDENT)
    assert convention.rate_year == convention.effective_date.year
    assert handed.events.filter(kind=DossierEvent.Kind.HANDED_OVER).exists()
    # The other selected dossier is left for staff to hand over.
    assert Dossier.objects.filter(call=call, status="selected", convention__isnull=True).count() == 1


def test_a_second_seed_changes_nothing(world):
    first = counts()
    stamps = {
        "dossiers": sorted(Dossier.objects.values_list("pk", "status", "version", "updated_at")),
        "evaluations": sorted(Evaluation.objects.values_list("pk", "status", "version", "updated_at")),
        "assignments": sorted(Assignment.objects.values_list("pk", "status", "updated_at")),
        "profiles": sorted(EvaluatorProfile.objects.values_list("pk", "updated_at")),
        "calls": sorted(Call.objects.values_list("pk", "updated_at")),
    }
    with TestCase.captureOnCommitCallbacks(execute=True):
        demo.seed(StringIO(), open_year=open_year())
    assert counts() == first
    assert stamps == {
        "dossiers": sorted(Dossier.objects.values_list("pk", "status", "version", "updated_at")),
        "evaluations": sorted(Evaluation.objects.values_list("pk", "status", "version", "updated_at")),
        "assignments": sorted(Assignment.objects.values_list("pk", "status", "updated_at")),
        "profiles": sorted(EvaluatorProfile.objects.values_list("pk", "updated_at")),
        "calls": sorted(Call.objects.values_list("pk", "updated_at")),
    }
    assert not Rendition.objects.exists()  # the module leaves them out (see the docstring)


def test_the_decided_calls_effective_date_falls_in_a_year_with_rates():
    from subsidies.models import RateYear

    latest = RateYear.objects.order_by("-year").first().year
    assert demo.decided_effective_date(dt.date(latest, 1, 14)) == dt.date(latest, 9, 1)
    assert demo.decided_effective_date(dt.date(latest - 1, 1, 31)) == dt.date(latest - 1, 9, 1)
    assert demo.decided_effective_date(dt.date(latest + 1, 1, 14)) == dt.date(latest, 9, 1)
    assert demo.decided_effective_date(dt.date(latest + 3, 1, 14)) == dt.date(latest, 9, 1)


def test_the_calls_dates_follow_their_years_and_the_decided_call_is_within_retention(world):
    """Y − 2 decided, Y − 1 in evaluation, a year apart, in the order of their years; the decided call's
    effective date in its year when that year has rates; retention due for nothing of the demo today."""
    from applications import retention

    evaluating, decided = world["evaluating"], world["decided"]
    assert (evaluating.decisions_on, evaluating.evaluation_closed_at) == (None, None)
    assert decided.closes_at < evaluating.opens_at < evaluating.closes_at < timezone.now()
    closes = timezone.localdate(decided.closes_at)
    committee = Committee.objects.get(call=decided)
    assert closes < committee.date <= decided.decisions_on < decided.planned_effective_date
    anchor = timezone.localdate(evaluating.closes_at) - dt.timedelta(weeks=52)
    if demo._has_rates((anchor + demo.EFFECTIVE_AFTER_CLOSING).year):  # else moved back (the module's docstring)
        assert closes == anchor
        assert decided.planned_effective_date.year == closes.year
        assert (decided.planned_effective_date.month, decided.planned_effective_date.day) in ((8, 1), (9, 1))
    if timezone.localdate().month == 12:  # the demo's season: the calls' months are those of real calls
        assert (timezone.localtime(decided.opens_at).month, closes.month) == (11, 1)
        assert (closes.year, timezone.localdate(evaluating.closes_at).year) == (decided.year, evaluating.year)
        assert committee.date.month == 3 and decided.planned_effective_date == dt.date(decided.year, 9, 1)
    assert retention.anonymise_on(decided) > timezone.localdate()
    to_anonymise, drafts = retention.due()
    assert not to_anonymise.exists() and not drafts.exists()


def test_the_demo_accounts_pages_open(world, client_for):
    """What ``make run`` offers: the evaluator's assignments, staff's ranking, committee, outbox and the
    handed-over dossier, the candidate's decision."""
    from django.urls import reverse

    from applications.evaluation.decisions import published_decision

    marc = User.objects.get(email=EVALUATOR)
    evaluator = client_for(marc)
    assert evaluator.get(reverse("applications:evaluator_home")).status_code == 200
    for assignment in Assignment.objects.filter(evaluator=marc):
        assert evaluator.get(reverse("applications:evaluator_assignment", args=[assignment.pk])).status_code == 200
    staff = client_for(User.objects.get(email="staff@demo.cifre.test"))
    evaluating, decided = world["evaluating"], world["decided"]
    for name, pk in (
        ("staff_call", evaluating.pk),
        ("staff_assignments", evaluating.pk),
        ("staff_ranking", evaluating.pk),
        ("staff_committee", decided.pk),
        ("staff_outbox", decided.pk),
        ("staff_evaluators", None),
    ):
        response = staff.get(reverse(f"applications:{name}", args=[pk] if pk else []))
        assert response.status_code == 200, name
    handed = Dossier.objects.get(call=decided, convention__isnull=False)
    assert staff.get(reverse("applications:staff_dossier", args=[handed.pk])).status_code == 200
    assert published_decision(handed).outcome == Decision.Outcome.SELECTED
    page = client_for(handed.candidate).get(reverse("applications:dossier", args=[handed.pk]))
    assert page.status_code == 200


def test_a_seed_a_year_later_leaves_the_calls_it_made(world):
    """The next year's seed finds last year's call in evaluation where it wants its decided call: it leaves
    it as it is, and the decided call too."""
    before = {call.pk: call.dossiers.count() for call in Call.objects.all()}
    with TestCase.captureOnCommitCallbacks(execute=True):
        demo.seed(StringIO(), open_year=open_year() + 1)
    assert {pk: Call.objects.get(pk=pk).dossiers.count() for pk in before} == before
    assert Call.objects.get(year=open_year() - 1).dossiers.count() == len(demo.IN_EVALUATION)
