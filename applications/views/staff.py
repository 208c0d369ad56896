"""Staff screens: calls (themes, grid), the screening list and exports, the dossier page and its actions.

Thin views: every check through ``applications.permissions`` (``require``), every rule in
``applications.calls`` or ``applications.services``, whose refusals are shown next to the field.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.permissions import require

from .. import calls, exports, screening, services
from ..filters import DossierFilter, filter_status, filtered
from ..models import Call, Criterion, Dossier, DossierFile, Rendition, Theme
from ..permissions import can_manage_calls, can_screen_dossiers
from ..staff_forms import CallForm, CriterionFormSet, EligibilityForm, MissingItemsForm, OverrideForm, ThemeForm
from . import staff_decisions, staff_evaluation, staff_reports

PAGE_SIZE = 50
Status = Dossier.Status


def loaded(request, key, load):
    """The object the permission check loaded for this request (loaded once, not again by the view)."""
    cache = request.__dict__.setdefault("_applications_objects", {})
    if key not in cache:
        cache[key] = load()
    return cache[key]


def _call(request, pk, **kwargs):
    return loaded(request, ("call", pk), lambda: get_object_or_404(Call, pk=pk))


def _theme(request, pk, theme_pk, **kwargs):
    return loaded(
        request,
        ("theme", pk, theme_pk),
        lambda: get_object_or_404(Theme.objects.select_related("call"), pk=theme_pk, call_id=pk),
    )


def _dossier(request, pk, **kwargs):
    return loaded(request, ("dossier", pk), lambda: get_object_or_404(screening.detail_queryset(), pk=pk))


def add_errors(form, error: ValidationError) -> None:
    """Put a service's refusal next to the field it names (or above the form)."""
    if hasattr(error, "error_dict"):
        for name, errs in error.message_dict.items():
            for message in errs:
                form.add_error(name if name in form.fields else None, message)
    else:
        for message in error.messages:
            form.add_error(None, message)


def page_of(request, queryset, size: int = PAGE_SIZE):
    """The requested page, and a notice when the number asked for does not exist (never an error page)."""
    paginator = Paginator(queryset, size)
    raw = request.GET.get("page", "")
    number, notice = 1, ""
    if raw:
        if raw.isdigit() and len(raw) <= 9 and 1 <= int(raw) <= paginator.num_pages:
            number = int(raw)
        else:
            notice = _("La page « %(page)s » n'existe pas : la première page est affichée.") % {"page": raw[:30]}
    return paginator.page(number), notice


def sort_links(sort_query: str, sort: str) -> dict[str, dict[str, str]]:
    """For each sortable column: the link that sorts by it (again: reversed) and its ``aria-sort``."""
    links = {}
    for key in ("number", "name", "status", "theme", "submitted"):
        target = f"-{key}" if sort == key else key
        aria = "ascending" if sort == key else "descending" if sort == f"-{key}" else "none"
        links[key] = {"url": f"?{sort_query}&sort={target}" if sort_query else f"?sort={target}", "aria": aria}
    return links


def _query_without_page(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


# --- Calls ------------------------------------------------------------------------------------------


def _count(model, **filters):
    rows = model.objects.filter(call=OuterRef("pk"), **filters).order_by().values("call")
    return Coalesce(Subquery(rows.annotate(n=Count("pk")).values("n")[:1]), 0, output_field=IntegerField())


@require(can_manage_calls)
def call_list(request):
    calls_ = Call.objects.annotate(
        theme_count=_count(Theme),
        criterion_count=_count(Criterion),
        submitted_count=Coalesce(
            Subquery(
                Dossier.objects.filter(call=OuterRef("pk"))
                .exclude(status=Status.DRAFT)
                .order_by()
                .values("call")
                .annotate(n=Count("pk"))
                .values("n")[:1]
            ),
            0,
            output_field=IntegerField(),
        ),
        draft_count=_count(Dossier, status=Status.DRAFT),
    ).order_by("-year")
    page, notice = page_of(request, calls_)
    return render(
        request,
        "applications/staff/call_list.html",
        {"page": page, "notice": notice, "query": _query_without_page(request)},
    )


def _save_call(request, form, call):
    if request.method == "POST" and form.is_valid():
        try:
            saved = calls.save_call(form.save(commit=False), request.user)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("L'appel %(year)s est enregistré.") % {"year": saved.year})
            return redirect("applications:staff_call", pk=saved.pk)
    return render(
        request,
        "applications/staff/call_form.html",
        {"form": form, "call": call},
        status=400 if form.errors else 200,
    )


