"""Demo of the scientific evaluation (issue 11), called at the end of ``applications.demo.seed``.

Two more calls, both closed, next to the open one (the public site still shows the open call):

- **a call in evaluation** (year of the open call − 2; closed four weeks ago, evaluation deadlines
  in three weeks): five eligible dossiers, five evaluators (the evaluator demo account and four
  others, each with the published demo TOTP), assignments at every stage: waiting for the
  declaration, no conflict declared with a draft (some scores), submitted, a conflict declared
  (the assignment stays in the record with its declaration), one declined. One dossier's two
  totals differ by 9 points on 20, past the call's threshold (4): the ranking flags it. The
  evaluator demo account has two dossiers to declare, one draft to finish and one submitted;
- **a decided call** (year of the open call − 3): four dossiers evaluated (and one conflict
  declared), the evaluation closed, a committee recorded, decisions applied (two selected, one on
  the waiting list, one rejected), the letters sent (in the e-mail log), the first selected dossier handed
  over to a draft convention; the second is left for staff to hand over (the call in evaluation's
  planned effective date may fall in a year without rates yet). Its dates are anchored
  on a convention effective date about seven months ago, moved back to a year that has rates
  (``subsidies.RateYear``) when the current one has none: the hand-over needs that year's rates.

Everything goes through the services (``services.assign``, ``declare``, ``save_draft``,
``submit_evaluation``, ``decline``, ``close_call_evaluation``, ``decisions.*``, ``handover.hand_over``).
Evaluator accounts and their profiles are created directly (demo accounts with a password; an
invitation would leave them without one).

Idempotent: calls are found by year, dossiers by call and candidate; a dossier of the call in
evaluation that exists is left as it is (with its assignments), and the decided call is built
only when it has no dossier yet. The calls' own dates are used once they exist (a database seeded
months ago keeps its calls and gets no dossier dated outside them).
"""

from __future__ import annotations

import datetime as dt
import functools

from django.utils import timezone

from accounts import roles
from accounts.demo import DEMO_PASSWORD, ensure_user

from .. import demo as base
from .. import services as dossier_services
from ..models import Call, Dossier
from . import decisions, handover, services
from .models import Assignment, EvaluatorProfile

# Key, e-mail, first name, last name, affiliation, lab unit code, institution's e-mail domain, disciplines,
# keywords, capacity.
EVALUATORS = (
    ("M", "evaluateur@demo.cifre.test", "Marc", "Dubois", "EHESS", "UMR 8097", "ehess.fr",
     "Sociologie, Géographie", "ville, logement, climat", 6),
    ("A", "evaluateur1@demo.cifre.test", "Élise", "Garnier", "Sciences Po", "UMR 7049", "sciencespo.fr",
     "Géographie, Urbanisme", "urbanisme, climat, arbres", 5),
    ("B", "evaluateur2@demo.cifre.test", "Olivier", "Perrin", "Inserm", "UMR S 1018", "inserm.fr",
     "Santé publique", "santé publique, enfance", 5),
    ("C", "evaluateur3@demo.cifre.test", "Camille", "Roche", "CNRS", "UMR 9912", "cnrs.fr",
     "Informatique, Sociologie", "numérique, indicateurs", 5),
    ("D", "evaluateur4@demo.cifre.test", "Hélène", "Vidal", "Université Paris Cité", "UMR 7218", "u-paris.fr",
     "Urbanisme, Sociologie", "logement, PLU, enfance", 5),
)  # fmt: skip

RECOMMEND = {"fund": "fund", "reserve": "fund_with_reservations", "no": "do_not_fund"}

