"""Demo of the scientific evaluation (issue 11), called at the end of ``applications.demo.seed``.

A call's year is the year its conventions take effect: call Y opens in November of Y − 1 and closes in
January of Y. Seeded in December (Y the open call's year, 2027 on 2026-12-02), the demo has three calls:

- **Y, open** (``applications.demo``): the public site shows it; nothing to evaluate yet;
- **Y − 1, in evaluation**: last year's call of ``applications.demo`` (``last_year_call``: closed in
  January, 46 weeks ago; no decision yet). Its two eligible dossiers (candidates 1 and 7; candidate 3
  was found not eligible) and five more eligible dossiers made here (candidates 9 to 13), five
  evaluators (the evaluator demo account and four others, each with the published demo TOTP),
  assigned a week ago with evaluation deadlines in three weeks, at every stage: waiting for the
  declaration, no conflict declared with nothing scored or a draft (some scores), submitted, a
  conflict declared (the assignment stays in the record with its declaration), one declined. One
  dossier's two totals differ by 9 points on 20, past the call's threshold (4): the ranking flags
  it. The evaluator demo account has two dossiers to declare, one draft to finish and one submitted.
  A call closed in January still in evaluation in December is slow, not wrong;
- **Y − 2, decided**: the dates of last year's call a year (52 weeks) earlier: opened in November
  of Y − 3, closed in January of Y − 2; assigned two weeks after the closing, the evaluation closed
  seven weeks after it, the committee ten weeks after it (late March), decisions applied the next
  day (two selected, one on the waiting list, one rejected; one conflict declared), the letters sent
  (in the e-mail log), the first selected dossier handed over to a draft convention three weeks
  later; the second is left for staff to hand over. Planned effective date: the 1st of September of
  Y − 2 (``decided_effective_date``: the first of the month 230 days after the closing).

Retention (``applications.retention``): the decided call's decisions are about 20 months old on the
day of the seed (46 + 52 weeks − 10 weeks), so with the default ``RETENTION_MONTHS`` (24) the daily
job anonymises nothing of the demo; a deployment that sets it to 20 months or less would. The call in
evaluation has no decision, so nothing of it is due.

Rates: the hand-over freezes the rates (``subsidies.RateYear``) of the convention's year. When Y − 2
has none yet (the demo seeded after the last year of rates, 2026, plus two), the decided call's dates
move back to the latest year that has rates (effective on its 1st of September, closed 230 days
before): its dates then contradict its year label, and its decisions may be past retention, until
that year's rates are entered.

Everything goes through the services (``services.assign``, ``declare``, ``save_draft``,
``submit_evaluation``, ``decline``, ``close_call_evaluation``, ``decisions.*``, ``handover.hand_over``).
Evaluator accounts and their profiles are created directly (demo accounts with a password; an
invitation would leave them without one).

Idempotent: calls are found by year, dossiers by call and candidate; a dossier of the call in
evaluation that exists is left as it is (with its assignments; one of ``applications.demo`` is
assigned only while it is eligible), and the decided call is built only when it has no dossier yet.
A call still open is not evaluated. The calls' own dates are used once they exist (a database seeded
months ago keeps its calls and gets no dossier dated outside them). Seeded a year later, last year's
call in evaluation is where the decided call would go: it is left as it is.
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

# The base demo's eligible dossiers of last year's call (candidate's e-mail, assignments as above).
IN_EVALUATION_BASE = (
    ("candidat1@demo.cifre.test", (
        ("C", "submitted", (4, 4, 3, 4), "fund", "Terrain bien choisi ; la direction est déjà partenaire."),
        ("D", "draft", (4, 3, 4, None), "", "Bon projet ; le calendrier de la deuxième année est à préciser."),
    )),
    ("candidat7@demo.cifre.test", (
        ("B", "assigned", None, "", ""),
        ("C", "submitted", (3, 3, 4, 3), "reserve", "Correct ; l'accès aux données reste à obtenir."),
        ("D", "submitted", (3, 4, 3, 3), "reserve", "Utile pour la Ville, méthode classique."),
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
    call = base.last_year_call(year, today)
    if call.is_open() or call.closes_at > timezone.now():  # a call still open is not evaluated
        return call
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
    for email, plan in IN_EVALUATION_BASE:  # applications.demo's, while eligible and not assigned yet
        dossier = Dossier.objects.filter(
            call=call, candidate__email=email, status=Dossier.Status.ELIGIBLE, assignments__isnull=True
        ).first()
        if dossier is None:
            continue
        for key, stage, scores, recommendation, comment in plan:
            _evaluate(dossier, people[key], stage, scores, recommendation, comment, staff, deadline, assigned_at)
    return call


def _has_rates(year: int) -> bool:
    from subsidies.models import RateYear

    return RateYear.objects.filter(year=year).exists()


EFFECTIVE_AFTER_CLOSING = dt.timedelta(days=230)  # closed mid-January: effective on the 1st of September


def decided_effective_date(closes: dt.date) -> dt.date:
    """The decided call's planned effective date for a closing on ``closes``: the first of the month 230
    days later (the 1st of September for a January closing), or the 1st of September of the latest year
    before it that has rates (the hand-over freezes that year's rates)."""
    from subsidies.models import RateYear

    effective = (closes + EFFECTIVE_AFTER_CLOSING).replace(day=1)
    years = set(RateYear.objects.filter(year__lte=effective.year).values_list("year", flat=True))
    if effective.year in years or not years:
        return effective
    return dt.date(max(years), 9, 1)


def _decided(year: int, anchor: Call, departments, labs, staff, people) -> tuple[Call, bool]:
    """The decided call, dated 52 weeks before ``anchor`` (last year's call), or earlier when the year of
    its effective date has no rates (see the docstring)."""
    closes = base._paris_noon(timezone.localdate(anchor.closes_at) - dt.timedelta(weeks=52))
    effective = decided_effective_date(closes.date())
    if effective != (closes.date() + EFFECTIVE_AFTER_CLOSING).replace(day=1):  # moved back to a year with rates
        closes = base._paris_noon(effective - EFFECTIVE_AFTER_CLOSING)
    committee_day = closes.date() + dt.timedelta(weeks=10)
    call = base._call(
        year,
        closes - dt.timedelta(weeks=8),
        closes,
        planned_filing_date=closes.date() + dt.timedelta(days=90),
        planned_effective_date=effective,
        results_date=committee_day + dt.timedelta(days=7),
        positions=2,
    )
    if call.dossiers.exists():  # built already (or a call of that year that is not the demo's): left as it is
        return call, False
    themes = base._themes(call, departments)
    base._grid(call)
    closes = call.closes_at
    closing_day = timezone.localdate(closes)
    committee_day = closing_day + dt.timedelta(weeks=10)
    assigned_at = closes + dt.timedelta(weeks=2)
    deadline = closing_day + dt.timedelta(weeks=7) - dt.timedelta(days=1)
    dossiers = []
    for index, (person, acronym, _outcome, plan) in enumerate(DECIDED):
        dossier = _eligible(call, person, acronym, themes, labs, staff, index, closes - dt.timedelta(days=3))
        for key, stage, scores, recommendation, comment in plan:
            _evaluate(dossier, people[key], stage, scores, recommendation, comment, staff, deadline, assigned_at)
        dossiers.append(dossier)
    services.close_call_evaluation(call, staff, at=closes + dt.timedelta(weeks=7))
    committee = decisions.create_committee(call, committee_day, COMMITTEE_MEMBERS, staff)
    for dossier, (_person, _acronym, (outcome, rank), _plan) in zip(dossiers, DECIDED, strict=True):
        decisions.set_decision(dossier, committee, outcome, staff, waiting_rank=rank)
    decided_at = base._paris_noon(committee_day + dt.timedelta(days=1))
    applied = decisions.apply_decisions(call, staff, at=decided_at)
    decisions.send_letters(applied.letters, staff, at=decided_at + dt.timedelta(days=1))
    if _has_rates(call.planned_effective_date.year):  # else left for staff, once the year's rates are entered
        handover.hand_over(dossiers[0], staff, at=decided_at + dt.timedelta(weeks=3))
    return call, True


def seed(stdout, open_year: int | None = None) -> None:
    from conventions.demo import _reference_data

    staff = ensure_user("staff@demo.cifre.test", "Sophie", "Martin", roles.STAFF)
    _paris, departments, labs, _tutors, _directors = _reference_data()
    today = timezone.localdate()
    open_year = open_year or base._paris_noon(today + dt.timedelta(weeks=6)).year
    people = _evaluators(staff)
    evaluating = _in_evaluation(open_year - 1, today, departments, labs, staff, people)
    decided, _built = _decided(open_year - 2, evaluating, departments, labs, staff, people)
    mine = Assignment.objects.filter(evaluator=people["M"], dossier__call=evaluating)
    stdout.write(
        f"  évaluation : appel {evaluating.year} en cours d'évaluation ({evaluating.dossiers.count()} dossiers, "
        f"{Assignment.objects.filter(dossier__call=evaluating).count()} affectations, dont "
        f"{mine.count()} à {EVALUATORS[0][1]}) ; appel {decided.year} décidé, lettres envoyées, "
        f"{decided.dossiers.filter(convention__isnull=False).count()} dossier transmis en convention"
    )
