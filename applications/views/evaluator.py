"""The evaluator's screens: their assignments, their profile, the conflict-of-interest declaration first,
then the dossier (through ``evaluation.blind``), its files and one-PDF, and the scoring form with autosave.

Thin views. Who may see what is decided by ``evaluation.permissions``; every change goes through
``evaluation.services``. An evaluator reaches only their own assignments: the lookup is made among
them, and an assignment whose state the permission check refuses for this page (a conflict declared,
declined, not declared yet for the content) answers exactly like a missing one (404), so a guessed
URL tells nothing. Other roles get the 403 of ``is_evaluator``, whether the assignment exists or not.

A template of these pages receives the dossier only as ``blind.evaluator_dossier(dossier)``, and
names it by its number (titles, headings), never by the candidate.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.permissions import require

from .. import renditions
from ..evaluation import blind, services
from ..evaluation.models import Assignment, Evaluation
from ..evaluation.permissions import (
    can_score,
    evaluator_may_see_conflict_view,
    evaluator_may_see_content,
    is_evaluator,
    may_see_other_scores,
)
from ..evaluator_forms import DeclarationForm, DeclineForm, EvaluationForm, ProfileForm
from ..models import DossierFile, Rendition
from .staff import add_errors, loaded

Status = Assignment.Status
PRIVATE = "private, no-store"


# --- Loading an assignment: the user's own, and only in a state this page allows --------------------------


def _own(user):
    return Assignment.objects.filter(evaluator=user).select_related(
        "dossier__call", "dossier__theme__host_department", "evaluation"
    )


def _on_dossier(check):
    return lambda user, assignment: check(user, assignment.dossier)


def _loader(check):
    """``require``'s loader: the user's assignment ``pk``, or 404 when ``check`` refuses it for this page."""

    def load(request, pk, **kwargs):
        assignment = loaded(request, ("assignment", pk), lambda: get_object_or_404(_own(request.user), pk=pk))
        if not check(request.user, assignment):
            raise Http404
        return assignment

    return load


_conflict_view = _loader(_on_dossier(evaluator_may_see_conflict_view))
_content = _loader(_on_dossier(evaluator_may_see_content))
_scoring = _loader(can_score)


def _assignment(request, pk) -> Assignment:
    return loaded(request, ("assignment", pk), lambda: get_object_or_404(_own(request.user), pk=pk))


def _evaluation(assignment: Assignment) -> Evaluation | None:
    return getattr(assignment, "evaluation", None)


def _page(assignment: Assignment) -> str:
    return reverse("applications:evaluator_assignment", args=[assignment.pk])


def _posted_version(request) -> int | None:
    try:
        return int(request.POST.get("version", ""))
    except ValueError:
        return None


def _total_text(total) -> str:
    return "" if total is None else number_format(total, 2)


# --- Home and profile ------------------------------------------------------------------------------------

GROUPS = (
    ("declare", gettext_lazy("À déclarer"), (Status.ASSIGNED,)),
    ("score", gettext_lazy("À évaluer"), (Status.ACCEPTED,)),
    ("submitted", gettext_lazy("Évaluations transmises"), (Status.SUBMITTED,)),
    ("closed", gettext_lazy("Déclinés ou conflit d'intérêts déclaré"), (Status.DECLINED, Status.CONFLICT)),
)


def _late(assignment: Assignment, today) -> bool:
    return assignment.status in (Status.ASSIGNED, Status.ACCEPTED) and assignment.deadline < today


def _row(assignment: Assignment, today, at) -> dict:
    dossier = assignment.dossier
    evaluation = _evaluation(assignment)
    closed = services._evaluation_closed(dossier.call, at)
    return {
        "pk": assignment.pk,
        "number": dossier.number,
        "call": dossier.call.localised("title"),
        "thesis_title": dossier.thesis_title,
        "theme": dossier.theme.localised("title") if dossier.theme_id else "",
        "deadline": assignment.deadline,
        "late": _late(assignment, today),
        "status": assignment.get_status_display(),
        "draft": evaluation is not None and evaluation.status == Evaluation.Status.DRAFT,
        "closed": bool(closed),
        "live": assignment.status in (Status.ASSIGNED, Status.ACCEPTED, Status.SUBMITTED),
    }


@require(is_evaluator)
def home(request):
    at = timezone.now()
    today = timezone.localdate(at)
    rows = {key: [] for key, _label, _statuses in GROUPS}
    group_of = {status: key for key, _label, statuses in GROUPS for status in statuses}
    for assignment in services.my_assignments(request.user):
        rows[group_of[assignment.status]].append(_row(assignment, today, at))
    profile = services.profile_for(request.user)
    groups = [{"key": key, "label": label, "rows": rows[key]} for key, label, _statuses in GROUPS]
    return render(
        request,
        "applications/evaluator/home.html",
        {
            "groups": groups,
            "profile": profile,
            "profile_incomplete": not (profile.affiliation and profile.disciplines),
            "empty": not any(rows.values()),
        },
    )


@require(is_evaluator)
def profile(request):
    instance = services.profile_for(request.user)
    form = ProfileForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Votre profil d'évaluateur·rice est enregistré."))
        return redirect("applications:evaluator_home")
    return render(request, "applications/evaluator/profile.html", {"form": form}, status=400 if form.errors else 200)


# --- One assignment ----------------------------------------------------------------------------------------


def _files(dossier) -> list[dict]:
    """The current documents the evaluator may download (the thesis project only, for a blind call)."""
    labels = dict(DossierFile.Kind.choices)
    allowed = renditions.BLIND_DOCUMENTS if dossier.call.blind_evaluation else renditions.DOCUMENT_ORDER
    return [
        {"pk": f.pk, "label": labels.get(f.kind, f.kind), "name": blind.evaluator_file_name(f), "pages": f.pages}
        for f in renditions.current_files(dossier)
        if f.kind in allowed
    ]


def _pdf_kind(dossier) -> str:
    return Rendition.Kind.BLIND if dossier.call.blind_evaluation else Rendition.Kind.DOSSIER


def _others(request, assignment: Assignment) -> list[dict] | None:
    """Other evaluators' submitted evaluations, when the call allows it (never their names)."""
    dossier = assignment.dossier
    if not may_see_other_scores(request.user, dossier):
        return None
    others = [e for e in services.visible_evaluations(request.user, dossier) if e.assignment_id != assignment.pk]
    criteria = services.criteria_of(dossier.call)
    result = []
    for index, evaluation in enumerate(others, 1):
        scores = {s.criterion_id: s for s in evaluation.scores.all()}
        result.append(
            {
                "index": index,
                "total": _total_text(evaluation.total),
                "recommendation": evaluation.get_recommendation_display(),
                "overall_comment": evaluation.overall_comment,
                "scores": [(c.localised("label"), scores.get(c.pk)) for c in criteria],
            }
        )
    return result