# The call in evaluation: candidate (e-mail, first, last), theme, then each assignment:
# (evaluator, stage, scores, recommendation, overall comment). Stages: "assigned" (waiting for the
# declaration), "accepted" (no conflict, nothing scored), "draft" (some scores saved), "submitted",
# "conflict" (the nature in the comment), "declined" (the reason in the comment).
IN_EVALUATION = (
    (("candidat9@demo.cifre.test", "Camille", "Laurent"), "DEVE", (
        ("M", "assigned", None, "", ""),
        ("A", "submitted", (5, 4, 4, 5), "fund", "Un projet solide, très bien ancré dans le plan Climat."),
        ("B", "submitted", (2, 2, 3, 2), "no", "La méthode reste floue ; le terrain n'est pas négocié."),
    )),
    (("candidat10@demo.cifre.test", "Nathan", "Colin"), "DASES", (
        ("M", "draft", (4, 3, None, None), "", "Question de recherche claire ; calendrier à vérifier."),
        ("A", "submitted", (4, 4, 3, 4), "fund", "Projet utile aux services ; encadrement solide."),
        ("C", "submitted", (4, 3, 4, 3), "fund", "Bon dossier, l'accès aux données est déjà prévu."),
    )),
    (("candidat11@demo.cifre.test", "Zoé", "Marchand"), "DU", (
        ("M", "assigned", None, "", ""),
        ("C", "accepted", None, "", ""),
        ("D", "conflict", None, "", "J'ai encadré le mémoire de master de la candidate l'an dernier."),
    )),
    (("candidat12@demo.cifre.test", "Gabriel", "Robin"), "DSIN", (
        ("M", "submitted", (3, 4, 3, 3), "reserve", "Intéressant pour la Ville ; la partie mesure est à préciser."),
        ("B", "submitted", (3, 3, 3, 4), "reserve", "Correct, mais l'état de l'art est mince."),
        ("A", "assigned", None, "", ""),
    )),
    (("candidat13@demo.cifre.test", "Léna", "Fournier"), "DEVE", (
        ("B", "declined", None, "", "Je suis en congé de recherche jusqu'à la fin du mois."),
        ("A", "draft", (4, None, None, None), "", ""),
        ("D", "submitted", (5, 5, 4, 4), "fund", "Excellent dossier, très attendu par la direction."),
    )),
)  # fmt: skip

# The decided call: candidate, theme, outcome (with its waiting-list rank), assignments as above.
DECIDED = (
    (("candidat14@demo.cifre.test", "Maëlle", "Bonnet"), "DEVE", ("selected", None), (
        ("A", "submitted", (5, 5, 5, 4), "fund", "Remarquable."),
        ("C", "submitted", (5, 4, 5, 5), "fund", "Très solide, terrain déjà ouvert."),
    )),
    (("candidat15@demo.cifre.test", "Arthur", "Lemoine"), "DU", ("selected", None), (
        ("M", "submitted", (4, 5, 4, 4), "fund", "Très utile à la direction de l'urbanisme."),
        ("D", "submitted", (5, 4, 4, 4), "fund", "Bon projet, bien encadré."),
    )),
    (("candidat16@demo.cifre.test", "Rose", "Picard"), "DASES", ("waiting_list", 1), (
        ("B", "conflict", None, "", "La directrice de thèse est ma co-autrice régulière."),
        ("A", "submitted", (4, 4, 3, 3), "reserve", "Bon dossier ; le calendrier est serré."),
        ("C", "submitted", (3, 4, 4, 3), "fund", "Pertinent pour la Ville."),
    )),
    (("candidat17@demo.cifre.test", "Lina", "Barbier"), "DSIN", ("rejected", None), (
        ("M", "submitted", (2, 2, 2, 3), "no", "Le projet ne répond pas au thème."),
        ("D", "submitted", (2, 3, 2, 2), "no", "Faisabilité insuffisante."),
    )),
)  # fmt: skip

COMMITTEE_MEMBERS = (
    "Sophie Martin (Ville de Paris, présidente de séance) ; Élise Garnier (Sciences Po) ; Marc Dubois (EHESS) ; "
    "Camille Roche (CNRS) ; Nadia Benali (direction des espaces verts et de l'environnement)"
)


@functools.cache
def _demo_password_hash() -> str:
    from django.contrib.auth.hashers import make_password

    return make_password(DEMO_PASSWORD)


def _account(email: str, first: str, last: str, role: str):
    """``accounts.demo.ensure_user``, with the demo password hashed once for all the accounts created here
    (one PBKDF2 run takes a quarter of a second)."""
    from accounts.models import User

    if not User.objects.filter(email=email).exists():
        User.objects.create(email=email, first_name=first, last_name=last, password=_demo_password_hash())
    return ensure_user(email, first, last, role)  # the role, the verified address, the demo TOTP when needed


