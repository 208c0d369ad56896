"""Staff screens of the committee: decisions, outbox, waiting list, hand-over (issue 11).

Thin views over ``applications.evaluation.decisions`` and ``handover``: every rule is there, whose
refusals come back next to the field (a form re-rendered, 400) or, for a button without a field, as a
message on the page re-rendered with 400. Staff and admins only (``can_manage_evaluation``); a guessed
id is a 404 for them, the same refusal as for an existing one for everybody else.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.permissions import require

from .. import screening
from ..evaluation import decisions, handover, ranking
from ..evaluation.decision_forms import CommitteeForm, DecisionForm, LetterForm, WithdrawalForm
from ..evaluation.models import Decision, Letter
from ..evaluation.permissions import can_manage_evaluation
from ..models import Call, Dossier, DossierEvent
from . import staff as staff_views

T = "applications/staff/staff_decisions/"
PAGE_SIZE = 50
Outcome = Decision.Outcome
Status = Dossier.Status
LETTER_TEMPLATES = [*decisions.TEMPLATES.values(), decisions.PROMOTED_TEMPLATE]


# --- Loaders (the permission check loads the object once) ------------------------------------------------


def _call(request, pk, **kwargs):
    return staff_views.loaded(request, ("call", pk), lambda: get_object_or_404(Call, pk=pk))


def _dossier(request, pk, **kwargs):
    return staff_views.loaded(request, ("dossier", pk), lambda: get_object_or_404(screening.detail_queryset(), pk=pk))


def _letter(request, pk, **kwargs):
    return staff_views.loaded(
        request,
        ("letter", pk),
        lambda: get_object_or_404(
            Letter.objects.select_related(
                "decision__dossier__call", "decision__dossier__candidate", "decision__committee", "email_log"
            ),
            pk=pk,
        ),
    )


def _refused(request, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


# --- The committee and its decisions table ------------------------------------------------------------


@dataclass
class Row:
    dossier: Dossier
    line: ranking.DossierLine | None
    decision: Decision | None
    form: DecisionForm | None = None


def _decision_of(dossier: Dossier) -> Decision | None:
    try:
        return dossier.decision
    except Decision.DoesNotExist:
        return None


def committee_rows(call: Call, order: str) -> list[Row]:
    """The dossiers the committee decides on (evaluated or eligible, or already decided), in ranking order
    (those without evaluation last, by number): the ranking's queries plus one."""
    lines = {line.dossier_id: line for line in ranking.ranking(call, order=order).dossiers}
    dossiers = (
        Dossier.objects.filter(call=call)
        .filter(Q(status__in=decisions.DECIDABLE) | Q(decision__isnull=False))
        .select_related("decision__committee", "theme")
        .order_by("number", "pk")
    )
    rows = [Row(dossier=d, line=lines.get(d.pk), decision=_decision_of(d)) for d in dossiers]

    def key(row: Row):
        rank = row.line.rank if row.line is not None else None
        return (rank is None, rank or 0, row.dossier.number or "")

    return sorted(rows, key=key)


def _order(request) -> str:
    return ranking.MEDIAN if request.GET.get("ordre") == ranking.MEDIAN else ranking.MEAN


