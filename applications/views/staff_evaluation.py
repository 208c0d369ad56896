"""Staff screens of the evaluation: evaluators, assignments (by hand, automatic), ranking, reopening (issue 11).

Thin views: every check through ``applications.evaluation.permissions`` (``require``), every rule in
``applications.evaluation.services`` / ``assignment``, whose refusals go next to the field. The call's and
the dossier's staff pages show a section of this part (``call_context``, ``dossier_context``), each with a
fixed number of queries.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Count, Exists, OuterRef, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import roles
from accounts.permissions import require

from ..evaluation import assignment as auto
from ..evaluation import ranking_page, services
from ..evaluation.models import ACTIVE_ASSIGNMENT, Assignment, ConflictDeclaration, Evaluation
from ..evaluation.permissions import can_manage_evaluation
from ..evaluation.ranking import HARSH, LENIENT, MEAN, MEDIAN
from ..evaluation.staff_forms import (
    AssignForm,
    AutoAssignForm,
    InviteEvaluatorForm,
    RankingFilterForm,
    ReopenForm,
    evaluator_accounts,
)
from ..models import Call, Dossier
from . import staff  # partly initialised here (it imports this module): its functions are read when called

PAGE_SIZE = 50
RANKING_PAGE_SIZE = 50
Status = Assignment.Status
PROPOSAL_KEY = "staff_evaluation:proposal:%s"


def loaded(request, key, load):
    return staff.loaded(request, key, load)


def add_errors(form, error):
    staff.add_errors(form, error)


def page_of(request, queryset, size):
    return staff.page_of(request, queryset, size)


def _query_without_page(request):
    return staff._query_without_page(request)


def _call(request, pk, **kwargs):
    return staff._call(request, pk)


def _dossier(request, pk, **kwargs):
    return loaded(
        request,
        ("evaluation-dossier", pk),
        lambda: get_object_or_404(
            Dossier.objects.select_related("call", "theme").exclude(status=Dossier.Status.DRAFT), pk=pk
        ),
    )


def _assignment(request, pk, **kwargs):
    return loaded(
        request,
        ("assignment", pk),
        lambda: get_object_or_404(Assignment.objects.select_related("dossier__call", "evaluator"), pk=pk),
    )


def _evaluation(request, pk, **kwargs):
    return loaded(
        request,
        ("evaluation", pk),
        lambda: get_object_or_404(
            Evaluation.objects.select_related("assignment__dossier__call", "assignment__evaluator"), pk=pk
        ),
    )


def _refusal_on(form, error: ValidationError, field: str) -> None:
    """A service's refusal next to ``field`` when it names no field (a conflict: next to the evaluator)."""
    if hasattr(error, "error_dict"):
        add_errors(form, error)
    else:
        for message in error.messages:
            form.add_error(field, message)


def _open_calls():
    now = timezone.now()
    return Call.objects.filter(Q(evaluation_closed_at__isnull=True) | Q(evaluation_closed_at__gt=now))


# --- The call's and the dossier's sections ----------------------------------------------------------------


def call_context(call) -> dict:
    """The call page's part (``applications/staff/staff_evaluation/_call_section.html``): one query."""
    live = Q(assignments__status__in=ACTIVE_ASSIGNMENT)

    def status(*statuses):
        return Count("assignments", filter=Q(assignments__status__in=statuses))

    counts = Dossier.objects.filter(call=call).aggregate(
        assignable=Count("pk", filter=Q(status__in=services.ASSIGNABLE), distinct=True),
        live=Count("assignments", filter=live),
        waiting=status(Status.ASSIGNED),
        declared=status(Status.ACCEPTED, Status.SUBMITTED, Status.CONFLICT),
        conflicts=status(Status.CONFLICT),
        declined=status(Status.DECLINED),
        submitted=status(Status.SUBMITTED),
    )
    closed_at = call.evaluation_closed_at
    return {
        "evaluation_counts": counts,
        "evaluation_assignable": counts["assignable"],
        "evaluation_closed": closed_at is not None and closed_at <= timezone.now(),
    }