@require(can_manage_calls)
def call_create(request):
    return _save_call(request, CallForm(request.POST or None), None)


@require(can_manage_calls, _call)
def call_edit(request, pk):
    call = _call(request, pk)
    return _save_call(request, CallForm(request.POST or None, instance=call), call)


@require(can_manage_calls, _call)
def call_detail(request, pk):
    call = _call(request, pk)
    themes = list(
        call.themes.select_related("host_department")
        .prefetch_related("readers")
        .annotate(dossier_count=Count("dossiers", distinct=True))
    )
    criteria = list(call.criteria.all())
    return render(
        request,
        "applications/staff/call_detail.html",
        {
            "call": call,
            "themes": themes,
            "criteria": criteria,
            "problems": calls.publication_problems(len(themes), [c.weight for c in criteria]),
            "locked_reason": calls.locked_reason(call),
            "submitted_count": call.dossiers.exclude(status=Status.DRAFT).count(),
            "draft_count": screening.draft_count(call),
            **staff_evaluation.call_context(call),
            **staff_decisions.call_context(call),
            **staff_reports.call_context(call),
        },
    )


# --- Themes -----------------------------------------------------------------------------------------


def _save_theme(request, form, call, theme):
    if request.method == "POST" and form.is_valid():
        instance = form.save(commit=False)
        instance.call = call
        try:
            calls.save_theme(instance, form.cleaned_data.get("readers"))
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Le thème « %(title)s » est enregistré.") % {"title": instance.title_fr})
            return redirect("applications:staff_call", pk=call.pk)
    return render(
        request,
        "applications/staff/theme_form.html",
        {"form": form, "call": call, "theme": theme},
        status=400 if form.errors else 200,
    )


@require(can_manage_calls, _call)
def theme_create(request, pk):
    call = _call(request, pk)
    form = ThemeForm(request.POST or None, instance=Theme(call=call))
    return _save_theme(request, form, call, None)


@require(can_manage_calls, _theme)
def theme_edit(request, pk, theme_pk):
    theme = _theme(request, pk, theme_pk)
    form = ThemeForm(request.POST or None, instance=theme)
    return _save_theme(request, form, theme.call, theme)


@require(can_manage_calls, _theme)
def theme_delete(request, pk, theme_pk):
    theme = _theme(request, pk, theme_pk)
    refusal = calls.theme_delete_refusal(theme)
    if request.method == "POST":
        try:
            calls.delete_theme(theme)
        except ValidationError as error:
            refusal = " ".join(error.messages)
        else:
            messages.success(request, _("Le thème « %(title)s » est supprimé.") % {"title": theme.title_fr})
            return redirect("applications:staff_call", pk=pk)
    return render(
        request,
        "applications/staff/theme_delete.html",
        {"theme": theme, "call": theme.call, "refusal": refusal},
        status=400 if refusal and request.method == "POST" else 200,
    )


# --- The evaluation grid ----------------------------------------------------------------------------