def _render(request, assignment: Assignment, status: int = 200, **context):
    """The assignment page: the conflict view before the declaration, the dossier and its grid after."""
    dossier = assignment.dossier
    call = dossier.call
    at = timezone.now()
    base = {
        "assignment": assignment,
        "summary": blind.conflict_view(dossier),
        "blind": call.blind_evaluation,
        "late": _late(assignment, timezone.localdate(at)),
        "closed_reason": services._evaluation_closed(call, at),
        "decline_form": context.pop("decline_form", None) or DeclineForm(),
    }
    if assignment.status == Status.ASSIGNED:
        base.update(
            statement=services.statement_text(assignment, request.user, at),
            declaration_form=context.pop("declaration_form", None) or DeclarationForm(),
        )
        return render(request, "applications/evaluator/declare.html", base | context, status=status)
    evaluation = _evaluation(assignment)
    version = context.pop("version", None)
    criteria = services.criteria_of(call)
    read_only = assignment.status == Status.SUBMITTED or bool(base["closed_reason"])
    form = context.pop("form", None) or EvaluationForm(criteria, evaluation=evaluation, read_only=read_only)
    view = blind.evaluator_dossier(dossier)
    pdf = renditions.stored(dossier, _pdf_kind(dossier))
    scores = {s.criterion_id: s for s in evaluation.scores.all()} if evaluation else {}
    base.update(
        dossier=view,
        sections=renditions.sections(view, blind=call.blind_evaluation),
        files=_files(dossier),
        pdf_ready=pdf is not None and bool(pdf.file),
        form=form,
        read_only=read_only,
        evaluation=evaluation,
        version=version if version is not None else (evaluation.version if evaluation else 0),
        total=_total_text(services._total(criteria, scores)),
        own_scores=[(row, scores.get(row["criterion"].pk)) for row in form.rows],
        others=_others(request, assignment) if assignment.status == Status.SUBMITTED else None,
        may_decline=assignment.status == Status.ACCEPTED and not any(s.value is not None for s in scores.values()),
    )
    return render(request, "applications/evaluator/assignment.html", base | context, status=status)


