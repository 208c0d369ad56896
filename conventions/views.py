"""Views of the conventions app: thin, every check through ``permissions``, every change through ``services``."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import IntegrityError, transaction
from django.db.models import Prefetch, ProtectedError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.permissions import require
from subsidies.domain.invoicing import instalment_payment_states
from subsidies.models import Instalment, RateYear

from . import charts, exports, history, queries, reference, rules, services
from .filters import KIND_LABELS, ConventionFilter, InstalmentFilter, ObligationFilter, filtered
from .forms import (
    AmendmentForm,
    ConfirmDocumentForm,
    ConventionForm,
    DocumentForm,
    RateYearForm,
    SuspensionForm,
    TerminationForm,
)
from .models import Amendment, Convention, Document, Obligation, Suspension
from .permissions import (
    can_confirm_documents,
    can_manage_conventions,
    can_manage_reference_data,
    can_upload_document,
    can_view_convention,
    can_view_document,
    is_doctoral_student,
)

PAGE_SIZE = 50


def _convention(request, pk, **kwargs):
    return get_object_or_404(Convention, pk=pk)


def _obligation(request, pk, **kwargs):
    return get_object_or_404(Obligation.objects.select_related("convention"), pk=pk)


def _document(request, pk, **kwargs):
    return get_object_or_404(Document.objects.select_related("obligation__convention"), pk=pk)


def _refused(form, error: ValidationError) -> None:
    for message in error.messages:
        form.add_error(None, message)


# --- Staff: dashboard and lists ---------------------------------------------------------------------


@require(can_manage_conventions)
def dashboard(request):
    board = queries.dashboard()
    context = {"board": board, "kind_labels": KIND_LABELS}
    context["quarter_chart"] = charts.expected_by_quarter(board.as_of)
    context["risk_chart"] = charts.at_risk_by_month(board)
    return render(request, "conventions/dashboard.html", context)


def _filter_status(filterset) -> int:
    """400 when a filter value is refused: the list comes back with the error next to the filter."""
    return 400 if filterset.is_bound and not filterset.is_valid() else 200


def _convention_list_page(request, filterset):
    page = Paginator(filtered(filterset), PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = queries.attach_missing_counts(page.object_list)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "conventions/convention_list.html",
        {"filter": filterset, "page": page, "query": query.urlencode()},
        status=_filter_status(filterset),
    )


@require(can_manage_conventions)
def convention_list(request):
    return _convention_list_page(request, ConventionFilter(request.GET or None, queryset=queries.convention_list()))


@require(can_manage_conventions)
def convention_export(request, fmt):
    if fmt not in ("csv", "xlsx"):
        raise Http404
    filterset = ConventionFilter(request.GET or None, queryset=queries.convention_list())
    if _filter_status(filterset) != 200:  # no file for a refused filter: the list says why
        return _convention_list_page(request, filterset)
    if fmt == "csv":
        return exports.conventions_csv(filtered(filterset))
    return exports.conventions_xlsx(filtered(filterset))


@require(can_manage_conventions)
def obligation_list(request):
    filterset = ObligationFilter(request.GET or None, queryset=queries.obligation_list())
    page = Paginator(filtered(filterset), PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "conventions/obligation_list.html",
        {"filter": filterset, "page": page, "query": query.urlencode(), "kind_labels": KIND_LABELS},
        status=_filter_status(filterset),
    )


@require(can_manage_conventions)
def instalment_list(request):
    filterset = InstalmentFilter(request.GET or None, queryset=queries.instalment_list())
    page = Paginator(filtered(filterset), PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "conventions/instalment_list.html",
        {"filter": filterset, "page": page, "query": query.urlencode()},
        status=_filter_status(filterset),
    )


# --- Staff: create and change a convention --------------------------------------------------------


def _save_convention_form(request, form, template, context):
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                convention = services.save_convention(form.apply())
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for name, errs in error.message_dict.items():
                    for message in errs:
                        form.add_error(name if name in form.fields else None, message)
            else:
                _refused(form, error)
        except rules.RuleError as error:
            from .forms import rule_message

            form.add_error(None, rule_message(error))
        else:
            messages.success(request, _("La convention %(number)s est enregistrée.") % {"number": convention.reference})
            return redirect("conventions:detail", pk=convention.pk)
    return render(request, template, {"form": form, **context}, status=400 if form.errors else 200)


@require(can_manage_conventions)
def convention_create(request):
    form = ConventionForm(request.POST or None)
    return _save_convention_form(request, form, "conventions/convention_form.html", {"convention": None})


@require(can_manage_conventions, _convention)
def convention_edit(request, pk):
    convention = get_object_or_404(Convention, pk=pk)
    form = ConventionForm(request.POST or None, instance=convention)
    return _save_convention_form(request, form, "conventions/convention_form.html", {"convention": convention})


@require(can_manage_conventions, _convention)
def suspension_add(request, pk):
    convention = get_object_or_404(Convention, pk=pk)
    form = SuspensionForm(request.POST or None, convention=convention)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_suspension(
                convention, form.cleaned_data["start"], form.cleaned_data["end"], form.cleaned_data["reason"]
            )
        except ValidationError as error:
            _refused(form, error)
        else:
            messages.success(request, _("La suspension est enregistrée ; l'échéancier est recalculé."))
            return redirect("conventions:detail", pk=pk)
    return render(
        request,
        "conventions/simple_form.html",
        {"form": form, "convention": convention, "title": _("Ajouter une suspension")},
        status=400 if form.errors else 200,
    )


@require_POST
@require(can_manage_conventions)
def suspension_delete(request, pk, suspension_pk):
    suspension = get_object_or_404(Suspension, pk=suspension_pk, convention_id=pk)
    try:
        services.delete_suspension(suspension)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("La suspension est supprimée ; l'échéancier est recalculé."))
    return redirect("conventions:detail", pk=pk)


@require(can_manage_conventions, _convention)
def terminate(request, pk):
    convention = get_object_or_404(Convention, pk=pk)
    form = TerminationForm(request.POST or None, convention=convention)
    if request.method == "POST" and form.is_valid():
        try:
            services.terminate(
                convention, form.cleaned_data["termination_date"], form.cleaned_data["termination_reason"]
            )
        except ValidationError as error:
            _refused(form, error)
        else:
            messages.success(request, _("La rupture est enregistrée ; l'échéancier est recalculé."))
            return redirect("conventions:detail", pk=pk)
    return render(
        request,
        "conventions/simple_form.html",
        {"form": form, "convention": convention, "title": _("Enregistrer une rupture")},
        status=400 if form.errors else 200,
    )


@require(can_manage_conventions, _convention)
def amendment_add(request, pk):
    convention = get_object_or_404(Convention, pk=pk)
    form = AmendmentForm(request.POST or None, request.FILES or None, convention=convention)
    if request.method == "POST" and form.is_valid():
        amendment = form.save(commit=False)
        upload = form.cleaned_data.get("file")
        if upload:
            amendment.original_name = upload.name[-255:]
        try:
            services.add_amendment(convention, amendment, form.changes(), request.user)
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                fields = {"contract_end_date": "new_contract_end_date", "signed_duration_months": "new_duration_months"}
                for name, errs in error.message_dict.items():
                    for message in errs:
                        form.add_error(fields.get(name), message)
            else:
                _refused(form, error)
        else:
            messages.success(request, _("L'avenant est enregistré."))
            return redirect("conventions:detail", pk=pk)
    return render(
        request,
        "conventions/simple_form.html",
        {"form": form, "convention": convention, "title": _("Enregistrer un avenant"), "multipart": True},
        status=400 if form.errors else 200,
    )


# --- The convention page and timeline (staff, and the doctoral student for their own) ----------------


def timeline_context(convention: Convention) -> dict:
    obligations = list(
        convention.obligations.filter(is_current=True).prefetch_related(
            Prefetch("documents", queryset=Document.objects.select_related("uploaded_by", "confirmed_by"))
        )
    )
    instalments = list(Instalment.objects.filter(convention=convention).order_by("number"))
    payments = instalment_payment_states(i.pk for i in instalments)
    for instalment in instalments:
        instalment.payment = payments.get(instalment.pk)
    events = [("obligation", o.due_date, o) for o in obligations] + [("instalment", i.due_date, i) for i in instalments]
    today = services.today()
    events.append(("today", today, None))
    events.sort(key=lambda e: (e[1], {"obligation": 0, "instalment": 1, "today": 2}[e[0]]))
    totals = {
        status: sum((i.amount for i in instalments if i.status == status), queries.ZERO)
        for status in rules.INSTALMENT_STATUSES
    }
    totals["subsidy"] = sum((i.amount for i in instalments), queries.ZERO)
    return {
        "convention": convention,
        "timeline": events,
        "obligations": obligations,
        "instalments": instalments,
        "next_action": services.next_action(obligations),
        "totals": totals,
        "kind_labels": KIND_LABELS,
        "today": today,
    }


@require(can_view_convention, _convention)
def convention_detail(request, pk):
    convention = get_object_or_404(
        Convention.objects.select_related(
            "doctoral_student",
            "employer",
            "host_department",
            "lab",
            "second_lab",
            "tutor",
            "thesis_director",
            "dossier",
        ),
        pk=pk,
    )
    context = timeline_context(convention)
    context["is_staff_view"] = bool(can_manage_conventions(request.user))
    if context["is_staff_view"]:
        context["suspensions"] = list(convention.suspensions.all())
        context["amendments"] = list(convention.amendments.all())
        # The dossier it was handed over from (applications' evaluation), for staff to go back to.
        context["source_dossier"] = getattr(convention, "dossier", None)
    context["timeline_chart"] = charts.convention_timeline(
        convention, context["obligations"], context["instalments"], context.get("suspensions", ()), context["today"]
    )
    return render(request, "conventions/convention_detail.html", context)


@require(is_doctoral_student)
def my_conventions(request):
    conventions = list(
        Convention.objects.filter(doctoral_student=request.user).select_related("host_department", "lab")
    )
    if len(conventions) == 1:
        return redirect("conventions:detail", pk=conventions[0].pk)
    return render(request, "conventions/my_conventions.html", {"conventions": conventions})


@require(can_manage_conventions, _convention)
def convention_history(request, pk):
    convention = get_object_or_404(Convention, pk=pk)
    return render(
        request, "conventions/history.html", {"convention": convention, "entries": history.entries_for(convention)}
    )


# --- Documents ---------------------------------------------------------------------------------------


@require(can_upload_document, _obligation)
def document_upload(request, pk):
    obligation = get_object_or_404(Obligation.objects.select_related("convention"), pk=pk)
    staff = bool(can_manage_conventions(request.user))
    form = DocumentForm(request.POST or None, request.FILES or None, staff=staff)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_document(
                obligation,
                form.cleaned_data.get("file"),
                request.user,
                received_on=form.cleaned_data.get("received_on"),
                confirm=staff,
            )
        except ValidationError as error:
            _refused(form, error)
        else:
            if staff:
                messages.success(request, _("La réception est enregistrée ; l'échéancier est recalculé."))
            else:
                messages.success(request, _("Votre document est déposé ; l'équipe du programme va le confirmer."))
            return redirect("conventions:detail", pk=obligation.convention_id)
    return render(
        request,
        "conventions/document_form.html",
        {
            "form": form,
            "obligation": obligation,
            "convention": obligation.convention,
            "kind_labels": KIND_LABELS,
            "staff": staff,
        },
        status=400 if form.errors else 200,
    )


@require(can_confirm_documents)
def pending_documents(request):
    page = Paginator(queries.pending_documents(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "conventions/pending_documents.html", {"page": page, "query": ""})


def _safe_next(request) -> str | None:
    target = request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return None


@require(can_confirm_documents, _document)
def document_confirm(request, pk):
    document = get_object_or_404(Document.objects.select_related("obligation__convention"), pk=pk)
    form = ConfirmDocumentForm(request.POST or None, initial={"received_on": services.today()})
    if request.method == "POST" and form.is_valid():
        try:
            services.confirm_document(document, form.cleaned_data["received_on"], request.user)
        except ValidationError as error:
            _refused(form, error)
        else:
            messages.success(request, _("Le document est confirmé ; l'échéancier est recalculé."))
            return redirect(
                _safe_next(request) or reverse("conventions:detail", args=[document.obligation.convention_id])
            )
    return render(
        request,
        "conventions/simple_form.html",
        {
            "form": form,
            "convention": document.obligation.convention,
            "title": _("Confirmer la réception de « %(name)s »") % {"name": document.original_name},
        },
        status=400 if form.errors else 200,
    )


@require(can_view_document, _document)
def document_download(request, pk):
    document = get_object_or_404(Document.objects.select_related("obligation__convention"), pk=pk)
    if not document.file:
        raise Http404
    try:
        handle = document.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    number = document.obligation.convention.file_prefix
    filename = f"{number}_{document.obligation.key.replace(':', '-')}.pdf"
    return FileResponse(handle, as_attachment=True, filename=filename, content_type="application/pdf")


@require(can_manage_conventions)
def amendment_download(request, pk, amendment_pk):
    amendment = get_object_or_404(Amendment.objects.select_related("convention"), pk=amendment_pk, convention_id=pk)
    if not amendment.file:
        raise Http404
    try:
        handle = amendment.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    filename = f"{amendment.convention.file_prefix}_avenant_{amendment.date.isoformat()}.pdf"
    return FileResponse(handle, as_attachment=True, filename=filename, content_type="application/pdf")


# --- The rates table ---------------------------------------------------------------------------------


@require(can_manage_conventions)
def rate_list(request):
    return render(request, "conventions/rate_list.html", {"rates": list(RateYear.objects.order_by("-year"))})


@require(can_manage_conventions)
def rate_edit(request, pk=None):
    rate = get_object_or_404(RateYear, pk=pk) if pk else None
    form = RateYearForm(request.POST or None, instance=rate)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(
            request,
            _("Le barème %(year)s est enregistré. Les conventions déjà signées gardent leur barème figé.")
            % {"year": form.instance.year},
        )
        return redirect("conventions:rates")
    return render(
        request,
        "conventions/simple_form.html",
        {"form": form, "convention": None, "title": _("Barème annuel"), "back_url": reverse("conventions:rates")},
        status=400 if form.errors else 200,
    )


# --- Reference data: employers, host departments, labs, doctoral schools, tutors, thesis directors ------


def _kind(kind: str) -> reference.Kind:
    try:
        return reference.KINDS[kind]
    except KeyError:
        raise Http404 from None


@require(can_manage_reference_data)
def reference_index(request):
    kinds = [(kind, kind.model.objects.count()) for kind in reference.KINDS.values()]
    return render(request, "conventions/reference_index.html", {"kinds": kinds})


@require(can_manage_reference_data)
def reference_list(request, kind):
    spec = _kind(kind)
    search = request.GET.get("q", "")
    page = Paginator(spec.queryset(search), PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = [(obj, spec.cells(obj)) for obj in page.object_list]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "conventions/reference_list.html",
        {"spec": spec, "kinds": reference.KINDS.values(), "page": page, "q": search, "query": query.urlencode()},
    )


@require(can_manage_reference_data)
def reference_edit(request, kind, pk=None):
    spec = _kind(kind)
    instance = get_object_or_404(spec.model, pk=pk) if pk else None
    form = spec.form(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                obj = form.save()
        except IntegrityError:  # a concurrent save took the same SIRET, code or e-mail
            form.add_error(None, _("Cet enregistrement existe déjà : vérifiez les doublons."))
        else:
            messages.success(request, _("Enregistrement effectué : « %(name)s ».") % {"name": obj})
            return redirect("conventions:reference_list", kind=kind)
    title = spec.add_label if instance is None else _("Modifier « %(name)s »") % {"name": instance}
    return render(
        request,
        "conventions/simple_form.html",
        {
            "form": form,
            "convention": None,
            "title": title,
            "back_url": reverse("conventions:reference_list", args=[kind]),
        },
        status=400 if form.errors else 200,
    )


@require(can_manage_reference_data)
def reference_delete(request, kind, pk):
    spec = _kind(kind)
    obj = get_object_or_404(spec.model, pk=pk)
    error = None
    if request.method == "POST":
        try:
            with transaction.atomic():
                obj.delete()
        except ProtectedError as refusal:
            error = reference.deletion_refused(obj, refusal.protected_objects)
        else:
            messages.success(request, _("Suppression effectuée : « %(name)s ».") % {"name": obj})
            return redirect("conventions:reference_list", kind=kind)
    return render(
        request,
        "conventions/reference_confirm_delete.html",
        {"spec": spec, "object": obj, "error": error},
        status=409 if error else 200,
    )