@require(can_manage_calls, _call)
def grid_edit(request, pk):
    call = _call(request, pk)
    formset = CriterionFormSet(request.POST or None, instance=call, prefix="criteria")
    general: list[str] = []
    refused_rows = False
    if request.method == "POST" and formset.is_valid():
        rows = formset.rows()
        try:
            calls.save_grid(call, rows)
        except calls.GridRefused as refused:
            general, refused_rows = refused.general, bool(refused.per_row)
            forms_by_row = [form for form in formset.forms if form.instance.pk or form.has_changed()]
            for index, errors in refused.per_row.items():
                form = forms_by_row[index]
                for name, message in errors.items():
                    form.add_error(None if name == "__all__" else name, message)
        else:
            messages.success(request, _("La grille d'évaluation est enregistrée."))
            return redirect("applications:staff_call", pk=pk)
    invalid = request.method == "POST" and (general or refused_rows or not formset.is_valid())
    return render(
        request,
        "applications/staff/grid_form.html",
        {"formset": formset, "call": call, "general": general, "locked_reason": calls.locked_reason(call)},
        status=400 if invalid else 200,
    )


# --- Screening list and exports ---------------------------------------------------------------------


def _filtered(request, call):
    filterset = DossierFilter(request.GET or None, queryset=screening.screening_list(call), call=call)
    sort = screening.sort_key(request.GET.get("sort"))
    return filterset, filtered(filterset).order_by(*screening.SORTS[sort]), sort


def _dossier_list_page(request, call, filterset, qs, sort):
    page, notice = page_of(request, qs)
    page.object_list = screening.decorate(page.object_list)
    sort_query = request.GET.copy()
    for name in ("page", "sort"):
        sort_query.pop(name, None)
    return render(
        request,
        "applications/staff/dossier_list.html",
        {
            "call": call,
            "filter": filterset,
            "page": page,
            "notice": notice,
            "query": _query_without_page(request),
            "sorts": sort_links(sort_query.urlencode(), sort),
            "draft_count": screening.draft_count(call),
        },
        status=filter_status(filterset),
    )


@require(can_screen_dossiers, _call)
def dossier_list(request, pk):
    call = _call(request, pk)
    return _dossier_list_page(request, call, *_filtered(request, call))


@require(can_screen_dossiers, _call)
def dossier_export(request, pk, fmt):
    if fmt not in ("csv", "xlsx"):
        raise Http404
    call = _call(request, pk)
    filterset, qs, sort = _filtered(request, call)
    if filter_status(filterset) != 200:  # no file for a refused filter: the list says why
        return _dossier_list_page(request, call, filterset, qs, sort)
    if fmt == "csv":
        return exports.dossiers_csv(call, qs)
    return exports.dossiers_xlsx(call, qs)


# --- The dossier page and its actions ---------------------------------------------------------------


def _forms(dossier, context, **bound):
    """The action forms of the page, unbound unless given (a refused one comes back with its errors)."""
    failing = context["failing"]
    reasons = "\n".join(f"- {c['label']} : {c['message']}" for c in failing)
    return {
        "request_form": bound.get("request_form") or MissingItemsForm(prefix="request"),
        "eligibility_form": bound.get("eligibility_form")
        or EligibilityForm(prefix="eligibility", initial={"reasons": reasons}),
        "override_form": bound.get("override_form")
        or OverrideForm(prefix="override", choices=[(c["code"], c["label"]) for c in failing]),
        "complete_errors": bound.get("complete_errors", []),
    }


def actions(dossier) -> dict:
    status = dossier.status
    return {
        "can_complete": status == Status.SUBMITTED,
        "can_request": status in (Status.SUBMITTED, Status.COMPLETE),
        "can_declare": status in (Status.SUBMITTED, Status.COMPLETE, Status.ELIGIBLE, Status.INELIGIBLE),
        "can_override": status in services.SCREENABLE,
    }


def _render_detail(request, dossier, status=200, **bound):
    context = screening.dossier_context(dossier, internal=True)
    context.update(_forms(dossier, context, **bound))
    context.update(actions(dossier))
    context["file_url_name"] = "applications:staff_dossier_file"
    context["pdf_url_name"] = "applications:staff_dossier_pdf"
    context["back_url"] = reverse("applications:staff_dossiers", args=[dossier.call_id])
    context.update(staff_evaluation.dossier_context(dossier, request.user))
    context.update(staff_decisions.dossier_context(dossier, request.user))
    return render(request, "applications/staff/dossier_detail.html", context, status=status)