@require(is_evaluator, _conflict_view)
def assignment_page(request, pk):
    return _render(request, _assignment(request, pk))


@require(is_evaluator, _conflict_view)
@require_POST
def declare(request, pk):
    assignment = _assignment(request, pk)
    form = DeclarationForm(request.POST)
    if form.is_valid():
        try:
            services.declare(assignment, request.user, form.has_conflict, form.cleaned_data["nature"])
        except services.NotAssigned:
            raise Http404 from None
        except services.EvaluationRefused as refused:
            messages.error(request, " ".join(refused.messages))
            return redirect(_page(assignment))
        except ValidationError as error:
            add_errors(form, error)
        else:
            if form.has_conflict:
                messages.success(
                    request,
                    _(
                        "Votre déclaration de conflit d'intérêts pour le dossier %(number)s est enregistrée : le "
                        "dossier vous est retiré et l'équipe du programme est prévenue."
                    )
                    % {"number": assignment.dossier.number},
                )
                return redirect("applications:evaluator_home")
            messages.success(
                request,
                _("Votre déclaration est signée : le dossier %(number)s vous est ouvert.")
                % {"number": assignment.dossier.number},
            )
            return redirect(_page(assignment))
    if assignment.status != Status.ASSIGNED:  # a late form for a declaration already made
        messages.error(request, _("Ce dossier n'attend plus de déclaration de votre part."))
        return redirect(_page(assignment))
    return _render(request, assignment, status=400, declaration_form=form)


@require(is_evaluator, _conflict_view)
@require_POST
def decline(request, pk):
    assignment = _assignment(request, pk)
    form = DeclineForm(request.POST)
    if form.is_valid():
        try:
            services.decline(assignment, request.user, form.cleaned_data["reason"])
        except services.NotAssigned:
            raise Http404 from None
        except services.EvaluationRefused as refused:
            return _render(request, assignment, status=400, refusal=" ".join(refused.messages))
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(
                request,
                _("Vous avez décliné le dossier %(number)s : l'équipe du programme est prévenue.")
                % {"number": assignment.dossier.number},
            )
            return redirect("applications:evaluator_home")
    return _render(request, assignment, status=400, decline_form=form)


# --- Scoring ---------------------------------------------------------------------------------------------


def _stale_message() -> str:
    return _(
        "Cette évaluation a été enregistrée depuis un autre onglet ou appareil : vos dernières saisies de cette "
        "page ne sont pas enregistrées. Rechargez la page pour reprendre la version enregistrée."
    )


def _wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


