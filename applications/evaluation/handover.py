"""A selected dossier becomes a draft convention (``conventions.Convention``), in one transaction.

``hand_over(dossier, by)``:

- refused for a dossier that is not selected, or already handed over (its ``convention`` is set);
- the candidate's account gains the ``doctoral_student`` role;
- reference rows are reused, matched as staff would match them, and created only when missing: the
  lab by unit code (spaces, dashes and case aside; by name for a lab abroad without a code), the
  doctoral school is the dossier's (already a reference row), the thesis director by e-mail, the
  tutor (the theme's contact) by e-mail;
- the draft: the theme's host department and its employer (the City), the thesis title, the
  committee's date, the call's planned filing and effective dates, the first doctoral enrolment,
  a fixed-term contract covering the convention, the salary at the year's minimum and the rates of
  the effective date's year (``conventions.services.freeze_rates``). No ANRT number yet: a draft may
  lack it (``Convention.anrt_number`` is required once signed). The obligations and instalments
  are planned by ``conventions.services.save_convention``, as for any convention;
- the eligibility checks (RULES.md §2) run again with the convention's real dates
  (``recheck``): the result is returned and stored in the dossier's history for staff.

``conventions`` never imports ``applications``: the link is ``Dossier.convention`` (a convention
reaches its dossier through ``convention.dossier``).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import roles
from conventions import rules
from conventions import services as convention_services
from conventions.models import Convention, Lab, ThesisDirector, Tutor

from .. import eligibility
from ..models import Dossier, DossierEvent
from ..services import record
from .assignment import unit_code
from .models import Decision
from .services import EvaluationRefused, _require_staff


@dataclass
class HandOver:
    convention: Convention
    checks: list[dict]  # {code, ok, message_fr, message_en}, as ``eligibility.snapshot``
    created: list[str] = field(default_factory=list)  # the reference rows created: "lab", "thesis_director", "tutor"
    reused: list[str] = field(default_factory=list)

    @property
    def failing(self) -> list[str]:
        return [check["code"] for check in self.checks if not check["ok"]]


def _find_lab(dossier: Dossier) -> Lab | None:
    code = unit_code(dossier.lab_unit_code)
    if code:
        exact = Lab.objects.filter(unit_code__iexact=dossier.lab_unit_code.strip()).first()
        if exact is not None:
            return exact
        return next((lab for lab in Lab.objects.only("pk", "unit_code") if unit_code(lab.unit_code) == code), None)
    return Lab.objects.filter(name__iexact=dossier.lab_name.strip()).first()


def _lab(dossier: Dossier, created: list, reused: list) -> Lab:
    lab = _find_lab(dossier)
    if lab is not None:
        reused.append("lab")
        if lab.doctoral_school_id is None and dossier.lab_doctoral_school_id:
            lab.doctoral_school_id = dossier.lab_doctoral_school_id
            lab.save(update_fields=["doctoral_school"])
        return Lab.objects.get(pk=lab.pk)
    if not dossier.lab_unit_code.strip():
        raise EvaluationRefused(
            _(
                "Le laboratoire « %(name)s » n'a pas de code d'unité et ne figure pas dans les données de référence : "
                "ajoutez-le aux laboratoires, puis recommencez."
            )
            % {"name": dossier.lab_name}
        )
    created.append("lab")
    return Lab.objects.create(
        name=dossier.lab_name[:255],
        unit_code=dossier.lab_unit_code.strip()[:32],
        institution=dossier.lab_institution[:255],
        country="France" if not dossier.lab_abroad else "Étranger",
        doctoral_school_id=dossier.lab_doctoral_school_id,
    )


def _person(model, name: str, email: str, language: str, key: str, created: list, reused: list):
    email = (email or "").strip().lower()
    existing = model.objects.filter(email__iexact=email).first()
    if existing is not None:
        reused.append(key)
        return existing
    created.append(key)
    return model.objects.create(name=name[:255], email=email, preferred_language=language)


def _contract_months(convention: Convention) -> int:
    """How many months of convention the fixed-term contract covers (whole months from the effective date)."""
    if convention.contract_type == Convention.ContractType.PERMANENT:
        return rules.FULL_DURATION_MONTHS
    end = convention.contract_end_date
    months = 0
    while months < 120 and rules.add_months(convention.effective_date, months + 1) - dt.timedelta(days=1) <= end:
        months += 1
    return months


def recheck(dossier: Dossier, convention: Convention) -> list[dict]:
    """The eligibility checks of the dossier with the convention's dates, contract, employer and lab."""
    base = eligibility.engine_input(dossier)
    lab = convention.lab
    data = dataclasses.replace(
        base,
        reference_date=convention.submission_date,
        effective_date=convention.effective_date,
        doctoral_enrolment_date=convention.doctoral_enrolment_date,
        employer=rules.Employer(kind=convention.employer.kind, established_in_france=True),
        contract=rules.Contract(type=convention.contract_type, months=_contract_months(convention)),
        lab=rules.Lab(
            doctoral_school=lab.doctoral_school_id is not None,
            abroad=bool(dossier.lab_abroad),
            cotutelle=bool(dossier.lab_cotutelle),
        ),
        duration_months=convention.duration_months,
    )
    result = rules.check_eligibility(data)
    return [
        {"code": c.code, "ok": c.ok, "message_fr": c.message("fr"), "message_en": c.message("en")}
        for c in result.checks
    ]