def _evaluators(staff) -> dict:
    people = {}
    for key, email, first, last, affiliation, code, domain, disciplines, keywords, capacity in EVALUATORS:
        user = _account(email, first, last, roles.EVALUATOR)  # with the published demo TOTP (the role needs it)
        EvaluatorProfile.objects.get_or_create(
            user=user,
            defaults={
                "affiliation": affiliation,
                "lab_unit_code": code,
                "email_domain": domain,
                "disciplines": disciplines,
                "keywords": keywords,
                "languages": "fr, en",
                "capacity": capacity,
                "invited_by": staff,
                "invited_at": timezone.now(),
            },
        )
        people[key] = user
    return people


def _eligible(call: Call, person, acronym: str, themes, labs, staff, index: int, at) -> Dossier | None:
    """A new eligible dossier of ``person`` in ``call`` (submitted at ``at``); None when it exists."""
    user = _account(*person, roles.CANDIDATE)
    if Dossier.objects.filter(call=call, candidate=user).exists():
        return None
    dossier = base._filled(call, user, themes[acronym], labs, index=index, at=at)
    dossier_services.submit(dossier.pk, user, at=at)
    base._screen(dossier, "eligible", staff)
    return Dossier.objects.get(pk=dossier.pk)


def _answers(call: Call, scores, recommendation: str, comment: str) -> dict:
    data = {}
    for criterion, value in zip(services.criteria_of(call), scores, strict=True):
        if value is not None:
            data[services.score_field(criterion)] = str(value)
            data[services.comment_field(criterion)] = comment and f"{criterion.label_fr} : {comment.lower()}"
    if recommendation:
        data["recommendation"] = RECOMMEND[recommendation]
    if comment:
        data["overall_comment"] = comment
    return data


def _evaluate(dossier: Dossier, evaluator, stage, scores, recommendation, comment, staff, deadline, at) -> None:
    """One assignment of ``dossier`` taken to ``stage`` by staff and the evaluator, at ``at`` (and later)."""
    assignment = services.assign(dossier, evaluator, deadline, staff, at=at)
    later = at + dt.timedelta(days=1)
    if stage == "assigned":
        return
    if stage == "declined":
        services.decline(assignment, evaluator, comment, at=later)
        return
    if stage == "conflict":
        services.declare(assignment, evaluator, True, comment, at=later)
        return
    services.declare(assignment, evaluator, False, at=later)
    if stage == "accepted":
        return
    data = _answers(dossier.call, scores, recommendation, comment)
    if stage == "draft":
        result = services.save_draft(assignment, evaluator, data, version=None, at=later + dt.timedelta(hours=2))
        if not result.ok:
            raise ValueError(f"demo draft refused: {result.errors}")
        return
    services.submit_evaluation(assignment, evaluator, data, at=later + dt.timedelta(days=3))


def _in_evaluation(year: int, today: dt.date, departments, labs, staff, people) -> Call:
    closes = base._paris_noon(today - dt.timedelta(weeks=4))
    call = base._call(
        year,
        base._paris_noon(today - dt.timedelta(weeks=16)).replace(hour=10),
        closes,
        planned_filing_date=closes.date() + dt.timedelta(days=90),
        planned_effective_date=closes.date() + dt.timedelta(days=150),
        results_date=closes.date() + dt.timedelta(days=60),
        positions=3,
        scores_visible_after_own=True,
    )
    themes = base._themes(call, departments)
    base._grid(call)
    deadline = today + dt.timedelta(weeks=3)
    assigned_at = timezone.now() - dt.timedelta(days=6)
    submitted_at = call.closes_at - dt.timedelta(days=3)  # the call's own dates (it may be older than today's demo)
    for index, (person, acronym, plan) in enumerate(IN_EVALUATION):
        dossier = _eligible(call, person, acronym, themes, labs, staff, index, submitted_at)
        if dossier is None:
            continue
        for key, stage, scores, recommendation, comment in plan:
            _evaluate(dossier, people[key], stage, scores, recommendation, comment, staff, deadline, assigned_at)
    return call