@require(is_evaluator, _scoring)
@require_POST
def autosave(request, pk):
    """Save the posted fields of the evaluation as a draft; answer in JSON (``static/applications/autosave.js``).

    Without JavaScript, the page's "save the draft" button posts here too: the answer is then the page."""
    assignment = _assignment(request, pk)
    version = _posted_version(request)
    as_json = _wants_json(request)
    if version is None:
        message = _("La version de l'évaluation manque : rechargez la page.")
        if as_json:
            return JsonResponse({"error": message, "errors": {}}, status=400)
        return _render(request, assignment, status=400, refusal=message)
    try:
        result = services.save_draft(assignment, request.user, request.POST, version)
    except services.StaleEvaluation as stale:
        if as_json:
            return JsonResponse(
                {"error": _stale_message(), "stale": True, "version": stale.current_version, "errors": {}}, status=409
            )
        form = _bound_form(assignment, request.POST)
        return _render(request, assignment, status=409, form=form, stale=True, version=stale.current_version)
    except services.NotAssigned:
        raise Http404 from None
    except services.EvaluationRefused as refused:
        if as_json:
            return JsonResponse({"error": " ".join(refused.messages), "closed": True, "errors": {}}, status=409)
        return _render(request, assignment, status=409, refusal=" ".join(refused.messages))
    except services.UnknownField as unknown:
        if as_json:
            return JsonResponse(
                {"error": _("Champ inconnu : rien n'a été enregistré."), "errors": unknown.message_dict}, status=400
            )
        return _render(request, assignment, status=400, refusal=" ".join(unknown.messages))
    if as_json:
        return JsonResponse(
            {
                "version": result.version,
                "saved": result.saved,
                "errors": result.errors,
                "saved_at": timezone.localtime(result.saved_at).strftime("%H:%M"),
                "total": _total_text(result.total),
            }
        )
    if result.ok:
        messages.success(
            request,
            _("Brouillon enregistré à %(time)s.") % {"time": timezone.localtime(result.saved_at).strftime("%H:%M")},
        )
        return redirect(_page(assignment))
    fresh = _reloaded(assignment)
    form = _bound_form(fresh, request.POST)
    add_errors(form, ValidationError(result.errors))
    return _render(request, fresh, status=400, form=form, version=result.version)


def _bound_form(assignment: Assignment, data) -> EvaluationForm:
    form = EvaluationForm(services.criteria_of(assignment.dossier.call), data, evaluation=_evaluation(assignment))
    form.is_valid()  # every field takes any text: the services judge the values
    return form


def _reloaded(assignment: Assignment) -> Assignment:
    return _own(assignment.evaluator).get(pk=assignment.pk)


@require(is_evaluator, _scoring)
@require_POST
def submit(request, pk):
    assignment = _assignment(request, pk)
    version = _posted_version(request)
    try:
        services.submit_evaluation(assignment, request.user, request.POST, -1 if version is None else version)
    except services.StaleEvaluation as stale:
        form = _bound_form(assignment, request.POST)
        return _render(request, assignment, status=409, form=form, stale=True, version=stale.current_version)
    except services.NotAssigned:
        raise Http404 from None
    except services.EvaluationRefused as refused:
        return _render(request, assignment, status=400, refusal=" ".join(refused.messages))
    except services.UnknownField as unknown:
        return _render(request, assignment, status=400, refusal=" ".join(unknown.messages))
    except ValidationError as error:
        form = _bound_form(assignment, request.POST)
        add_errors(form, error)
        return _render(request, assignment, status=400, form=form, version=version, submit_failed=True)
    messages.success(
        request,
        _("Votre évaluation du dossier %(number)s est transmise. Merci !") % {"number": assignment.dossier.number},
    )
    return redirect(_page(assignment))


# --- Files -------------------------------------------------------------------------------------------------


def _attachment(handle, filename: str) -> FileResponse:
    response = FileResponse(handle, as_attachment=True, filename=filename, content_type="application/pdf")
    response["Cache-Control"] = PRIVATE
    return response


@require(is_evaluator, _content)
def file_download(request, pk, file_pk):
    """A current document of the dossier, named by the dossier's number and its kind (never the candidate's
    file name); for a blind call, only the documents allowed in blind mode."""
    dossier = _assignment(request, pk).dossier
    allowed = renditions.BLIND_DOCUMENTS if dossier.call.blind_evaluation else renditions.DOCUMENT_ORDER
    stored = get_object_or_404(
        DossierFile.objects.select_related("dossier"), pk=file_pk, dossier=dossier, is_current=True, kind__in=allowed
    )
    try:
        handle = stored.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return _attachment(handle, blind.evaluator_file_name(stored))


@require(is_evaluator, _content)
def dossier_pdf(request, pk):
    """The one-PDF of the dossier's current version: its anonymised variant for a blind call."""
    dossier = _assignment(request, pk).dossier
    kind = _pdf_kind(dossier)
    rendition = renditions.stored(dossier, kind)
    if rendition is None or not rendition.file:
        raise Http404
    try:
        handle = rendition.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    suffix = "-anonymise" if kind == Rendition.Kind.BLIND else ""
    return _attachment(handle, f"{dossier.number or dossier.pk}-dossier{suffix}.pdf")
