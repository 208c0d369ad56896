"""The candidate's pages: their dossiers, one page per step (with autosave), the review and the
submission, then the follow-up (history, requests for missing items, withdrawal, downloads).

Thin views: every check goes through ``applications.permissions`` (``require``: a dossier that is
not yours answers like one that does not exist), every change through ``applications.services``.
The steps work without JavaScript (each has its save button); ``static/applications/autosave.js``
adds the server-side autosave on top, through the ``autosave`` view's JSON answers.
"""

from __future__ import annotations

import copy

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.permissions import authenticated, require

from .. import anonymity, eligibility, personal_data, queries, services, steps
from ..evaluation import decisions
from ..forms import STEP_FORMS, DocumentUploadForm, WithdrawForm, WorkPeriodFormSet
from ..models import Call, Dossier, DossierEvent, DossierFile, Rendition
from ..permissions import can_apply, can_edit_dossier, can_follow_dossier

Status = Dossier.Status
PRIVATE = "private, no-store"
# Fields of a step form that are not the step's own: the page's bookkeeping and its buttons.
_NOT_FIELDS = {"csrfmiddlewaretoken", "step_version", "version", "go", "overwrite"}


def _dossier(request, pk, **kwargs):
    return get_object_or_404(Dossier.objects.select_related("call"), pk=pk)


def _call(request, call_pk, **kwargs):
    return get_object_or_404(Call, pk=call_pk, is_published=True)


def _local_time(at) -> str:
    return timezone.localtime(at).strftime("%H:%M")


def _step_url(dossier: Dossier, key: str) -> str:
    if key == steps.REVIEW:
        return reverse("applications:review", args=[dossier.pk])
    return reverse("applications:step", args=[dossier.pk, key])


def _files(dossier: Dossier) -> dict[str, DossierFile]:
    return {f.kind: f for f in dossier.files.all() if f.is_current}


class Overview:
    """What every page of a dossier shows beside its content: each step's completeness and the
    eligibility pre-check (one query for the files, one for the periods when there are any).

    ``kinds_only`` (the autosave's answer): the kinds of the current files are enough, read without
    building the rows. Periods are read only when the candidate said they worked for the City:
    otherwise they count neither for the step nor for the pre-check.
    """

    def __init__(self, dossier: Dossier, current: str | None = None, *, kinds_only: bool = False):
        self.dossier = dossier
        if kinds_only:
            current_files = dossier.files.filter(is_current=True).order_by()
            self.files = dict.fromkeys(current_files.values_list("kind", flat=True), True)
        else:
            self.files = _files(dossier)
        self.periods = list(dossier.work_periods.all()) if dossier.worked_for_city else []
        self.missing = {
            step.key: steps.missing(dossier, step.key, files=self.files, periods=self.periods) for step in steps.STEPS
        }
        self.checks = eligibility.precheck(dossier, periods=self.periods)
        self.editable = services.editable_items(dossier)
        self.current = current

    @property
    def progress(self) -> list[dict]:
        rows = [
            {
                "key": step.key,
                "number": index,
                "label": step.label,
                "missing": self.missing[step.key],
                "url": _step_url(self.dossier, step.key),
                "current": step.key == self.current,
            }
            for index, step in enumerate(steps.STEPS, start=1)
        ]
        rows.append(
            {
                "key": steps.REVIEW,
                "number": len(rows) + 1,
                "label": _("Récapitulatif et dépôt"),
                "missing": None,
                "url": _step_url(self.dossier, steps.REVIEW),
                "current": self.current == steps.REVIEW,
            }
        )
        return rows

    @property
    def complete(self) -> bool:
        return not any(self.missing.values())

    @property
    def check_rows(self) -> list[dict]:
        rows = []
        for check in self.checks:
            state = "unknown" if not check.known else ("ok" if check.ok else "failing")
            rows.append(
                {
                    "check": check,
                    "state": state,
                    "url": _step_url(self.dossier, check.step) if check.step and state != "ok" else None,
                    "step_label": steps.BY_KEY[check.step].label if check.step else None,
                }
            )
        return rows

    @property
    def failing(self) -> int:
        return sum(1 for check in self.checks if check.failing)

    def context(self) -> dict:
        return {
            "dossier": self.dossier,
            "call": self.dossier.call,
            "progress": self.progress,
            "checks": self.check_rows,
            "failing_count": self.failing,
            "complete": self.complete,
            "editable": self.editable,
        }


# --- The candidate's dossiers and the start of one ------------------------------------------------


