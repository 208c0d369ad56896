"""The eligibility pre-check of a dossier: RULES.md §2, computed by the rules engine.

The employer is the City of Paris (a local authority established in France) and the contract is
the call's fixed-term contract of the convention's length, so those two checks pass by
construction; the others depend on what the candidate has told. A check whose facts are not
known yet is shown as "to be completed", not as a failure.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from conventions import rules

from .models import Dossier

# What would make a failing check pass, in the candidate's words.
HINTS = {
    "masters_held": _(
        "Le master doit être obtenu au plus tard à la date d'effet prévue de la convention : vérifiez la date "
        "d'obtention (ou la date prévue) à l'étape « Diplôme »."
    ),
    "masters_recent": _(
        "Le master doit dater de moins de trois ans à la date de dépôt à l'ANRT. Si la date indiquée est erronée, "
        "corrigez-la à l'étape « Diplôme »."
    ),
    "not_doctor": _("Une CIFRE prépare un premier doctorat : elle n'est pas ouverte aux docteur·e·s."),
    "no_other_thesis": _(
        "Une CIFRE ne peut pas financer la suite d'une autre thèse commencée ailleurs ; l'équipe peut examiner "
        "votre situation."
    ),
    "enrolment_recent": _(
        "Une première inscription en doctorat de plus de neuf mois à la date de dépôt n'est pas compatible ; "
        "vérifiez la date à l'étape « Inscription en doctorat »."
    ),
    "prior_employment": _(
        "Au-delà de neuf mois (273 jours) déjà travaillés pour la Ville, la CIFRE n'est pas possible : vérifiez "
        "les périodes indiquées à l'étape « Travail pour la Ville »."
    ),
    "employer_eligible": _("La Ville de Paris est un employeur éligible."),
    "contract_duration": _("Le contrat proposé par la Ville couvre toute la durée de la convention."),
    "lab_doctoral_school": _(
        "Indiquez l'école doctorale de rattachement du laboratoire à l'étape « Laboratoire et direction »."
    ),
    "lab_cotutelle": _(
        "Un laboratoire à l'étranger n'est possible qu'en cotutelle avec un établissement français : indiquez-la "
        "à l'étape « Laboratoire et direction »."
    ),
}
# What each check is about, in plain words: shown before the engine's verdict, and alone while the
# facts are not known (the engine's message would then read like a verdict on missing answers).
LABELS = {
    "masters_held": _("Master obtenu au plus tard à la date d'effet de la convention"),
    "masters_recent": _("Master obtenu depuis moins de trois ans au dépôt à l'ANRT"),
    "not_doctor": _("Pas de doctorat déjà obtenu"),
    "no_other_thesis": _("Pas d'autre thèse commencée"),
    "enrolment_recent": _("Première inscription en doctorat récente (neuf mois au plus au dépôt)"),
    "prior_employment": _("Neuf mois au plus déjà travaillés pour la Ville"),
    "employer_eligible": _("Employeur éligible"),
    "contract_duration": _("Contrat couvrant toute la convention"),
    "lab_doctoral_school": _("Laboratoire rattaché à une école doctorale"),
    "lab_cotutelle": _("Laboratoire en France, ou cotutelle avec un établissement français"),
}
# The step where the candidate gives the facts of each check (for "fix it" links).
STEP_OF = {
    "masters_held": "degree",
    "masters_recent": "degree",
    "not_doctor": "degree",
    "no_other_thesis": "enrolment",
    "enrolment_recent": "enrolment",
    "prior_employment": "work",
    "employer_eligible": None,
    "contract_duration": None,
    "lab_doctoral_school": "lab",
    "lab_cotutelle": "lab",
}


@dataclass(frozen=True)
class CheckResult:
    code: str
    known: bool
    ok: bool
    message: str
    hint: str
    step: str | None
    label: str = ""

    @property
    def failing(self) -> bool:
        return self.known and not self.ok


def _known(dossier: Dossier) -> dict[str, bool]:
    return {
        "masters_held": dossier.degree_date is not None,
        "masters_recent": dossier.degree_date is not None,
        "not_doctor": dossier.holds_doctorate is not None,
        "no_other_thesis": dossier.other_thesis_started is not None,
        "enrolment_recent": dossier.already_enrolled is not None
        and (not dossier.already_enrolled or dossier.first_enrolment_date is not None),
        "prior_employment": dossier.worked_for_city is not None,
        "employer_eligible": True,
        "contract_duration": True,
        "lab_doctoral_school": bool(dossier.lab_name),
        "lab_cotutelle": dossier.lab_abroad is not None,
    }


def engine_input(dossier: Dossier, periods=None) -> rules.EligibilityInput:
    call = dossier.call
    enrolment = dossier.first_enrolment_date if dossier.already_enrolled else None
    duration = rules.default_duration_months(call.planned_effective_date, call.planned_filing_date, enrolment)
    # Periods count only while the candidate says they worked for the City: answering "no" again
    # must not leave earlier periods weighing on the check (they stay stored, in case of a slip).
    if not dossier.worked_for_city:
        periods = ()
    elif periods is None:
        periods = dossier.work_periods.all()
    lab = None
    if dossier.lab_name:
        lab = rules.Lab(
            doctoral_school=dossier.lab_doctoral_school_id is not None,
            abroad=bool(dossier.lab_abroad),
            cotutelle=bool(dossier.lab_cotutelle),
        )
    return rules.EligibilityInput(
        reference_date=call.planned_filing_date,
        effective_date=call.planned_effective_date,
        masters_date=dossier.degree_date,
        is_doctor=bool(dossier.holds_doctorate),
        other_thesis_started=bool(dossier.other_thesis_started),
        doctoral_enrolment_date=enrolment,
        employment_periods=tuple(rules.EmploymentPeriod(p.start, p.end) for p in periods),
        employer=rules.Employer(kind="local_authority", established_in_france=True),
        contract=rules.Contract(type="fixed_term", months=max(duration, 1)),
        lab=lab,
        duration_months=max(duration, 1),
    )


def precheck(dossier: Dossier, language: str | None = None, periods=None) -> list[CheckResult]:
    """The ten checks of §2 for this dossier, in order, in ``language`` (the active one by default)."""
    language = (language or get_language() or "fr")[:2]
    known = _known(dossier)
    result = rules.check_eligibility(engine_input(dossier, periods))
    return [
        CheckResult(
            code=check.code,
            known=known[check.code],
            ok=check.ok,
            message=check.message(language),
            hint=str(HINTS[check.code]) if not check.ok else "",
            step=STEP_OF[check.code],
            label=str(LABELS[check.code]),
        )
        for check in result.checks
    ]


def snapshot(dossier: Dossier) -> list[dict]:
    """What is stored with the dossier at submission: each check with its messages in both languages."""
    fr = rules.check_eligibility(engine_input(dossier))
    return [
        {"code": c.code, "ok": c.ok, "message_fr": c.message("fr"), "message_en": c.message("en")} for c in fr.checks
    ]


def failing_codes(dossier: Dossier) -> list[str]:
    return [entry["code"] for entry in dossier.eligibility if not entry["ok"]]