def hand_over(dossier: Dossier, by, at: dt.datetime | None = None) -> HandOver:
    """Turn a selected dossier into a draft convention (see the module's docstring)."""
    _require_staff(by)
    at = at or timezone.now()
    with transaction.atomic():
        dossier = (
            Dossier.objects.select_for_update(of=("self",))
            .select_related("call", "candidate", "theme__host_department__employer")
            .get(pk=dossier.pk)
        )
        if dossier.convention_id is not None:
            raise EvaluationRefused(
                _("Ce dossier a déjà été transmis : sa convention (%(reference)s) existe.")
                % {"reference": dossier.convention.reference}
            )
        if dossier.status != Dossier.Status.SELECTED:
            raise EvaluationRefused(
                _("Seul un dossier retenu par le comité devient une convention (ce dossier : %(status)s).")
                % {"status": dossier.get_status_display()}
            )
        decision = Decision.objects.select_related("committee").filter(dossier=dossier).first()
        if dossier.candidate is None or decision is None or dossier.theme is None:
            raise EvaluationRefused(
                _(
                    "Ce dossier n'a plus de compte candidat·e, de décision ou de thème : la convention ne peut "
                    "être préparée."
                )
            )
        call = dossier.call
        if call.planned_effective_date < decision.committee.date:
            raise EvaluationRefused(
                _(
                    "La date d'effet prévue de l'appel (%(effective)s) précède la date du comité (%(committee)s) : "
                    "corrigez la date d'effet prévue de l'appel, puis recommencez."
                )
                % {
                    "effective": call.planned_effective_date.strftime("%d/%m/%Y"),
                    "committee": decision.committee.date.strftime("%d/%m/%Y"),
                }
            )
        created: list[str] = []
        reused: list[str] = []
        theme = dossier.theme
        language = "en" if (dossier.candidate.preferred_language or "fr").startswith("en") else "fr"
        convention = Convention(
            doctoral_student=dossier.candidate,
            employer=theme.host_department.employer,
            host_department=theme.host_department,
            lab=_lab(dossier, created, reused),
            tutor=_person(Tutor, theme.contact_name, theme.contact_email, "fr", "tutor", created, reused),
            thesis_director=_person(
                ThesisDirector,
                dossier.director_name,
                dossier.director_email,
                language,
                "thesis_director",
                created,
                reused,
            ),
            thesis_title=dossier.thesis_title[:500],
            anrt_number=None,
            committee_date=decision.committee.date,
            submission_date=call.planned_filing_date,
            effective_date=call.planned_effective_date,
            doctoral_enrolment_date=dossier.first_enrolment_date if dossier.already_enrolled else None,
            contract_type=Convention.ContractType.FIXED_TERM,
            work_permit_required=bool(dossier.needs_work_permit),
            status=Convention.Status.DRAFT,
        )
        try:
            convention_services.freeze_rates(convention)
            convention.gross_salary = convention.minimum_salary
            convention.duration_months = convention_services.computed_duration(convention)
            convention.contract_end_date = convention_services.contract_minimum_end(convention)
            convention = convention_services.save_convention(convention, as_of=timezone.localdate(at))
        except ValidationError as error:
            raise EvaluationRefused(" ".join(error.messages)) from error
        roles.grant_role(dossier.candidate, roles.DOCTORAL_STUDENT)
        dossier.convention = convention
        dossier.save(update_fields=["convention", "updated_at"])
        checks = recheck(dossier, convention)
        record(
            dossier,
            DossierEvent.Kind.HANDED_OVER,
            by,
            public=False,
            data={"convention": convention.pk, "checks": checks, "created": created, "reused": reused},
        )
    return HandOver(convention=convention, checks=checks, created=created, reused=reused)
