"""The evaluation's state changes: invite an evaluator, assign, declare, score, submit, reopen, decline.

Each is one function: it checks who asks and the transition (a refusal is a ``ValidationError``
with a message for the user, and nothing is saved), locks the rows it changes, saves, records the
change in the dossier's history (``DossierEvent``, never public: the candidate does not see the
evaluation) and queues the e-mails after the commit (through the messenger, each once per
``dedupe_key``). Screens, tasks and commands call these and never set a status by hand.

Refusals an evaluator's screen should answer as a missing page (404): ``NotAssigned``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts import roles

from ..models import Criterion, Dossier, DossierEvent
from ..services import StaleVersion, UnknownField, now, record
from .blind import conflict_view, evaluator_dossier, evaluator_file_name  # noqa: F401 - the screens' API
from .models import (
    ACTIVE_ASSIGNMENT,
    COMMENT_MAX,
    OVERALL_COMMENT_MAX,
    REASON_MAX,
    Assignment,
    ConflictDeclaration,
    Evaluation,
    EvaluatorProfile,
    Score,
)
from .permissions import evaluator_may_see_content  # noqa: F401 - the screens' API
from .ranking import weighted_total

Status = Assignment.Status
Kind = DossierEvent.Kind
# Dossiers that can be given to an evaluator: eligible, or already in evaluation (more evaluators).
ASSIGNABLE = (Dossier.Status.ELIGIBLE, Dossier.Status.IN_EVALUATION)


class EvaluationRefused(ValidationError):
    """The action is not possible now (the message says why); nothing was saved."""


class NotAssigned(EvaluationRefused):
    """The user has no assignment for this dossier: a screen answers it as a missing page (404)."""


class StaleEvaluation(StaleVersion):
    """The evaluation was saved elsewhere (another tab) since this version was loaded."""


def _require_staff(user) -> None:
    if not roles.has_role(user, roles.STAFF, roles.ADMIN):
        raise EvaluationRefused(_("Cette action est réservée à l'équipe du programme."))


def _language(user) -> str:
    return ((getattr(user, "preferred_language", "") or settings.LANGUAGE_CODE) or "fr")[:2]


def spelled_date(day: dt.date, language: str) -> str:
    with translation.override(language):
        return date_format(day, "j F Y")


def spelled_datetime(moment: dt.datetime, language: str) -> str:
    local = timezone.localtime(moment)
    with translation.override(language):
        if language == "en":
            return f"{date_format(local, 'j F Y')} at {local:%H:%M}, Paris time"
        return f"{date_format(local, 'j F Y')} à {local:%H:%M}, heure de Paris"


def site_url(name: str, language: str = "fr", **kwargs) -> str:
    """An absolute link for an e-mail; the site's home while the page named ``name`` does not exist yet."""
    with translation.override(language):
        try:
            return settings.SITE_URL + reverse(name, kwargs=kwargs or None)
        except NoReverseMatch:
            return settings.SITE_URL + "/"


def evaluator_url(assignment: Assignment, language: str = "fr") -> str:
    return site_url("applications:evaluator_assignment", language, pk=assignment.pk)


def staff_evaluation_url(dossier: Dossier) -> str:
    return site_url("applications:staff_dossier", settings.LANGUAGE_CODE, pk=dossier.pk)


def _send_after_commit(key: str, to, context: dict, language: str, dedupe_key: str | None = None) -> None:
    from notifications import services as messenger

    transaction.on_commit(lambda: messenger.send(key, to, context, language=language, dedupe_key=dedupe_key))


def _check_length(name: str, text: str, limit: int) -> None:
    if len(text) > limit:
        raise ValidationError({name: _("%(limit)s caractères au plus.") % {"limit": limit}})


# --- Evaluators ------------------------------------------------------------------------------------------


def profile_for(user) -> EvaluatorProfile:
    """The evaluator's profile, created with the defaults (capacity 5, the account's e-mail domain)."""
    from .assignment import email_domain

    profile, _created = EvaluatorProfile.objects.get_or_create(
        user=user, defaults={"email_domain": email_domain(user.email)}
    )
    return profile


def set_password_url(user, language: str = "fr") -> str:
    """A link to choose a password: allauth's password-reset-from-key page with a fresh key.

    The key is allauth's own token (``PASSWORD_RESET_TIMEOUT``, three days by default): it stops
    working once a password is set, like a reset link.
    """
    from allauth.account.forms import default_token_generator
    from allauth.account.utils import user_pk_to_url_str

    key = default_token_generator.make_token(user)
    with translation.override(language):
        path = reverse("account_reset_password_from_key", kwargs={"uidb36": user_pk_to_url_str(user), "key": key})
    return settings.SITE_URL + path