def dossier_context(dossier, user) -> dict:
    """The dossier page's part (``applications/staff/staff_evaluation/_dossier_section.html``): four queries
    (assignments with their evaluation, declarations, scores, criteria) whatever their number. The page is
    staff's: every evaluation is shown (``services.visible_evaluations`` would give them all too)."""
    from ..evaluation.models import Score

    assignments = list(
        Assignment.objects.filter(dossier=dossier).select_related("evaluator", "evaluation").order_by("pk")
    )
    declarations = list(
        ConflictDeclaration.objects.filter(dossier=dossier).select_related("evaluator").order_by("declared_at", "pk")
    )
    by_assignment = {d.assignment_id: d for d in declarations if d.assignment_id}
    scores = defaultdict(dict)
    for score in Score.objects.filter(evaluation__assignment__dossier=dossier):
        scores[score.evaluation_id][score.criterion_id] = score
    criteria = services.criteria_of(dossier.call)
    evaluations = []
    for assignment in assignments:
        assignment.declaration = by_assignment.get(assignment.pk)
        evaluation = getattr(assignment, "evaluation", None)
        if evaluation is None:
            continue
        found = scores.get(evaluation.pk, {})
        evaluation.rows = [(c, found.get(c.pk)) for c in criteria]
        evaluation.reopen_form = ReopenForm(prefix=f"reopen-{evaluation.pk}")
        evaluations.append(evaluation)
    return {
        "evaluation_assignments": assignments,
        "evaluation_declarations": declarations,
        "evaluation_list": evaluations,
        "evaluation_criteria": criteria,
    }


# --- Evaluators ---------------------------------------------------------------------------------------------


@require(can_manage_evaluation)
def evaluator_list(request):
    from allauth.mfa.models import Authenticator

    users = (
        get_user_model()
        .objects.filter(groups__name=roles.EVALUATOR)
        .select_related("evaluator_profile")
        .annotate(
            has_totp=Exists(Authenticator.objects.filter(user=OuterRef("pk"), type=Authenticator.Type.TOTP)),
        )
        .order_by("last_name", "first_name", "email")
        .distinct()
    )
    page, notice = page_of(request, users, PAGE_SIZE)
    loads = defaultdict(list)
    ids = [u.pk for u in page.object_list]
    for evaluator_id, year, title, count in (
        Assignment.objects.filter(evaluator_id__in=ids, status__in=ACTIVE_ASSIGNMENT, dossier__call__in=_open_calls())
        .order_by()
        .values("evaluator_id", "dossier__call__year", "dossier__call__title_fr")
        .annotate(n=Count("pk"))
        .values_list("evaluator_id", "dossier__call__year", "dossier__call__title_fr", "n")
        .order_by("evaluator_id", "-dossier__call__year")
    ):
        loads[evaluator_id].append({"year": year, "title": title, "count": count})
    for user in page.object_list:
        user.profile = getattr(user, "evaluator_profile", None)
        user.loads = loads.get(user.pk, [])
    return render(
        request,
        "applications/staff/staff_evaluation/evaluator_list.html",
        {"page": page, "notice": notice, "query": _query_without_page(request)},
    )