@require(can_screen_dossiers, _dossier)
def dossier_detail(request, pk):
    return _render_detail(request, _dossier(request, pk))


def _done(request, dossier, message):
    messages.success(request, message)
    return redirect("applications:staff_dossier", pk=dossier.pk)


@require_POST
@require(can_screen_dossiers, _dossier)
def dossier_complete(request, pk):
    dossier = _dossier(request, pk)
    try:
        services.mark_complete(dossier.pk, request.user)
    except ValidationError as error:
        return _render_detail(request, dossier, status=400, complete_errors=error.messages)
    return _done(request, dossier, _("Le dossier %(n)s est déclaré complet.") % {"n": dossier.number})


@require_POST
@require(can_screen_dossiers, _dossier)
def dossier_request(request, pk):
    dossier = _dossier(request, pk)
    form = MissingItemsForm(request.POST, prefix="request")
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.request_missing_items(dossier.pk, request.user, data["items"], data["message"], data["deadline"])
        except ValidationError as error:
            add_errors(form, error)
        else:
            return _done(
                request,
                dossier,
                _("La demande de pièces est envoyée au ou à la candidat·e du dossier %(n)s.") % {"n": dossier.number},
            )
    return _render_detail(request, dossier, status=400, request_form=form)


@require_POST
@require(can_screen_dossiers, _dossier)
def dossier_eligibility(request, pk):
    dossier = _dossier(request, pk)
    form = EligibilityForm(request.POST, prefix="eligibility")
    if form.is_valid():
        eligible = form.cleaned_data["eligible"]
        try:
            services.declare_eligibility(dossier.pk, request.user, eligible, form.cleaned_data["reasons"])
        except ValidationError as error:
            add_errors(form, error)
        else:
            text = (
                _("Le dossier %(n)s est déclaré éligible.")
                if eligible
                else _("Le dossier %(n)s est déclaré non éligible.")
            )
            return _done(request, dossier, text % {"n": dossier.number})
    return _render_detail(request, dossier, status=400, eligibility_form=form)


@require_POST
@require(can_screen_dossiers, _dossier)
def dossier_override(request, pk):
    dossier = _dossier(request, pk)
    failing = screening.dossier_context(dossier, internal=True)["failing"]
    form = OverrideForm(request.POST, prefix="override", choices=[(c["code"], c["label"]) for c in failing])
    if form.is_valid():
        try:
            services.override_check(dossier.pk, request.user, form.cleaned_data["code"], form.cleaned_data["reason"])
        except ValidationError as error:
            add_errors(form, error)
        else:
            return _done(
                request,
                dossier,
                _("Le contrôle « %(check)s » est levé.") % {"check": screening.check_label(form.cleaned_data["code"])},
            )
    return _render_detail(request, dossier, status=400, override_form=form)


# --- Files ------------------------------------------------------------------------------------------


def serve_file(dossier, file_pk):
    stored = get_object_or_404(DossierFile, pk=file_pk, dossier=dossier)
    try:
        handle = stored.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    suffix = "" if stored.is_current else f"_{stored.uploaded_at:%Y%m%d-%H%M}"
    filename = f"{dossier.number}_{stored.kind}{suffix}.pdf"
    return FileResponse(handle, as_attachment=True, filename=filename, content_type="application/pdf")


def serve_rendition(dossier):
    rendition = Rendition.objects.filter(dossier=dossier, kind=Rendition.Kind.DOSSIER, version=dossier.version).first()
    if rendition is None or not rendition.file:
        raise Http404
    try:
        handle = rendition.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    filename = f"{dossier.number}_dossier_v{dossier.version}.pdf"
    return FileResponse(handle, as_attachment=True, filename=filename, content_type="application/pdf")


@require(can_screen_dossiers, _dossier)
def dossier_file(request, pk, file_pk):
    return serve_file(_dossier(request, pk), file_pk)


@require(can_screen_dossiers, _dossier)
def dossier_pdf(request, pk):
    return serve_rendition(_dossier(request, pk))