@require(can_apply)
@require_GET
def my_dossiers(request):
    dossiers = list(
        Dossier.objects.filter(candidate=request.user).select_related("call").order_by("-call__year", "-id")
    )
    for dossier in dossiers:
        dossier.shown_status, dossier.shown_status_label = decisions.candidate_status(dossier)
    call = queries.open_call()
    has_open = call is not None and any(d.call_id == call.pk for d in dossiers)
    return render(
        request,
        "applications/candidate/dossier_list.html",
        {"dossiers": dossiers, "open_call": call, "open_call_started": has_open},
    )


@require(can_apply, _call)
def start(request, call_pk):
    call = get_object_or_404(Call, pk=call_pk, is_published=True)
    existing = Dossier.objects.filter(call=call, candidate=request.user).first()
    if existing is not None:
        return redirect(_resume_url(existing))
    is_open = call.is_open()
    if request.method == "POST":
        try:
            dossier = services.start_dossier(call, request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Votre dossier est créé : chaque saisie est enregistrée sur le serveur."))
            return redirect(_step_url(dossier, steps.STEP_KEYS[0]))
        is_open = False
    return render(
        request,
        "applications/candidate/start.html",
        {"call": call, "is_open": is_open, "documents": queries.required_documents()},
        status=200 if is_open or request.method == "GET" else 409,
    )


def _resume_url(dossier: Dossier) -> str:
    """Where a dossier opens: its page once submitted, else the first step still to complete."""
    if not dossier.is_draft:
        return reverse("applications:dossier", args=[dossier.pk])
    incomplete = services.incomplete_steps(dossier)
    key = next((key for key in steps.STEP_KEYS if key in incomplete), steps.REVIEW)
    return _step_url(dossier, key)


# --- One step ---------------------------------------------------------------------------------------


def _neighbours(key: str) -> tuple[str | None, str]:
    order = [*steps.STEP_KEYS, steps.REVIEW]
    index = order.index(key)
    return (order[index - 1] if index else None), order[index + 1]


def _step_data(request, key: str) -> dict:
    """The posted values of the step (the page's own bookkeeping left out)."""
    data = request.POST.copy()
    for name in _NOT_FIELDS:
        data.pop(name, None)
    return data


def _posted_version(request) -> int | None:
    raw = request.POST.get("step_version", request.POST.get("version"))
    try:
        return int(raw)
    except (TypeError, ValueError):
        return None


def _read_only(form) -> None:
    for field in form.fields.values():
        field.disabled = True


def _step_forms(dossier: Dossier, key: str, data=None):
    """The step's form and, for the work step, its periods formset (bound to ``data`` when given)."""
    form = STEP_FORMS[key](data=data, instance=copy.copy(dossier))
    formset = None
    if key == "work":
        formset = WorkPeriodFormSet(data=data, queryset=dossier.work_periods.all(), prefix="periods")
    return form, formset


@require(can_edit_dossier, _dossier)
def step(request, pk, key):
    if key not in steps.STEP_KEYS:
        raise Http404
    dossier = get_object_or_404(Dossier.objects.select_related("call"), pk=pk)
    if key == "documents":
        return _documents_page(request, dossier)
    version = int(dossier.step_versions.get(key, 0))
    context = {"stale": None, "closed": None}
    status = 200
    if request.method == "POST":
        posted_version = _posted_version(request)
        overwrite = request.POST.get("overwrite") == "1"
        if overwrite:
            checked_version = None  # the candidate chose to replace what another tab saved
        else:
            checked_version = -1 if posted_version is None else posted_version  # no version: never a blind write
        try:
            result = services.save_step(dossier.pk, key, _step_data(request, key), version=checked_version)
        except services.StaleStep as stale:
            # Nothing saved: the typed values come back with the warning and a way to keep them.
            form, formset = _step_forms(dossier, key, request.POST)
            context["stale"] = stale.current_version
            version, status = posted_version, 409
        except services.DossierClosed as closed:
            # A crafted or late POST: nothing changed; the page shows what is stored, read-only.
            messages.error(request, " ".join(closed.messages))
            form, formset = _step_forms(dossier, key)
            status = 409
        except services.UnknownField as unknown:
            form, formset = _step_forms(dossier, key, request.POST)
            context["unknown"] = unknown.messages
            status = 400
        else:
            if result.ok:
                messages.success(request, _("Étape enregistrée à %(time)s.") % {"time": _local_time(result.saved_at)})
                previous, following = _neighbours(key)
                target = {"previous": previous, "next": following}.get(request.POST.get("go")) or key
                return redirect(_step_url(dossier, target))
            # What validated is saved; the rest comes back as typed, with its message by the field.
            # Periods saved with the rest: shown from the database (with their ids), else as typed.
            dossier.refresh_from_db()
            form, formset = result.form, _step_forms(dossier, key)[1]
            if result.formset is not None and "periods" not in result.saved:
                formset = result.formset
            version, status = result.version, 400
    else:
        form, formset = _step_forms(dossier, key)
    overview = Overview(dossier, current=key)
    editable = key in overview.editable
    if not editable:
        _read_only(form)
        if formset is not None:
            for period_form in formset.forms:
                _read_only(period_form)
    previous, following = _neighbours(key)
    context.update(
        overview.context(),
        step=steps.BY_KEY[key],
        form=form,
        formset=formset,
        version=version,
        step_editable=editable,
        closed_reason=None if editable else services._closed_reason(dossier, timezone.now()),
        previous_url=_step_url(dossier, previous) if previous else None,
        next_url=_step_url(dossier, following),
        autosave_url=reverse("applications:autosave", args=[dossier.pk, key]),
    )
    return render(request, "applications/candidate/step.html", context, status=status)


@require(can_edit_dossier, _dossier)
@require_POST
def autosave(request, pk, key):
    """Save the changed fields of one step; answer in JSON (see ``static/applications/autosave.js``)."""
    if key not in steps.STEP_KEYS or key == "documents":
        return JsonResponse({"error": _("Cette étape n'existe pas."), "errors": {}}, status=404)
    version = _posted_version(request)
    if version is None:
        return JsonResponse({"error": _("La version de l'étape manque : rechargez la page."), "errors": {}}, status=400)
    try:
        result = services.save_step(pk, key, _step_data(request, key), version=version, partial=True)
    except services.StaleStep as stale:
        return JsonResponse(
            {
                "error": _(
                    "Cette étape a été modifiée depuis un autre onglet ou appareil : vos saisies de cette page "
                    "ne sont plus enregistrées. Rechargez la page pour reprendre la version enregistrée."
                ),
                "stale": True,
                "version": stale.current_version,
                "errors": {},
            },
            status=409,
        )
    except services.DossierClosed as closed:
        return JsonResponse({"error": " ".join(closed.messages), "closed": True, "errors": {}}, status=409)
    except services.UnknownField as unknown:
        return JsonResponse(
            {"error": _("Champ inconnu : rien n'a été enregistré."), "errors": unknown.message_dict}, status=400
        )
    # The panels of the page (progress, pre-check), from the dossier as just saved.
    panels = Overview(result.dossier, current=key, kinds_only=True).context()
    return JsonResponse(
        {
            "version": result.version,
            "saved": result.saved,
            "errors": result.errors,
            "saved_at": _local_time(result.saved_at),
            "periods": {f"{prefix}-id": pk for prefix, pk in result.periods.items()},
            "progress_html": render_to_string("applications/candidate/_progress.html", panels, request),
            "precheck_html": render_to_string("applications/candidate/_precheck.html", panels, request),
        }
    )


# --- The documents step -----------------------------------------------------------------------------


def _documents_page(request, dossier: Dossier, failed: dict | None = None, status: int = 200):
    overview = Overview(dossier, current="documents")
    files = overview.files
    documents = []
    for kind, label in DossierFile.Kind.choices:
        form = (failed or {}).get(kind) or DocumentUploadForm(kind=kind, label=label, replacing=kind in files)
        documents.append(
            {
                "kind": kind,
                "label": label,
                "file": files.get(kind),
                "form": form,
                "editable": f"doc:{kind}" in overview.editable,
                "can_delete": dossier.is_draft and f"doc:{kind}" in overview.editable,
            }
        )
    previous, following = _neighbours("documents")
    context = overview.context() | {
        "step": steps.BY_KEY["documents"],
        "documents": documents,
        "step_editable": "documents" in overview.editable,
        "closed_reason": None if "documents" in overview.editable else services._closed_reason(dossier, timezone.now()),
        "previous_url": _step_url(dossier, previous),
        "next_url": _step_url(dossier, following),
    }
    return render(request, "applications/candidate/step_documents.html", context, status=status)


@require(can_edit_dossier, _dossier)
@require_POST
def upload(request, pk, kind):
    dossier = get_object_or_404(Dossier.objects.select_related("call"), pk=pk)
    labels = dict(DossierFile.Kind.choices)
    if kind not in labels:
        raise Http404
    form = DocumentUploadForm(
        request.POST,
        request.FILES,
        kind=kind,
        label=labels[kind],
        replacing=dossier.files.filter(kind=kind, is_current=True).exists(),
    )
    if form.is_valid():
        try:
            stored = services.upload_file(dossier.pk, kind, form.cleaned_data["file"], request.user)
        except services.DossierClosed as closed:
            form.add_error("file", closed.messages)
        except ValidationError as error:
            form.add_error("file", error.messages)
        else:
            messages.success(
                request,
                _("« %(name)s » est déposé (%(label)s).") % {"name": stored.original_name, "label": labels[kind]},
            )
            return redirect(f"{_step_url(dossier, 'documents')}#piece-{kind}")
    return _documents_page(request, dossier, failed={kind: form}, status=400)


@require(can_edit_dossier, _dossier)
@require_POST
def delete_file(request, pk, file_pk):
    dossier = get_object_or_404(Dossier.objects.select_related("call"), pk=pk)
    try:
        services.delete_file(dossier.pk, file_pk)
    except DossierFile.DoesNotExist:
        raise Http404 from None
    except services.DossierClosed as closed:
        messages.error(request, " ".join(closed.messages))
    else:
        messages.success(request, _("La pièce est supprimée."))
    return redirect(_step_url(dossier, "documents"))


def _attachment(handle, filename: str) -> FileResponse:
    response = FileResponse(handle, as_attachment=True, filename=filename, content_type="application/pdf")
    response["Cache-Control"] = PRIVATE
    return response


@require(can_follow_dossier, _dossier)
@require_GET
def file_download(request, pk, file_pk):
    dossier = get_object_or_404(Dossier, pk=pk)
    stored = get_object_or_404(DossierFile, pk=file_pk, dossier=dossier)
    try:
        handle = stored.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return _attachment(handle, personal_data.safe_filename(dossier, stored))


@require(can_follow_dossier, _dossier)
@require_GET
def receipt_download(request, pk, version):
    dossier = get_object_or_404(Dossier, pk=pk)
    rendition = get_object_or_404(Rendition, dossier=dossier, kind=Rendition.Kind.RECEIPT, version=version)
    try:
        handle = rendition.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return _attachment(handle, f"accuse-de-reception_{dossier.number}_v{version}.pdf")


# --- Review and submission --------------------------------------------------------------------------


@require(can_follow_dossier, _dossier)
@require_GET
def review(request, pk):
    dossier = get_object_or_404(Dossier.objects.select_related("call", "theme", "lab_doctoral_school"), pk=pk)
    return _review_page(request, dossier)


def _review_page(request, dossier: Dossier, problems: dict | None = None, status: int = 200):
    overview = Overview(dossier, current=steps.REVIEW)
    sections = []
    for step_ in steps.STEPS:
        rows = []
        if step_.key in STEP_FORMS:
            form = STEP_FORMS[step_.key](instance=dossier)
            rows = [(form[name].label, personal_data.display(dossier, name)) for name in form.fields]
        sections.append(
            {
                "step": step_,
                "rows": rows,
                "missing": overview.missing[step_.key],
                "problems": (problems or {}).get(step_.key, []),
                "url": _step_url(dossier, step_.key),
            }
        )
    context = overview.context() | {
        "sections": sections,
        "periods": overview.periods,
        "document_rows": [(label, overview.files.get(kind)) for kind, label in DossierFile.Kind.choices],
        "can_submit": dossier.is_draft and dossier.call.is_open(),
        "problems": problems,
        # A blind call: the documents whose text names the candidate (a warning, never a refusal).
        "naming_documents": anonymity.naming_documents(dossier, overview.files.values()) if dossier.is_draft else [],
        "documents_url": _step_url(dossier, "documents"),
    }
    return render(request, "applications/candidate/review.html", context, status=status)


@require(can_edit_dossier, _dossier)
@require_POST
def submit(request, pk):
    try:
        dossier, created = services.submit(pk, request.user)
    except services.DossierClosed as closed:
        dossier = get_object_or_404(Dossier.objects.select_related("call"), pk=pk)
        messages.error(request, " ".join(closed.messages))
        return _review_page(request, dossier, status=409)
    except ValidationError as error:
        dossier = get_object_or_404(Dossier.objects.select_related("call"), pk=pk)
        messages.error(request, _("Le dossier n'est pas déposé : complétez ou corrigez les étapes signalées."))
        return _review_page(request, dossier, problems=error.message_dict, status=400)
    if created:
        messages.success(
            request,
            _(
                "Votre dossier est déposé sous le numéro %(number)s. Un accusé de réception vous est envoyé par "
                "courriel."
            )
            % {"number": dossier.number},
        )
        naming = anonymity.naming_documents(dossier)
        if naming:
            messages.warning(
                request,
                _(
                    "L'évaluation de cet appel est anonyme, mais ces documents contiennent votre nom ou votre "
                    "adresse e-mail : %(documents)s. Si vous souhaitez en transmettre une version anonymisée, "
                    "écrivez à l'équipe du programme."
                )
                % {"documents": anonymity.warning(naming)},
            )
    else:
        messages.info(
            request,
            _("Ce dossier a déjà été déposé le %(date)s : il n'a pas été déposé une seconde fois.")
            % {"date": timezone.localtime(dossier.submitted_at).strftime("%d/%m/%Y %H:%M")},
        )
    return redirect("applications:dossier", pk=dossier.pk)


# --- Following the dossier --------------------------------------------------------------------------

_ITEM_STEPS = {f"doc:{kind}": "documents" for kind in steps.REQUIRED_DOCUMENTS}


def _request_items(dossier: Dossier, request_) -> list[dict]:
    labels = dict(DossierFile.Kind.choices)
    rows = []
    for item in request_.items:
        key = _ITEM_STEPS.get(item, item)
        if key not in steps.BY_KEY:
            continue
        label = labels[item[4:]] if item.startswith("doc:") else steps.BY_KEY[key].label
        rows.append({"item": item, "label": label, "url": _step_url(dossier, key)})
    return rows


@require(can_follow_dossier, _dossier)
@require_GET
def dossier_page(request, pk):
    dossier = get_object_or_404(Dossier.objects.select_related("call", "theme"), pk=pk)
    if dossier.is_draft:
        overview = Overview(dossier)
        context = overview.context() | {"resume_url": _resume_url(dossier)}
        return render(request, "applications/candidate/dossier_draft.html", context)
    open_request = services.open_request(dossier)
    events = DossierEvent.objects.filter(dossier=dossier, public=True).order_by("at", "id")
    status_key, status_label = decisions.candidate_status(dossier)
    context = {
        "dossier": dossier,
        "call": dossier.call,
        "status_key": status_key,
        "status_label": status_label,
        "decision": decisions.published_decision(dossier),
        "events": events,
        "open_request": open_request,
        "request_items": _request_items(dossier, open_request) if open_request else [],
        "receipts": Rendition.objects.filter(dossier=dossier, kind=Rendition.Kind.RECEIPT).order_by("version"),
        "files": dossier.files.order_by("-is_current", "kind", "-uploaded_at"),
        "can_withdraw": dossier.status in services.WITHDRAWABLE,
        "show_reasons": dossier.status in (Status.ELIGIBLE, Status.INELIGIBLE) and dossier.screening_reasons,
    }
    return render(request, "applications/candidate/dossier.html", context)


@require(can_edit_dossier, _dossier)
@require_POST
def answer(request, pk):
    try:
        services.answer_request(pk, request.user)
    except services.DossierClosed as closed:
        messages.error(request, " ".join(closed.messages))
    except ValidationError as error:
        problems = [message for messages_ in error.message_dict.values() for message in messages_]
        messages.error(
            request,
            _("La réponse n'est pas transmise : %(problems)s") % {"problems": " ".join(problems)},
        )
    else:
        messages.success(request, _("Votre réponse est transmise à l'équipe du programme."))
    return redirect("applications:dossier", pk=pk)


@require(can_edit_dossier, _dossier)
def withdraw(request, pk):
    dossier = get_object_or_404(Dossier.objects.select_related("call"), pk=pk)
    form = WithdrawForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.withdraw(dossier.pk, request.user, reason=form.cleaned_data["reason"])
            except services.DossierClosed as closed:
                form.add_error(None, closed.messages)
            else:
                messages.success(request, _("Votre dossier est retiré : il ne sera pas examiné."))
                return redirect("applications:dossier", pk=dossier.pk)
        status = 400
    return render(request, "applications/candidate/withdraw.html", {"dossier": dossier, "form": form}, status=status)


# --- Personal data ----------------------------------------------------------------------------------


# The right of access is everyone's: a signed-in account gets the data of its own dossiers (none for
# an account that never applied), whatever its role today (a selected candidate is a doctoral student).
@require(authenticated)
@require_GET
def my_data_json(request):
    response = JsonResponse(personal_data.export(request.user), json_dumps_params={"ensure_ascii": False, "indent": 2})
    response["Content-Disposition"] = 'attachment; filename="mes-donnees-cifre.json"'
    response["Cache-Control"] = PRIVATE
    return response


@require(authenticated)
@require_GET
def my_data_zip(request):
    archive = personal_data.archive(request.user)
    response = FileResponse(
        archive, as_attachment=True, filename="mes-donnees-cifre.zip", content_type="application/zip"
    )
    response["Cache-Control"] = PRIVATE
    return response