def invite_evaluator(email: str, name: str, invited_by, *, language: str = "fr", capacity: int | None = None):
    """Create (or reuse) the expert's account with the evaluator role and e-mail them an invitation.

    The new account has no usable password: the invitation's link lets the expert choose one, then
    the second factor is required for the role (``accounts.middleware``). Its address is marked
    verified: staff vouch for it, and only its mailbox receives the link. Returns ``(user, created)``.
    An account of a candidate or doctoral student of the programme is refused.
    """
    from allauth.account.models import EmailAddress

    from accounts.models import User

    _require_staff(invited_by)
    email = (email or "").strip().lower()
    name = " ".join((name or "").split())
    errors = {}
    try:
        validate_email(email)
    except ValidationError:
        errors["email"] = _("Saisissez une adresse e-mail valide.")
    if not name:
        errors["name"] = _("Indiquez le nom de l'expert·e.")
    elif len(name) > 300:
        errors["name"] = _("%(limit)s caractères au plus.") % {"limit": 300}
    if language not in dict(settings.LANGUAGES):
        errors["language"] = _("Choisissez le français ou l'anglais.")
    if capacity is not None and not 0 <= capacity <= 200:
        errors["capacity"] = _("Indiquez un nombre de dossiers entre 0 et 200.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        user = User.objects.select_for_update().filter(email__iexact=email).first()
        created = user is None
        if user is not None and (
            roles.has_role(user, roles.DOCTORAL_STUDENT)
            or Dossier.objects.filter(candidate=user).exclude(status=Dossier.Status.DRAFT).exists()
        ):
            raise ValidationError(
                {
                    "email": _(
                        "Ce compte est celui d'un·e candidat·e ou d'un·e doctorant·e du programme : il ne peut pas "
                        "évaluer de dossiers."
                    )
                }
            )
        if created:
            first, _space, last = name.partition(" ")
            user = User.objects.create_user(
                email, password=None, first_name=first[:150], last_name=last[:150], preferred_language=language
            )
        EmailAddress.objects.get_or_create(user=user, email=user.email, defaults={"verified": True, "primary": True})
        roles.grant_role(user, roles.EVALUATOR)
        profile = profile_for(user)
        profile.invited_by = invited_by
        profile.invited_at = now()
        if capacity is not None:
            profile.capacity = capacity
        profile.save()
        language = _language(user) if not created else language
        context = {
            "evaluator_name": user.get_full_name() or name,
            "invited_by_name": invited_by.get_full_name() or _("L'équipe du programme"),
            "set_password_url": set_password_url(user, language),
            "valid_days": max(settings.PASSWORD_RESET_TIMEOUT // 86400, 1),
            "login_url": site_url("account_login", language),
        }
        _send_after_commit("evaluator_invitation", user, context, language)
    return user, created


# --- Assignment by hand ------------------------------------------------------------------------------------


def _evaluation_closed(call, at: dt.datetime) -> str | None:
    if call.evaluation_closed_at is not None and call.evaluation_closed_at <= at:
        return _("L'évaluation de cet appel est close depuis le %(date)s.") % {
            "date": timezone.localtime(call.evaluation_closed_at).strftime("%d/%m/%Y %H:%M")
        }
    return None


def evaluator_input(user, profile: EvaluatorProfile, load: int = 0):
    """The automatic assignment's view of an evaluator (``assignment.EvaluatorInput``)."""
    from .assignment import EvaluatorInput, email_domain, unit_code, words

    domains = {d for d in (email_domain(user.email), (profile.email_domain or "").strip().lower()) if d}
    return EvaluatorInput(
        id=user.pk,
        label=user.get_full_name() or user.email,
        capacity=profile.capacity,
        load=load,
        lab_code=unit_code(profile.lab_unit_code),
        email=user.email.lower(),
        domains=frozenset(domains),
        disciplines=words(profile.disciplines),
        keywords=words(profile.keywords),
    )


def dossier_input(dossier: Dossier, need: int = 0, excluded=frozenset()):
    """The automatic assignment's view of a dossier (``assignment.DossierInput``)."""
    from .assignment import DossierInput, unit_code, words

    return DossierInput(
        id=dossier.pk,
        label=dossier.number or str(dossier.pk),
        need=need,
        lab_code=unit_code(dossier.lab_unit_code),
        director_email=(dossier.director_email or "").strip().lower(),
        disciplines=words(dossier.discipline),
        keywords=words(dossier.keywords),
        excluded=frozenset(excluded),
    )


def conflict_message(code: str, evaluator) -> str:
    name = evaluator.get_full_name() or evaluator.email
    from .assignment import DIRECTOR, SAME_DOMAIN, SAME_LAB

    return {
        SAME_LAB: _("%(name)s appartient au laboratoire du dossier : conflit d'intérêts évident."),
        DIRECTOR: _("%(name)s est le ou la directeur·rice de thèse de ce dossier : conflit d'intérêts évident."),
        SAME_DOMAIN: _(
            "%(name)s a la même adresse institutionnelle que le ou la directeur·rice de thèse : conflit "
            "d'intérêts évident (règle du domaine de messagerie)."
        ),
    }[code] % {"name": name}


def active_load(user, call) -> int:
    """The assignments of ``call`` counted against an evaluator's capacity (waiting, accepted, submitted).

    A capacity is per call: what an expert accepts for this year's dossiers."""
    return Assignment.objects.filter(evaluator=user, dossier__call=call, status__in=ACTIVE_ASSIGNMENT).count()


def assign(
    dossier: Dossier,
    evaluator,
    deadline: dt.date,
    by,
    *,
    domain_rule: bool = False,
    automatic: bool = False,
    at: dt.datetime | None = None,
) -> Assignment:
    """Give ``dossier`` to ``evaluator`` until ``deadline`` (Paris date). Refused, with the reason, for a
    dossier not eligible, an account that is not an evaluator's, a dossier already given to them, a
    declared or obvious conflict, an evaluator at capacity, a past deadline or a closed evaluation."""
    from .assignment import conflict_reason

    _require_staff(by)
    at = at or now()
    with transaction.atomic():
        dossier = Dossier.objects.select_for_update(of=("self",)).select_related("call").get(pk=dossier.pk)
        _check_assignable(dossier, evaluator, deadline, at)
        profile = EvaluatorProfile.objects.select_for_update().filter(user=evaluator).first() or profile_for(evaluator)
        declared = (
            ConflictDeclaration.objects.filter(dossier=dossier, evaluator=evaluator, has_conflict=True)
            .order_by("-declared_at")
            .first()
        )
        if declared is not None:
            raise EvaluationRefused(
                _("%(name)s a déclaré un conflit d'intérêts avec ce dossier le %(date)s.")
                % {
                    "name": evaluator.get_full_name() or evaluator.email,
                    "date": timezone.localtime(declared.declared_at).strftime("%d/%m/%Y"),
                }
            )
        code = conflict_reason(dossier_input(dossier), evaluator_input(evaluator, profile), domain_rule)
        if code:
            raise EvaluationRefused(conflict_message(code, evaluator))
        load = active_load(evaluator, dossier.call)
        if load >= profile.capacity:
            raise EvaluationRefused(
                _("%(name)s a atteint le nombre de dossiers accepté (%(capacity)s).")
                % {"name": evaluator.get_full_name() or evaluator.email, "capacity": profile.capacity}
            )
        return _create_assignment(dossier, evaluator, deadline, by, automatic=automatic)


def _check_assignable(dossier: Dossier, evaluator, deadline: dt.date, at: dt.datetime) -> None:
    if dossier.status not in ASSIGNABLE:
        raise EvaluationRefused(_("Seul un dossier déclaré éligible peut être confié à un·e évaluateur·rice."))
    if not roles.has_role(evaluator, roles.EVALUATOR):
        raise EvaluationRefused(_("Ce compte n'est pas celui d'un·e évaluateur·rice."))
    if closed := _evaluation_closed(dossier.call, at):
        raise EvaluationRefused(closed)
    if deadline is None or deadline <= timezone.localdate(at):
        raise ValidationError({"deadline": _("La date limite de l'évaluation doit être dans le futur.")})
    if Assignment.objects.filter(dossier=dossier, evaluator=evaluator).exists():
        raise EvaluationRefused(
            _("Ce dossier est déjà confié à %(name)s.") % {"name": evaluator.get_full_name() or evaluator.email}
        )


def _create_assignment(dossier: Dossier, evaluator, deadline: dt.date, by, *, automatic: bool) -> Assignment:
    """Save one assignment (the checks are done), record it, move the dossier into evaluation, e-mail."""
    assignment = Assignment.objects.create(
        dossier=dossier, evaluator=evaluator, deadline=deadline, created_by=by, automatic=automatic
    )
    if dossier.status == Dossier.Status.ELIGIBLE:
        dossier.status = Dossier.Status.IN_EVALUATION
        dossier.save(update_fields=["status", "updated_at"])
        record(dossier, Kind.EVALUATION_STARTED, by, public=True, notify=False)
    record(
        dossier,
        Kind.ASSIGNED,
        by,
        public=False,
        data={"assignment": assignment.pk, "evaluator": evaluator.pk, "deadline": deadline.isoformat()},
    )
    language = _language(evaluator)
    context = {
        "evaluator_name": evaluator.get_full_name() or evaluator.email,
        "call_title": _in(language, dossier.call.localised, "title"),
        "number": dossier.number,
        "thesis_title": dossier.thesis_title,
        "theme_title": _in(language, dossier.theme.localised, "title") if dossier.theme_id else "",
        "deadline": spelled_date(deadline, language),
        "url": evaluator_url(assignment, language),
    }
    _send_after_commit(
        "evaluation_assigned", evaluator, context, language, dedupe_key=f"evaluation-assigned:{assignment.pk}"
    )
    return assignment


def _in(language: str, function, *args):
    with translation.override(language):
        return function(*args)


def unassign(assignment: Assignment, by) -> None:
    """Remove an assignment (its declaration stays in the record). Refused once the evaluation is submitted."""
    _require_staff(by)
    with transaction.atomic():
        assignment = Assignment.objects.select_for_update(of=("self",)).select_related("dossier").get(pk=assignment.pk)
        if assignment.status == Status.SUBMITTED:
            raise EvaluationRefused(
                _("L'évaluation de ce dossier est transmise : l'affectation ne peut plus être retirée.")
            )
        record(
            assignment.dossier,
            Kind.UNASSIGNED,
            by,
            public=False,
            data={"assignment": assignment.pk, "evaluator": assignment.evaluator_id, "status": assignment.status},
        )
        assignment.delete()


# --- Conflict of interest ----------------------------------------------------------------------------------


def statement_text(assignment: Assignment, user, at: dt.datetime, language: str | None = None) -> str:
    """The fixed wording an evaluator signs when declaring no conflict (shown before, stored after)."""
    language = language or _language(user)
    dossier = assignment.dossier
    with translation.override(language):
        return _(
            "Je soussigné·e, %(name)s, déclare sur l'honneur n'avoir aucun conflit d'intérêts, direct ou "
            "indirect, avec le dossier n° %(number)s (« %(title)s »), ni avec son laboratoire, sa direction de "
            "thèse ou la personne qui l'a déposé, et m'engage à en garder le contenu confidentiel. "
            "Déclaration faite le %(when)s."
        ) % {
            "name": user.get_full_name() or user.email,
            "number": dossier.number,
            "title": dossier.thesis_title,
            "when": spelled_datetime(at, language),
        }


def _lock_own(assignment: Assignment, user) -> Assignment:
    locked = (
        Assignment.objects.select_for_update(of=("self",))
        .select_related("dossier__call", "dossier__theme", "evaluator")
        .filter(pk=assignment.pk)
        .first()
    )
    if locked is None or locked.evaluator_id != getattr(user, "pk", None):
        raise NotAssigned(_("Ce dossier ne vous est pas confié."))
    return locked


def declare(
    assignment: Assignment, user, has_conflict: bool, nature: str = "", at: dt.datetime | None = None
) -> ConflictDeclaration:
    """The evaluator's declaration, once per assignment: no conflict opens the dossier to them (the signed
    statement is stored with the time); a conflict closes it, alerts staff and is kept in the record."""
    at = at or now()
    nature = (nature or "").strip()
    if has_conflict and not nature:
        raise ValidationError({"nature": _("Décrivez la nature du conflit d'intérêts.")})
    _check_length("nature", nature, REASON_MAX)
    with transaction.atomic():
        assignment = _lock_own(assignment, user)
        if assignment.status != Status.ASSIGNED:
            previous = assignment.declarations.order_by("-declared_at").first()
            if previous is not None:
                raise EvaluationRefused(
                    _("Vous avez déjà fait votre déclaration pour ce dossier, le %(date)s.")
                    % {"date": timezone.localtime(previous.declared_at).strftime("%d/%m/%Y à %H:%M")}
                )
            raise EvaluationRefused(_("Ce dossier n'attend plus de déclaration de votre part."))
        dossier = assignment.dossier
        declaration = ConflictDeclaration.objects.create(
            assignment=assignment,
            dossier=dossier,
            evaluator=user,
            has_conflict=has_conflict,
            nature=nature if has_conflict else "",
            statement="" if has_conflict else statement_text(assignment, user, at),
            declared_at=at,
            declared_by=user,
        )
        assignment.status = Status.CONFLICT if has_conflict else Status.ACCEPTED
        assignment.save(update_fields=["status", "updated_at"])
        record(
            dossier,
            Kind.CONFLICT if has_conflict else Kind.NO_CONFLICT,
            user,
            public=False,
            data={"assignment": assignment.pk, "evaluator": user.pk, "declaration": declaration.pk},
        )
        if has_conflict:
            language = settings.LANGUAGE_CODE
            _send_after_commit(
                "evaluation_conflict_staff",
                settings.STAFF_EMAIL,
                {
                    "evaluator_name": user.get_full_name() or user.email,
                    "call_title": dossier.call.title_fr,
                    "number": dossier.number,
                    "thesis_title": dossier.thesis_title,
                    "nature": nature,
                    "declared_at": spelled_datetime(at, language),
                    "url": staff_evaluation_url(dossier),
                },
                language,
                dedupe_key=f"evaluation-conflict:{declaration.pk}",
            )
    return declaration


# --- Scoring ---------------------------------------------------------------------------------------------


def _check_may_score(assignment: Assignment, at: dt.datetime) -> None:
    if assignment.status == Status.ASSIGNED:
        raise EvaluationRefused(_("Déclarez d'abord l'absence de conflit d'intérêts avant de noter ce dossier."))
    if assignment.status == Status.CONFLICT:
        raise EvaluationRefused(
            _("Vous avez déclaré un conflit d'intérêts pour ce dossier : vous ne pouvez pas le noter.")
        )
    if assignment.status == Status.DECLINED:
        raise EvaluationRefused(_("Vous avez décliné ce dossier : vous ne pouvez plus le noter."))
    if closed := _evaluation_closed(assignment.dossier.call, at):
        raise EvaluationRefused(closed)
    evaluation = getattr(assignment, "evaluation", None)
    if assignment.status == Status.SUBMITTED or (
        evaluation is not None and evaluation.status == Evaluation.Status.SUBMITTED
    ):
        raise EvaluationRefused(_locked_message(evaluation))


def _locked_message(evaluation: Evaluation | None) -> str:
    if evaluation is not None and evaluation.submitted_at:
        return _(
            "Votre évaluation a été transmise le %(date)s : elle est verrouillée. L'équipe du programme peut la "
            "rouvrir si nécessaire."
        ) % {"date": timezone.localtime(evaluation.submitted_at).strftime("%d/%m/%Y à %H:%M")}
    return _("Votre évaluation a été transmise : elle est verrouillée.")


def criteria_of(call) -> list[Criterion]:
    return list(Criterion.objects.filter(call=call).order_by("position", "id"))


def score_field(criterion: Criterion) -> str:
    return f"score-{criterion.pk}"


def comment_field(criterion: Criterion) -> str:
    return f"comment-{criterion.pk}"


IGNORED_KEYS = ("csrfmiddlewaretoken", "version")


@dataclass
class DraftResult:
    version: int
    saved: list[str] = field(default_factory=list)
    errors: dict[str, list[str]] = field(default_factory=dict)
    saved_at: dt.datetime | None = None
    total: Decimal | None = None  # the weighted total once every criterion is scored

    @property
    def ok(self) -> bool:
        return not self.errors


def _parse(data, criteria: list[Criterion]) -> tuple[dict[str, object], dict[str, list[str]]]:
    """The posted values that are valid (field → value) and the errors of the others (field → messages)."""
    by_field = {}
    for criterion in criteria:
        by_field[score_field(criterion)] = criterion
        by_field[comment_field(criterion)] = criterion
    posted = [k for k in data if k not in IGNORED_KEYS]
    unknown = [k for k in posted if k not in by_field and k not in ("overall_comment", "recommendation")]
    if unknown:
        raise UnknownField({name: _("Ce champ n'existe pas dans la grille de cet appel.") for name in sorted(unknown)})
    values: dict[str, object] = {}
    errors: dict[str, list[str]] = {}
    for key in posted:
        raw = data.get(key)
        raw = "" if raw is None else str(raw).strip()
        if key == "overall_comment":
            if len(raw) > OVERALL_COMMENT_MAX:
                errors[key] = [_("%(limit)s caractères au plus.") % {"limit": OVERALL_COMMENT_MAX}]
            else:
                values[key] = raw
        elif key == "recommendation":
            if raw and raw not in Evaluation.Recommendation.values:
                errors[key] = [_("Choisissez une recommandation dans la liste.")]
            else:
                values[key] = raw
        elif key.startswith("comment-"):
            if len(raw) > COMMENT_MAX:
                errors[key] = [_("%(limit)s caractères au plus.") % {"limit": COMMENT_MAX}]
            else:
                values[key] = raw
        else:
            criterion = by_field[key]
            if raw == "":
                values[key] = None
                continue
            try:
                value = int(raw)
            except ValueError:
                errors[key] = [_("La note est un nombre entier.")]
                continue
            if not criterion.scale_min <= value <= criterion.scale_max:
                errors[key] = [
                    _("La note doit être comprise entre %(min)s et %(max)s.")
                    % {"min": criterion.scale_min, "max": criterion.scale_max}
                ]
                continue
            values[key] = value
    return values, errors


def _lock_for_scoring(assignment: Assignment, user, at: dt.datetime) -> tuple[Assignment, Evaluation, list[Criterion]]:
    assignment = _lock_own(assignment, user)
    evaluation = Evaluation.objects.select_for_update().filter(assignment=assignment).first()
    if evaluation is not None:
        assignment.evaluation = evaluation
    _check_may_score(assignment, at)
    if evaluation is None:
        evaluation = Evaluation(assignment=assignment)  # saved with the first value (nothing saved otherwise)
    return assignment, evaluation, criteria_of(assignment.dossier.call)


def _apply(evaluation: Evaluation, criteria: list[Criterion], values: dict[str, object]) -> list[str]:
    """Write the valid values; only what changes is saved (the history records real changes only)."""
    saved = []
    if evaluation.pk is None and values:
        evaluation.save()
    scores = {s.criterion_id: s for s in evaluation.scores.all()} if evaluation.pk else {}
    evaluation_fields = []
    for name in ("overall_comment", "recommendation"):
        if name in values and getattr(evaluation, name) != values[name]:
            setattr(evaluation, name, values[name])
            evaluation_fields.append(name)
        if name in values:
            saved.append(name)
    for criterion in criteria:
        changes = {}
        if score_field(criterion) in values:
            changes["value"] = values[score_field(criterion)]
            saved.append(score_field(criterion))
        if comment_field(criterion) in values:
            changes["comment"] = values[comment_field(criterion)]
            saved.append(comment_field(criterion))
        if not changes:
            continue
        score = scores.get(criterion.pk)
        if score is None:
            scores[criterion.pk] = Score.objects.create(evaluation=evaluation, criterion=criterion, **changes)
        elif any(getattr(score, k) != v for k, v in changes.items()):
            for k, v in changes.items():
                setattr(score, k, v)
            score.save()
    evaluation._changed_fields = evaluation_fields
    evaluation._scores = scores
    return sorted(saved)


def _total(criteria: list[Criterion], scores: dict[int, Score]) -> Decimal | None:
    values = [scores.get(c.pk).value if scores.get(c.pk) else None for c in criteria]
    if not criteria or any(v is None for v in values):
        return None
    return weighted_total((c.weight, c.scale_min, c.scale_max, v) for c, v in zip(criteria, values, strict=True))


def save_draft(assignment: Assignment, user, data, version: int | None, at: dt.datetime | None = None) -> DraftResult:
    """Save what validates of ``data`` (only the fields posted: ``score-<criterion id>``,
    ``comment-<criterion id>``, ``overall_comment``, ``recommendation``); report the rest field by field.

    ``version`` is the evaluation's version the page was loaded with (0 before the first save): a stale
    one raises ``StaleEvaluation`` (``None`` skips the check). Refused (``EvaluationRefused``) before the
    declaration, after a conflict or a refusal, once submitted, and after the call's evaluation closed.
    """
    at = at or now()
    with transaction.atomic():
        assignment, evaluation, criteria = _lock_for_scoring(assignment, user, at)
        if version is not None and version != evaluation.version:
            raise StaleEvaluation(evaluation.version)
        values, errors = _parse(data, criteria)
        saved = _apply(evaluation, criteria, values)
        if saved and evaluation.pk:
            evaluation.version += 1
            evaluation.save(update_fields=[*evaluation._changed_fields, "version", "updated_at"])
        total = _total(criteria, evaluation._scores)
    return DraftResult(version=evaluation.version, saved=saved, errors=errors, saved_at=at, total=total)


def submit_evaluation(
    assignment: Assignment, user, data=None, version: int | None = None, at: dt.datetime | None = None
) -> Evaluation:
    """Submit the evaluation (with the last ``data`` posted, if any), then lock it. All or nothing: a value
    outside its scale, a criterion not scored or no recommendation refuses it with every error by field
    (``ValidationError``), and nothing of ``data`` is saved."""
    at = at or now()
    with transaction.atomic():
        assignment, evaluation, criteria = _lock_for_scoring(assignment, user, at)
        if version is not None and version != evaluation.version:
            raise StaleEvaluation(evaluation.version)
        values, errors = _parse(data or {}, criteria)
        if errors:
            raise ValidationError(errors)
        _apply(evaluation, criteria, values)
        scores = evaluation._scores
        missing = {}
        for criterion in criteria:
            score = scores.get(criterion.pk)
            if score is None or score.value is None:
                missing[score_field(criterion)] = [
                    _("Notez ce critère (de %(min)s à %(max)s) avant de transmettre l'évaluation.")
                    % {"min": criterion.scale_min, "max": criterion.scale_max}
                ]
            elif not criterion.scale_min <= score.value <= criterion.scale_max:  # the grid changed since
                missing[score_field(criterion)] = [
                    _("La note doit être comprise entre %(min)s et %(max)s.")
                    % {"min": criterion.scale_min, "max": criterion.scale_max}
                ]
        if not evaluation.recommendation:
            missing["recommendation"] = [_("Choisissez une recommandation avant de transmettre l'évaluation.")]
        if not criteria:
            missing["__all__"] = [_("La grille d'évaluation de cet appel est vide : prévenez l'équipe du programme.")]
        if missing:
            raise ValidationError(missing)
        evaluation.total = _total(criteria, scores)
        evaluation.status = Evaluation.Status.SUBMITTED
        evaluation.submitted_at = at
        evaluation.version += 1
        evaluation.save()
        assignment.status = Status.SUBMITTED
        assignment.save(update_fields=["status", "updated_at"])
        record(
            assignment.dossier,
            Kind.EVALUATION_SUBMITTED,
            user,
            public=False,
            data={
                "assignment": assignment.pk,
                "evaluator": user.pk,
                "total": str(evaluation.total),
                "recommendation": evaluation.recommendation,
                "scores": {str(c.pk): scores[c.pk].value for c in criteria},
            },
        )
    return evaluation


def reopen(evaluation: Evaluation, by, reason: str, at: dt.datetime | None = None) -> Evaluation:
    """Staff reopen a submitted evaluation, with the reason (recorded, and e-mailed to the evaluator)."""
    _require_staff(by)
    at = at or now()
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Indiquez pourquoi l'évaluation est rouverte : le motif est conservé.")})
    _check_length("reason", reason, REASON_MAX)
    with transaction.atomic():
        evaluation = (
            Evaluation.objects.select_for_update(of=("self",))
            .select_related("assignment__dossier__call", "assignment__evaluator")
            .get(pk=evaluation.pk)
        )
        if evaluation.status != Evaluation.Status.SUBMITTED:
            raise EvaluationRefused(_("Cette évaluation n'est pas transmise : il n'y a rien à rouvrir."))
        previous = {"total": str(evaluation.total), "submitted_at": evaluation.submitted_at.isoformat()}
        evaluation.status = Evaluation.Status.DRAFT
        evaluation.total = None
        evaluation.submitted_at = None
        evaluation.version += 1
        evaluation.save()
        assignment = evaluation.assignment
        assignment.status = Status.ACCEPTED
        assignment.save(update_fields=["status", "updated_at"])
        record(
            assignment.dossier,
            Kind.EVALUATION_REOPENED,
            by,
            public=False,
            message=reason,
            data={"assignment": assignment.pk, "evaluator": assignment.evaluator_id, **previous},
        )
        evaluator = assignment.evaluator
        language = _language(evaluator)
        _send_after_commit(
            "evaluation_reopened",
            evaluator,
            {
                "evaluator_name": evaluator.get_full_name() or evaluator.email,
                "call_title": _in(language, assignment.dossier.call.localised, "title"),
                "number": assignment.dossier.number,
                "thesis_title": assignment.dossier.thesis_title,
                "reason": reason,
                "url": evaluator_url(assignment, language),
            },
            language,
        )
    return evaluation


def decline(assignment: Assignment, user, reason: str = "", at: dt.datetime | None = None) -> Assignment:
    """The evaluator declines an assignment before scoring it (staff are told, to give it to someone else)."""
    reason = (reason or "").strip()
    _check_length("reason", reason, REASON_MAX)
    with transaction.atomic():
        assignment = _lock_own(assignment, user)
        if assignment.status not in (Status.ASSIGNED, Status.ACCEPTED):
            if assignment.status == Status.SUBMITTED:
                raise EvaluationRefused(_locked_message(getattr(assignment, "evaluation", None)))
            raise EvaluationRefused(_("Ce dossier ne vous est plus confié."))
        evaluation = Evaluation.objects.filter(assignment=assignment).first()
        if evaluation is not None and evaluation.scores.filter(value__isnull=False).exists():
            raise EvaluationRefused(
                _(
                    "Vous avez commencé à noter ce dossier : il ne peut plus être décliné. Écrivez à l'équipe du "
                    "programme si vous ne pouvez pas terminer l'évaluation."
                )
            )
        assignment.status = Status.DECLINED
        assignment.declined_reason = reason
        assignment.save(update_fields=["status", "declined_reason", "updated_at"])
        dossier = assignment.dossier
        record(
            dossier,
            Kind.DECLINED,
            user,
            public=False,
            message=reason,
            data={"assignment": assignment.pk, "evaluator": user.pk},
        )
        _send_after_commit(
            "evaluation_declined_staff",
            settings.STAFF_EMAIL,
            {
                "evaluator_name": user.get_full_name() or user.email,
                "call_title": dossier.call.title_fr,
                "number": dossier.number,
                "thesis_title": dossier.thesis_title,
                "reason": reason,
                "url": staff_evaluation_url(dossier),
            },
            settings.LANGUAGE_CODE,
            dedupe_key=f"evaluation-declined:{assignment.pk}",
        )
    return assignment


# --- What an evaluator sees --------------------------------------------------------------------------------


def my_assignments(user):
    """An evaluator's assignments, for their home page (one query; no candidate data is loaded)."""
    return (
        Assignment.objects.filter(evaluator=user)
        .select_related("dossier__call", "dossier__theme", "evaluation")
        .defer(*(f"dossier__{name}" for name in ("first_name", "last_name", "email", "phone", "address")))
        .order_by("deadline", "dossier__number")
    )


def visible_evaluations(user, dossier: Dossier) -> list[Evaluation]:
    """The evaluations of ``dossier`` that ``user`` may read: all for staff; an evaluator's own, and the
    others' submitted ones when the call allows it and their own is submitted."""
    from .permissions import may_see_other_scores

    evaluations = (
        Evaluation.objects.filter(assignment__dossier=dossier)
        .select_related("assignment__evaluator")
        .prefetch_related("scores")
        .order_by("assignment_id")
    )
    if roles.has_role(user, roles.STAFF, roles.ADMIN):
        return list(evaluations)
    own = [e for e in evaluations if e.assignment.evaluator_id == user.pk]
    if not own or not may_see_other_scores(user, dossier):
        return own
    return [e for e in evaluations if e.assignment.evaluator_id == user.pk or e.status == Evaluation.Status.SUBMITTED]


# --- Closing the evaluation of a call ----------------------------------------------------------------------


def _record_on_call(call, kind: str, by, at: dt.datetime) -> int:
    """One non-public history entry on each dossier of ``call`` under evaluation (the record for ANRT)."""
    dossiers = Dossier.objects.filter(call=call, status__in=ASSIGNABLE).only("pk")
    events = [
        DossierEvent(dossier_id=d.pk, kind=kind, actor=by, at=at, public=False, data={"call": call.pk})
        for d in dossiers.order_by("pk")
    ]
    DossierEvent.objects.bulk_create(events, batch_size=1000)
    return len(events)


def close_call_evaluation(call, by, at: dt.datetime | None = None):
    """Staff close the evaluation of ``call``: from now on no score is saved or submitted and no dossier is
    assigned (``Call.evaluation_closed_at``). Recorded on each dossier under evaluation (not public)."""
    from ..models import Call

    _require_staff(by)
    at = at or now()
    with transaction.atomic():
        call = Call.objects.select_for_update().get(pk=call.pk)
        if closed := _evaluation_closed(call, at):
            raise EvaluationRefused(closed)
        call.evaluation_closed_at = at
        call.save(update_fields=["evaluation_closed_at", "updated_at"])
        _record_on_call(call, Kind.CALL_EVALUATION_CLOSED, by, at)
    return call


def reopen_call_evaluation(call, by, at: dt.datetime | None = None):
    """Staff reopen the evaluation of ``call`` (scores can be saved and submitted again). Recorded as above."""
    from ..models import Call

    _require_staff(by)
    at = at or now()
    with transaction.atomic():
        call = Call.objects.select_for_update().get(pk=call.pk)
        if not _evaluation_closed(call, at):
            raise EvaluationRefused(_("L'évaluation de cet appel n'est pas close : il n'y a rien à rouvrir."))
        call.evaluation_closed_at = None
        call.save(update_fields=["evaluation_closed_at", "updated_at"])
        _record_on_call(call, Kind.CALL_EVALUATION_OPENED, by, at)
    return call
