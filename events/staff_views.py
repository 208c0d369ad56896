"""Staff pages (namespace ``events_staff``, under /gestion/site/, behind the second factor)."""

from django.contrib import messages
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.permissions import require

from . import services
from .forms import EmailRegistrantsForm
from .models import Event, Registration
from .permissions import can_manage_registrations
from .rendering import render_markdown


@require(can_manage_registrations)
def event_index(request):
    events = Event.objects.annotate(
        confirmed=Count("registrations", filter=Q(registrations__status=Registration.Status.CONFIRMED)),
        waiting=Count("registrations", filter=Q(registrations__status=Registration.Status.WAITING)),
    ).order_by("-start", "-id")
    return render(request, "events/staff/event_index.html", {"events": list(events)})


@require(can_manage_registrations)
def registration_list(request, pk):
    event = get_object_or_404(Event, pk=pk)
    registrations = list(event.registrations.order_by("status", "created_at", "id"))
    return render(request, "events/staff/registration_list.html", {"event": event, "registrations": registrations})


@require(can_manage_registrations)
def registration_csv(request, pk):
    event = get_object_or_404(Event, pk=pk)
    response = HttpResponse(services.registrations_csv(event), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="inscriptions-{event.slug}.csv"'
    return response


@require(can_manage_registrations)
@require_http_methods(["GET", "POST"])
def registration_email(request, pk):
    event = get_object_or_404(Event, pk=pk)
    form = EmailRegistrantsForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        sent = services.email_registrants(event, **form.cleaned_data)
        messages.success(request, _("Message envoyé à %(count)d personne(s).") % {"count": sent})
        return redirect("events_staff:registration_list", pk=event.pk)
    return render(request, "events/staff/registration_email.html", {"event": event, "form": form})


@require(can_manage_registrations)
@require_POST
def markdown_preview(request):
    """The admin's live preview: the Markdown of a field, rendered exactly as the site will show it."""
    return HttpResponse(render_markdown(request.POST.get("text", "")))