def _has_rates(year: int) -> bool:
    from subsidies.models import RateYear

    return RateYear.objects.filter(year=year).exists()


def decided_effective_date(today: dt.date) -> dt.date:
    """The decided call's planned effective date: the first of the month seven months ago, or the 1st of
    September of the latest year before it that has rates (the hand-over freezes that year's rates)."""
    from subsidies.models import RateYear

    effective = (today.replace(day=1) - dt.timedelta(days=200)).replace(day=1)
    years = set(RateYear.objects.filter(year__lte=effective.year).values_list("year", flat=True))
    if effective.year in years or not years:
        return effective
    return dt.date(max(years), 9, 1)


def _decided(year: int, today: dt.date, departments, labs, staff, people) -> tuple[Call, bool]:
    effective = decided_effective_date(today)
    closes = base._paris_noon(effective - dt.timedelta(days=150))
    call = base._call(
        year,
        closes - dt.timedelta(weeks=8),
        closes,
        planned_filing_date=closes.date() + dt.timedelta(days=90),
        planned_effective_date=effective,
        results_date=closes.date() + dt.timedelta(days=60),
        positions=2,
    )
    if call.dossiers.exists():  # built already (or a call of that year that is not the demo's): left as it is
        return call, False
    themes = base._themes(call, departments)
    base._grid(call)
    closes = call.closes_at
    committee_day = timezone.localdate(closes) + dt.timedelta(days=55)
    assigned_at = closes + dt.timedelta(days=5)
    deadline = timezone.localdate(closes) + dt.timedelta(days=40)
    dossiers = []
    for index, (person, acronym, _outcome, plan) in enumerate(DECIDED):
        dossier = _eligible(call, person, acronym, themes, labs, staff, index, closes - dt.timedelta(days=3))
        for key, stage, scores, recommendation, comment in plan:
            _evaluate(dossier, people[key], stage, scores, recommendation, comment, staff, deadline, assigned_at)
        dossiers.append(dossier)
    services.close_call_evaluation(call, staff, at=closes + dt.timedelta(days=41))
    committee = decisions.create_committee(call, committee_day, COMMITTEE_MEMBERS, staff)
    for dossier, (_person, _acronym, (outcome, rank), _plan) in zip(dossiers, DECIDED, strict=True):
        decisions.set_decision(dossier, committee, outcome, staff, waiting_rank=rank)
    decided_at = base._paris_noon(committee_day + dt.timedelta(days=1))
    applied = decisions.apply_decisions(call, staff, at=decided_at)
    decisions.send_letters(applied.letters, staff, at=decided_at + dt.timedelta(days=1))
    if _has_rates(call.planned_effective_date.year):  # else left for staff, once the year's rates are entered
        handover.hand_over(dossiers[0], staff, at=decided_at + dt.timedelta(days=20))
    return call, True


def seed(stdout, open_year: int | None = None) -> None:
    from conventions.demo import _reference_data

    staff = ensure_user("staff@demo.cifre.test", "Sophie", "Martin", roles.STAFF)
    _paris, departments, labs, _tutors, _directors = _reference_data()
    today = timezone.localdate()
    open_year = open_year or base._paris_noon(today + dt.timedelta(weeks=6)).year
    people = _evaluators(staff)
    evaluating = _in_evaluation(open_year - 2, today, departments, labs, staff, people)
    decided, _built = _decided(open_year - 3, today, departments, labs, staff, people)
    mine = Assignment.objects.filter(evaluator=people["M"], dossier__call=evaluating)
    stdout.write(
        f"  évaluation : appel {evaluating.year} en cours d'évaluation ({evaluating.dossiers.count()} dossiers, "
        f"{Assignment.objects.filter(dossier__call=evaluating).count()} affectations, dont "
        f"{mine.count()} à {EVALUATORS[0][1]}) ; appel {decided.year} décidé, lettres envoyées, "
        f"{decided.dossiers.filter(convention__isnull=False).count()} dossier transmis en convention"
    )