def _page(request, rows: list[Row], focus: int | None = None):
    """The requested page of rows (the page holding dossier ``focus`` when a row's form is re-rendered)."""
    if focus is not None:
        index = next((i for i, row in enumerate(rows) if row.dossier.pk == focus), 0)
        return Paginator(rows, PAGE_SIZE).page(index // PAGE_SIZE + 1), ""
    return staff_views.page_of(request, rows, PAGE_SIZE)


def _row_form(row: Row, committees: list, data=None) -> DecisionForm:
    decision = row.decision
    initial = {"committee": committees[-1].pk if committees else None}
    if decision is not None:
        initial = {
            "outcome": decision.outcome,
            "waiting_rank": decision.waiting_rank,
            "note": decision.note,
            "committee": decision.committee_id,
        }
    return DecisionForm(data, prefix=f"d{row.dossier.pk}", committees=committees, initial=initial)


def _counts(call: Call) -> dict:
    by_status = dict(
        Decision.objects.filter(dossier__call=call).values_list("status").annotate(n=Count("pk")).order_by()
    )
    letters = dict(
        Letter.objects.filter(decision__dossier__call=call).values_list("status").annotate(n=Count("pk")).order_by()
    )
    return {
        "pending": by_status.get(Decision.Status.PENDING, 0),
        "applied": by_status.get(Decision.Status.APPLIED, 0),
        "ready": letters.get(Letter.Status.READY, 0),
        "held": letters.get(Letter.Status.HELD, 0),
        "sent": letters.get(Letter.Status.SENT, 0),
    }


def _render_committee(request, call, status=200, committee_form=None, bound: DecisionForm | None = None, focus=None):
    committees = list(call.committees.order_by("date", "pk"))
    order = _order(request)
    rows = committee_rows(call, order)
    page, notice = _page(request, rows, focus)
    for row in page.object_list:
        row.form = bound if bound is not None and row.dossier.pk == focus else _row_form(row, committees)
    if bound is not None and not any(row.form is bound for row in page.object_list):
        for errors in bound.errors.values():  # a dossier the table does not list (not decidable): said above it
            for message in errors:
                messages.error(request, message)
    selected = sum(1 for row in rows if row.decision is not None and row.decision.outcome == Outcome.SELECTED)
    return render(
        request,
        T + "committee.html",
        {
            "call": call,
            "committees": committees,
            "committee_form": committee_form or CommitteeForm(prefix="committee"),
            "page": page,
            "notice": notice,
            "order": order,
            "counts": _counts(call),
            "selected_count": selected,
            "vacancies": decisions.vacancies(call),
        },
        status=status,
    )


@require(can_manage_evaluation, _call)
def committee(request, pk):
    return _render_committee(request, _call(request, pk))


@require_POST
@require(can_manage_evaluation, _call)
def committee_create(request, pk):
    call = _call(request, pk)
    form = CommitteeForm(request.POST, prefix="committee")
    if form.is_valid():
        data = form.cleaned_data
        try:
            created = decisions.create_committee(call, data["date"], data["members_present"], request.user)
        except ValidationError as error:
            staff_views.add_errors(form, error)
        else:
            messages.success(
                request, _("Le comité du %(date)s est enregistré.") % {"date": created.date.strftime("%d/%m/%Y")}
            )
            return redirect("applications:staff_committee", pk=call.pk)
    return _render_committee(request, call, status=400, committee_form=form)


def _back_to_row(dossier: Dossier):
    url = reverse("applications:staff_committee", args=[dossier.call_id])
    return redirect(f"{url}#d{dossier.pk}")


@require_POST
@require(can_manage_evaluation, _dossier)
def decision_set(request, pk):
    dossier = _dossier(request, pk)
    call = dossier.call
    committees = list(call.committees.order_by("date", "pk"))
    form = DecisionForm(request.POST, prefix=f"d{dossier.pk}", committees=committees)
    if not committees:
        form.add_error(None, _("Enregistrez d'abord le comité (sa date, ses membres présents)."))
    elif form.is_valid():
        data = form.cleaned_data
        chosen = next(c for c in committees if c.pk == data["committee"])
        try:
            decisions.set_decision(
                dossier,
                chosen,
                data["outcome"],
                request.user,
                waiting_rank=data["waiting_rank"],
                note=data["note"],
            )
        except ValidationError as error:
            staff_views.add_errors(form, error)
        else:
            messages.success(request, _("La décision sur le dossier %(n)s est enregistrée.") % {"n": dossier.number})
            return _back_to_row(dossier)
    return _render_committee(request, call, status=400, bound=form, focus=dossier.pk)


@require_POST
@require(can_manage_evaluation, _dossier)
def decision_clear(request, pk):
    dossier = _dossier(request, pk)
    decision = Decision.objects.filter(dossier=dossier).first()
    if decision is None:
        messages.error(request, _("Ce dossier n'a pas de décision à retirer."))
        return _render_committee(request, dossier.call, status=400)
    try:
        decisions.clear_decision(decision, request.user)
    except ValidationError as error:
        _refused(request, error)
        return _render_committee(request, dossier.call, status=400)
    messages.success(request, _("La décision sur le dossier %(n)s est retirée.") % {"n": dossier.number})
    return _back_to_row(dossier)


def _pending(call: Call) -> list[Decision]:
    return list(
        Decision.objects.filter(dossier__call=call, status=Decision.Status.PENDING)
        .select_related("dossier", "committee")
        .order_by("outcome", "waiting_rank", "dossier__number")
    )


@require(can_manage_evaluation, _call)
def decisions_apply(request, pk):
    """A confirmation page (what will be applied), then the POST that applies them together."""
    call = _call(request, pk)
    errors: list[str] = []
    if request.method == "POST":
        try:
            result = decisions.apply_decisions(call, request.user)
        except ValidationError as error:
            errors = error.messages
        else:
            messages.success(
                request,
                _(
                    "%(count)s décision(s) appliquée(s) : %(letters)s lettre(s) attendent dans la boîte d'envoi, "
                    "où vous pouvez les relire avant de les envoyer."
                )
                % {"count": len(result.decisions), "letters": len(result.letters)},
            )
            return redirect("applications:staff_outbox", pk=call.pk)
    pending = _pending(call)
    already = Dossier.objects.filter(call=call, status=Status.SELECTED).count()
    return render(
        request,
        T + "apply.html",
        {
            "call": call,
            "pending": pending,
            "errors": errors,
            "selected_count": already + sum(1 for d in pending if d.outcome == Outcome.SELECTED),
        },
        status=400 if errors else 200,
    )


@require_POST
@require(can_manage_evaluation, _call)
def promote(request, pk):
    call = _call(request, pk)
    try:
        decision = decisions.promote_from_waiting_list(call, request.user)
    except ValidationError as error:
        _refused(request, error)
        return _render_committee(request, call, status=400)
    messages.success(
        request,
        _(
            "Le dossier %(n)s (rang %(rank)s sur la liste d'attente) est retenu : sa lettre attend dans la boîte "
            "d'envoi."
        )
        % {"n": decision.dossier.number, "rank": decision.waiting_rank},
    )
    return redirect("applications:staff_outbox", pk=call.pk)


# --- The outbox and its letters ---------------------------------------------------------------------------


def _render_outbox(request, call, status=200, errors=()):
    letters = decisions.outbox(call).select_related("decision__dossier__candidate")
    page, notice = staff_views.page_of(request, letters, PAGE_SIZE)
    return render(
        request,
        T + "outbox.html",
        {
            "call": call,
            "page": page,
            "notice": notice,
            "errors": list(errors),
            "counts": _counts(call),
            "template_keys": LETTER_TEMPLATES,
        },
        status=status,
    )


def _chosen_ids(request) -> list[int]:
    return sorted({int(x) for x in request.POST.getlist("letters") if x.isdigit() and len(x) <= 12})


@require(can_manage_evaluation, _call)
def outbox(request, pk):
    """The call's letters; POST sends those ticked (``send=selected``) or every ready one (``send=all``)."""
    call = _call(request, pk)
    if request.method != "POST":
        return _render_outbox(request, call)
    letters = Letter.objects.filter(decision__dossier__call=call)
    if request.POST.get("send") == "all":
        chosen = list(letters.filter(status=Letter.Status.READY).values_list("pk", flat=True))
        if not chosen:
            return _render_outbox(request, call, 400, [_("Aucune lettre n'est prête à l'envoi : rien n'est parti.")])
    else:
        chosen = list(letters.filter(pk__in=_chosen_ids(request)).values_list("pk", flat=True))
        if not chosen:
            return _render_outbox(request, call, 400, [_("Cochez au moins une lettre à envoyer : rien n'est parti.")])
    result = decisions.send_letters(chosen, request.user)
    if result.sent:
        messages.success(
            request,
            _("%(count)s lettre(s) envoyée(s), avec leur PDF ; elles figurent au journal des e-mails.")
            % {"count": len(result.sent)},
        )
    if result.held:
        messages.warning(
            request,
            _("%(count)s lettre(s) retenue(s) ne sont pas parties : libérez-les pour les envoyer.")
            % {"count": len(result.held)},
        )
    if result.already:
        messages.info(
            request,
            _("%(count)s lettre(s) avaient déjà été envoyées : elles ne sont pas reparties.")
            % {"count": len(result.already)},
        )
    return redirect("applications:staff_outbox", pk=call.pk)


def _render_letter(request, letter, form=None, status=200):
    form = form or LetterForm(initial={"subject": letter.subject, "body": letter.body})
    return render(
        request,
        T + "letter.html",
        {"letter": letter, "dossier": letter.decision.dossier, "call": letter.decision.dossier.call, "form": form},
        status=status,
    )


@require(can_manage_evaluation, _letter)
def letter(request, pk):
    """Read a letter; POST edits its subject and text (refused once sent)."""
    letter_ = _letter(request, pk)
    if request.method != "POST":
        return _render_letter(request, letter_)
    form = LetterForm(request.POST)
    if form.is_valid():
        try:
            decisions.edit_letter(letter_, request.user, form.cleaned_data["subject"], form.cleaned_data["body"])
        except ValidationError as error:
            staff_views.add_errors(form, error)
        else:
            messages.success(request, _("La lettre est enregistrée."))
            return redirect("applications:staff_letter", pk=letter_.pk)
    return _render_letter(request, letter_, form, status=400)


def _set_status(request, pk, action, done: str):
    letter_ = _letter(request, pk)
    try:
        action(letter_, request.user)
    except ValidationError as error:
        _refused(request, error)
        return _render_letter(request, letter_, status=400)
    messages.success(request, done % {"n": letter_.decision.dossier.number})
    return redirect("applications:staff_outbox", pk=letter_.decision.dossier.call_id)


@require_POST
@require(can_manage_evaluation, _letter)
def letter_hold(request, pk):
    return _set_status(
        request, pk, decisions.hold, _("La lettre du dossier %(n)s est retenue : « Tout envoyer » la laisse.")
    )


@require_POST
@require(can_manage_evaluation, _letter)
def letter_release(request, pk):
    return _set_status(request, pk, decisions.release, _("La lettre du dossier %(n)s est prête à l'envoi."))


@require(can_manage_evaluation, _letter)
def letter_pdf(request, pk):
    """The letter as a PDF: the one sent when it left, else as it reads now."""
    letter_ = _letter(request, pk)
    content = None
    if letter_.status == Letter.Status.SENT and letter_.pdf:
        try:
            with letter_.pdf.open("rb") as handle:
                content = handle.read()
        except FileNotFoundError:
            content = None
    if content is None:
        content = decisions.letter_pdf(letter_)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{decisions.letter_filename(letter_)}"'
    return response


# --- On the dossier: withdrawal, hand-over ----------------------------------------------------------------


@require(can_manage_evaluation, _dossier)
def withdrawal(request, pk):
    """Staff record that a selected (or waiting) candidate withdrew (the candidate may also do it themself)."""
    dossier = _dossier(request, pk)
    form = WithdrawalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            decisions.record_withdrawal(dossier, request.user, form.cleaned_data["reason"])
        except ValidationError as error:
            staff_views.add_errors(form, error)
        else:
            messages.success(request, _("Le retrait du dossier %(n)s est enregistré.") % {"n": dossier.number})
            if decisions.vacancies(dossier.call):
                messages.info(
                    request,
                    _("Une place est à pourvoir : repêchez le premier dossier de la liste d'attente (page du comité)."),
                )
            return redirect("applications:staff_dossier", pk=dossier.pk)
    return render(
        request,
        T + "withdrawal.html",
        {"dossier": dossier, "form": form},
        status=400 if form.errors else 200,
    )


def _check_lines(checks: list[dict]) -> list[dict]:
    english = (get_language() or "fr").startswith("en")
    return [
        {
            "code": c["code"],
            "ok": c["ok"],
            "label": screening.check_label(c["code"]),
            "message": c.get("message_en" if english else "message_fr", ""),
        }
        for c in checks
    ]


@require_POST
@require(can_manage_evaluation, _dossier)
def hand_over(request, pk):
    dossier = _dossier(request, pk)
    try:
        result = handover.hand_over(dossier, request.user)
    except ValidationError as error:
        _refused(request, error)
        return staff_views._render_detail(request, dossier, status=400)
    convention = result.convention
    messages.success(
        request,
        _("La convention %(reference)s est créée à partir du dossier %(n)s.")
        % {"reference": convention.reference, "n": dossier.number},
    )
    failing = [c for c in _check_lines(result.checks) if not c["ok"]]
    if failing:
        messages.warning(
            request,
            _("Contrôles d'éligibilité en échec avec les dates de la convention : %(checks)s")
            % {"checks": " ; ".join(f"{c['label']} ({c['message']})" for c in failing)},
        )
    else:
        messages.info(
            request, _("Les contrôles d'éligibilité, repris avec les dates de la convention, sont satisfaits.")
        )
    return redirect("conventions:detail", pk=convention.pk)


# --- The sections of the call's and the dossier's staff pages ---------------------------------------------


def call_context(call) -> dict:
    """The call page's part ( ``applications/staff/staff_decisions/_call_section.html``)."""
    return {
        "decisions_part": {
            "committees": list(call.committees.order_by("date", "pk")),
            "counts": _counts(call),
            "vacancies": decisions.vacancies(call),
        }
    }


def dossier_context(dossier, user) -> dict:
    """The dossier page's part (``applications/staff/staff_decisions/_dossier_section.html``)."""
    decision = Decision.objects.filter(dossier=dossier).select_related("committee").first()
    letters = list(Letter.objects.filter(decision__dossier=dossier).order_by("created_at", "pk"))
    event = (
        DossierEvent.objects.filter(dossier=dossier, kind=DossierEvent.Kind.HANDED_OVER).order_by("-pk").first()
        if dossier.convention_id
        else None
    )
    checks = _check_lines(event.data.get("checks", [])) if event is not None else []
    applied = decision is not None and decision.status == Decision.Status.APPLIED
    return {
        "decision_part": {
            "decision": decision,
            "letters": letters,
            "convention_id": dossier.convention_id,
            "handed_over": event,
            "checks": checks,
            "failing": [c for c in checks if not c["ok"]],
            "can_hand_over": applied and dossier.status == Status.SELECTED and dossier.convention_id is None,
            "can_record_withdrawal": applied
            and dossier.status in (Status.SELECTED, Status.WAITING_LIST)
            and dossier.convention_id is None,
        }
    }
