"""Staff pages: the e-mail log and the e-mail templates."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.permissions import require

from . import services
from .catalogue import LABELS, SAMPLE_CONTEXT, variables_of
from .forms import EmailLogFilterForm, EmailTemplateForm
from .models import EmailLog, EmailTemplate
from .permissions import can_edit_email_templates, can_view_email_log

PAGE_SIZE = 50


@require(can_view_email_log)
def email_log(request):
    form = EmailLogFilterForm(request.GET or None)
    qs = EmailLog.objects.all()
    if form.is_bound:
        qs = form.filter(qs)
    page = Paginator(qs.order_by("-created_at", "-id"), PAGE_SIZE).get_page(request.GET.get("page"))
    filters = request.GET.copy()
    filters.pop("page", None)
    return render(
        request,
        "notifications/email_log.html",
        {"form": form, "page": page, "labels": LABELS, "query": filters.urlencode()},
    )


@require(can_view_email_log)
def email_detail(request, pk):
    log = get_object_or_404(EmailLog, pk=pk)
    label = LABELS.get(log.template_key) or _("Message écrit par l'équipe")
    return render(request, "notifications/email_detail.html", {"log": log, "labels": LABELS, "label": label})


@require(can_view_email_log)
@require_POST
def email_retry(request, pk):
    log = get_object_or_404(EmailLog, pk=pk)
    log = services.retry_now(log.pk)
    if log.status == EmailLog.Status.SENT:
        messages.success(request, _("Le courriel est parti."))
    else:
        messages.error(request, _("Nouvel échec de l'envoi : %(error)s") % {"error": log.error})
    return redirect("notifications:detail", pk=log.pk)


@require(can_edit_email_templates)
def template_list(request):
    templates = list(EmailTemplate.objects.select_related("updated_by").order_by("key", "language"))
    for template in templates:
        # Staff read labels and a subject as it is sent, never keys or raw {{ … }} tags.
        template.label = LABELS.get(template.key, template.key)
        template.sample_subject = _sample_subject(template)
    return render(request, "notifications/template_list.html", {"templates": templates, "labels": LABELS})


def _sample_subject(template) -> str:
    try:
        return services.render_template(
            template.subject, "", template.language, SAMPLE_CONTEXT.get(template.key, {})
        ).subject
    except Exception:  # a text that no longer renders still gets a readable line in the list
        return template.subject


@require(can_edit_email_templates)
def template_edit(request, pk):
    template = get_object_or_404(EmailTemplate, pk=pk)
    form = EmailTemplateForm(request.POST or None, instance=template)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            template = form.save(commit=False)
            template.updated_by = request.user
            template.save()
        messages.success(request, _("Le modèle est enregistré."))
        return redirect("notifications:templates")
    return render(
        request,
        "notifications/template_form.html",
        {
            "form": form,
            "template": template,
            "label": LABELS.get(template.key, template.key),
            "variables": variables_of(template.key),
        },
        status=400 if form.is_bound and form.errors else 200,
    )