@require(can_manage_evaluation)
def evaluator_invite(request):
    form = InviteEvaluatorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user, created = services.invite_evaluator(
                data["email"], data["name"], request.user, language=data["language"], capacity=data["capacity"]
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            if created:
                text = _("L'invitation est envoyée à %(email)s.")
            else:
                text = _(
                    "Le compte existant de %(email)s reçoit le rôle d'évaluateur·rice ; l'invitation lui est envoyée."
                )
            messages.success(request, text % {"email": user.email})
            return redirect("applications:staff_evaluators")
    return render(
        request,
        "applications/staff/staff_evaluation/evaluator_invite.html",
        {"form": form},
        status=400 if form.errors else 200,
    )


# --- Assignments by hand ---------------------------------------------------------------------------------------


def _evaluators_with_load(call) -> list:
    """The evaluators (for the select), each with its load in ``call`` and its profile: two queries."""
    evaluators = list(evaluator_accounts().select_related("evaluator_profile"))
    loads = dict(
        Assignment.objects.filter(dossier__call=call, status__in=ACTIVE_ASSIGNMENT)
        .order_by()
        .values("evaluator_id")
        .annotate(n=Count("pk"))
        .values_list("evaluator_id", "n")
    )
    for user in evaluators:
        user.call_load = loads.get(user.pk, 0)
    return evaluators


def _default_deadline():
    return timezone.localdate() + dt.timedelta(days=28)


@require(can_manage_evaluation, _call)
def assignment_list(request, pk):
    call = _call(request, pk)
    dossiers = (
        Dossier.objects.filter(call=call)
        .exclude(status=Dossier.Status.DRAFT)
        .filter(Q(status__in=services.ASSIGNABLE) | Q(assignments__isnull=False))
        .select_related("theme")
        .only("pk", "number", "status", "thesis_title", "first_name", "last_name", "theme__title_fr", "call_id")
        .distinct()
        .order_by("number", "pk")
    )
    page, notice = page_of(request, dossiers, PAGE_SIZE)
    rows = list(page.object_list)
    assignments = defaultdict(list)
    for assignment in (
        Assignment.objects.filter(dossier__in=[d.pk for d in rows])
        .select_related("evaluator")
        .prefetch_related("declarations")
        .order_by("dossier_id", "pk")
    ):
        assignment.declaration = next(iter(assignment.declarations.all()), None)
        assignments[assignment.dossier_id].append(assignment)
    evaluators = _evaluators_with_load(call)
    deadline = _default_deadline()
    for dossier in rows:
        dossier.evaluation_assignments = assignments.get(dossier.pk, [])
        dossier.assignable = dossier.status in services.ASSIGNABLE
        if dossier.assignable:
            dossier.assign_form = AssignForm(
                evaluators=evaluators, prefix=f"assign-{dossier.pk}", initial={"deadline": deadline}
            )
    page.object_list = rows
    return render(
        request,
        "applications/staff/staff_evaluation/assignment_list.html",
        {
            "call": call,
            "page": page,
            "notice": notice,
            "query": _query_without_page(request),
            "closed": services._evaluation_closed(call, timezone.now()),
        },
    )


@require(can_manage_evaluation, _dossier)
def assign(request, pk):
    dossier = _dossier(request, pk)
    evaluators = _evaluators_with_load(dossier.call)
    prefix = f"assign-{dossier.pk}"
    form = AssignForm(
        request.POST or None, evaluators=evaluators, prefix=prefix, initial={"deadline": _default_deadline()}
    )
    if request.method == "POST" and form.is_valid():
        evaluator = form.cleaned_data["evaluator"]
        try:
            services.assign(dossier, evaluator, form.cleaned_data["deadline"], request.user)
        except ValidationError as error:
            _refusal_on(form, error, "evaluator")
        else:
            messages.success(
                request,
                _("Le dossier %(n)s est confié à %(name)s.")
                % {"n": dossier.number, "name": evaluator.get_full_name() or evaluator.email},
            )
            return redirect("applications:staff_assignments", pk=dossier.call_id)
    current = list(Assignment.objects.filter(dossier=dossier).select_related("evaluator").order_by("pk"))
    return render(
        request,
        "applications/staff/staff_evaluation/assign.html",
        {"dossier": dossier, "call": dossier.call, "form": form, "current": current},
        status=400 if form.errors else 200,
    )


@require_POST
@require(can_manage_evaluation, _assignment)
def unassign(request, pk):
    assignment = _assignment(request, pk)
    dossier = assignment.dossier
    name = assignment.evaluator.get_full_name() or assignment.evaluator.email
    try:
        services.unassign(assignment, request.user)
    except ValidationError as error:
        return render(
            request,
            "applications/staff/staff_evaluation/refused.html",
            {"call": dossier.call, "dossier": dossier, "errors": error.messages},
            status=400,
        )
    messages.success(request, _("%(name)s ne suit plus le dossier %(n)s.") % {"name": name, "n": dossier.number})
    return redirect("applications:staff_assignments", pk=dossier.call_id)


# --- Automatic assignment -----------------------------------------------------------------------------------


def _auto_page(request, call, form, status=200, proposal=None, token=None, errors=()):
    evaluators = {}
    if proposal is not None and proposal.loads:
        users = get_user_model().objects.filter(pk__in=list(proposal.loads))
        evaluators = {u.pk: u for u in users.only("pk", "email", "first_name", "last_name")}
    loads = []
    if proposal is not None:
        counted = defaultdict(int)
        for pair in proposal.pairs:
            counted[pair.evaluator_id] += 1
        labels = {p.evaluator_id: p.evaluator_label for p in proposal.pairs}
        for user_id, load in sorted(proposal.loads.items(), key=lambda item: (-item[1], item[0])):
            user = evaluators.get(user_id)
            label = labels.get(user_id) or (user.get_full_name() or user.email if user else str(user_id))
            loads.append({"label": label, "load": load, "new": counted.get(user_id, 0)})
    return render(
        request,
        "applications/staff/staff_evaluation/auto_assign.html",
        {"call": call, "form": form, "proposal": proposal, "loads": loads, "token": token, "errors": errors},
        status=status,
    )


@require(can_manage_evaluation, _call)
def auto_assign(request, pk):
    call = _call(request, pk)
    form = AutoAssignForm(request.POST or None, initial={"deadline": _default_deadline()})
    if request.method != "POST":
        return _auto_page(request, call, form)
    if form.is_valid():
        data = form.cleaned_data
        if closed := services._evaluation_closed(call, timezone.now()):
            form.add_error(None, closed)
        else:
            try:
                proposal = auto.propose(call, data["per_dossier"], data["deadline"], data["domain_rule"])
            except ValidationError as error:
                add_errors(form, error)
            else:
                if not proposal.ok:
                    request.session.pop(PROPOSAL_KEY % call.pk, None)
                    return _auto_page(request, call, form, status=400, proposal=proposal)
                token = uuid.uuid4().hex
                request.session[PROPOSAL_KEY % call.pk] = {"token": token, "proposal": proposal.as_dict()}
                return _auto_page(request, call, form, proposal=proposal, token=token)
    return _auto_page(request, call, form, status=400)


@require_POST
@require(can_manage_evaluation, _call)
def auto_assign_confirm(request, pk):
    call = _call(request, pk)
    stored = request.session.get(PROPOSAL_KEY % call.pk)
    form = AutoAssignForm(initial={"deadline": _default_deadline()})
    if not stored or stored.get("token") != request.POST.get("token"):
        errors = [
            _(
                "Cette proposition a déjà été confirmée ou a été remplacée par une plus récente : rien n'a été "
                "affecté. Relancez la proposition."
            )
        ]
        return _auto_page(request, call, form, status=400, errors=errors)
    proposal = auto.Proposal.from_dict(stored["proposal"])
    try:
        created = auto.confirm(proposal, request.user)
    except ValidationError as error:
        request.session.pop(PROPOSAL_KEY % call.pk, None)
        return _auto_page(request, call, form, status=400, errors=error.messages)
    request.session.pop(PROPOSAL_KEY % call.pk, None)
    messages.success(
        request,
        _("%(count)s affectations sont enregistrées ; les évaluateur·rice·s sont prévenu·e·s par courriel.")
        % {"count": len(created)},
    )
    return redirect("applications:staff_assignments", pk=call.pk)


# --- Ranking ------------------------------------------------------------------------------------------------------


def _sort_links(query: str, order: str) -> dict:
    links = {}
    for key in (MEAN, MEDIAN):
        links[key] = {
            "url": f"?{query}&order={key}" if query else f"?order={key}",
            "aria": "descending" if order == key else "none",
            "current": order == key,
        }
    return links


@require(can_manage_evaluation, _call)
def ranking(request, pk):
    call = _call(request, pk)
    form = RankingFilterForm(request.GET or None, call=call)
    theme, order = None, MEAN
    if form.is_bound and form.is_valid():
        theme, order = form.cleaned_data["theme"], form.cleaned_data["order"] or MEAN
    criteria = services.criteria_of(call)
    index = ranking_page.index(call, order=order, theme=theme)
    page, notice = page_of(request, index.entries, RANKING_PAGE_SIZE)
    lines = ranking_page.page_lines(call, list(page.object_list), criteria, index.threshold)
    sort_query = request.GET.copy()
    for name in ("page", "order"):
        sort_query.pop(name, None)
    return render(
        request,
        "applications/staff/staff_evaluation/ranking.html",
        {
            "call": call,
            "form": form,
            "order": order,
            "theme": theme,
            "criteria": criteria,
            "page": page,
            "lines": lines,
            "notice": notice,
            "query": _query_without_page(request),
            "sorts": _sort_links(sort_query.urlencode(), order),
            "evaluators": index.evaluators,
            "threshold": index.threshold,
            "half_threshold": index.threshold / 2,
            "LENIENT": LENIENT,
            "HARSH": HARSH,
        },
        status=400 if form.errors else 200,
    )


# --- Reopening an evaluation, closing the call's evaluation --------------------------------------------------------


@require(can_manage_evaluation, _evaluation)
def evaluation_reopen(request, pk):
    evaluation = _evaluation(request, pk)
    dossier = evaluation.assignment.dossier
    form = ReopenForm(request.POST or None, prefix=f"reopen-{evaluation.pk}")
    if request.method == "POST" and form.is_valid():
        try:
            services.reopen(evaluation, request.user, form.cleaned_data["reason"])
        except ValidationError as error:
            _refusal_on(form, error, "reason")
        else:
            evaluator = evaluation.assignment.evaluator
            messages.success(
                request,
                _("L'évaluation de %(name)s est rouverte ; elle ou il en est prévenu·e.")
                % {"name": evaluator.get_full_name() or evaluator.email},
            )
            return redirect("applications:staff_dossier", pk=dossier.pk)
    return render(
        request,
        "applications/staff/staff_evaluation/reopen.html",
        {"evaluation": evaluation, "dossier": dossier, "form": form},
        status=400 if form.errors else 200,
    )


@require_POST
@require(can_manage_evaluation, _call)
def call_evaluation_close(request, pk):
    return _close_or_reopen(request, _call(request, pk), close=True)


@require_POST
@require(can_manage_evaluation, _call)
def call_evaluation_reopen(request, pk):
    return _close_or_reopen(request, _call(request, pk), close=False)


def _close_or_reopen(request, call, *, close: bool):
    try:
        if close:
            services.close_call_evaluation(call, request.user)
        else:
            services.reopen_call_evaluation(call, request.user)
    except ValidationError as error:
        return render(
            request,
            "applications/staff/staff_evaluation/refused.html",
            {"call": call, "errors": error.messages},
            status=400,
        )
    messages.success(
        request,
        _("L'évaluation de l'appel est close : plus aucune note ne peut être saisie.")
        if close
        else _("L'évaluation de l'appel est rouverte."),
    )
    return redirect("applications:staff_call", pk=call.pk)
