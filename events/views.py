"""Public pages of the site (namespace ``events``) and registration to events.

Views stay thin: queries are built here with their joins decided once, rules live in
``services``; every GET page for anonymous visitors goes through ``public_cache``.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, translate_url
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from . import calendar, calls, services
from .cache import csrf_context, public_cache
from .forms import EventFilterForm, PeopleFilterForm, RegistrationForm
from .models import Event, NewsItem, Page, Person, Registration
from .permissions import can_register, can_view_public_site

HOME_ITEMS = 3
HOME_STUDENTS = 6
NEWS_PER_PAGE = 10


def _check(decision):
    if not decision.allowed:
        raise PermissionDenied(decision.reason)


def _render(request, template, context, status=200):
    """Render with the SEO context (canonical, hreflang alternates, OpenGraph)."""
    path = request.get_full_path()
    context = {
        **context,
        **csrf_context(request),
        "canonical_url": settings.SITE_URL + path,
        "alternates": [(code, settings.SITE_URL + translate_url(path, code)) for code, _name in settings.LANGUAGES],
        "og_locale": "fr_FR" if get_language() == "fr" else "en_GB",
    }
    return render(request, template, context, status=status)


def _visible_people():
    return Person.objects.filter(consent=True)


def _upcoming(now):
    return Event.objects.filter(Q(start__gte=now) | Q(start__isnull=True))


@require_GET
@public_cache
def home(request):
    _check(can_view_public_site(request.user))
    now = timezone.now()
    year = timezone.localdate().year
    context = {
        "programme": Page.objects.filter(slug="programme").first(),
        "events": list(_upcoming(now)[:HOME_ITEMS]),
        "news": list(NewsItem.objects.filter(is_published=True, published_at__lte=now)[:HOME_ITEMS]),
        "students": list(
            _visible_people()
            .filter(role=Person.Role.DOCTORAL_STUDENT)
            .filter(Q(year_end__isnull=True) | Q(year_end__gte=year))[:HOME_STUDENTS]
        ),
        **calls.home_context(now),
    }
    response = _render(request, "events/home.html", context)
    response.public_cache_until = context["call_changes_at"]  # the call block appears or goes by itself
    return response


@require_GET
@public_cache
def call(request):
    """The call for applications: the current one, else the next one, else the last one's results."""
    _check(can_view_public_site(request.user))
    context = calls.page_context(user=request.user)
    response = _render(request, "events/call.html", context)
    response.public_cache_until = context["changes_at"]  # opening or closing changes the page
    return response


def _page(request, slug):
    _check(can_view_public_site(request.user))
    page = get_object_or_404(Page, slug=slug)
    context = {"page": page}
    if slug == "programme":
        context.update(
            news=list(page.news.filter(is_published=True)),
            events=list(page.events.all()),
            people=list(page.people.filter(consent=True)),
        )
    return _render(request, "events/page.html", context)


@require_GET
@public_cache
def programme(request):
    return _page(request, "programme")


@require_GET
@public_cache
def page(request, slug):
    if slug == "programme":
        return redirect("events:programme", permanent=True)
    return _page(request, slug)


@require_GET
@public_cache
def news_list(request):
    _check(can_view_public_site(request.user))
    items = NewsItem.objects.filter(is_published=True, published_at__lte=timezone.now())
    page_obj = Paginator(items, NEWS_PER_PAGE).get_page(request.GET.get("page"))
    return _render(request, "events/news_list.html", {"page_obj": page_obj, "news": list(page_obj)})


@require_GET
@public_cache
def news_detail(request, slug):
    _check(can_view_public_site(request.user))
    item = get_object_or_404(NewsItem, slug=slug, is_published=True, published_at__lte=timezone.now())
    return _render(request, "events/news_detail.html", {"item": item})


@require_GET
@public_cache
def event_list(request):
    _check(can_view_public_site(request.user))
    now = timezone.now()
    past = request.GET.get("periode") == "passes"
    form = EventFilterForm(request.GET)
    events = Event.objects.filter(start__lt=now).order_by("-start", "-id") if past else _upcoming(now)
    if form.is_valid() and form.cleaned_data["type"]:
        events = events.filter(event_type=form.cleaned_data["type"])
    return _render(request, "events/event_list.html", {"events": list(events), "past": past, "form": form})


def _event_context(event: Event, form) -> dict:
    counts = event.registrations.aggregate(
        confirmed=Count("id", filter=Q(status=Registration.Status.CONFIRMED)),
        waiting=Count("id", filter=Q(status=Registration.Status.WAITING)),
    )
    return {
        "event": event,
        "form": form,
        "refusal": services.registration_refusal(event),
        "places_left": services.places_left(event, counts["confirmed"]),
        "waiting": counts["waiting"],
    }


@require_http_methods(["GET", "HEAD", "POST"])
def event_detail(request, slug):
    if request.method == "POST":
        return register(request, slug)
    return _event_detail_get(request, slug)


@public_cache
def _event_detail_get(request, slug):
    _check(can_view_public_site(request.user))
    event = get_object_or_404(Event, slug=slug)
    return _render(request, "events/event_detail.html", _event_context(event, RegistrationForm()))


def register(request, slug):
    _check(can_register(request.user))
    event = get_object_or_404(Event, slug=slug)
    form = RegistrationForm(request.POST)
    if form.is_valid():
        try:
            registration = services.register(event.pk, language=get_language(), **form.cleaned_data)
        except services.RegistrationError as exc:
            form.add_error(exc.field, exc.message)
        else:
            return redirect("events:registration_done", token=services.done_token(registration))
    return _render(request, "events/event_detail.html", _event_context(event, form), status=400)


@require_GET
def registration_done(request, token):
    """What was registered (event, name, address, confirmed or waiting), with the way to cancel. Never cached."""
    _check(can_register(request.user))
    try:
        registration = services.registration_from_done_token(token)
    except services.RegistrationError as exc:
        return _render(request, "events/registration_done.html", {"error": exc.message}, status=400)
    cancel_url = reverse("events:registration_cancel", kwargs={"token": services.cancel_token(registration)})
    response = _render(
        request, "events/registration_done.html", {"registration": registration, "cancel_url": cancel_url}
    )
    response["Cache-Control"] = "private, no-store"
    return response


@require_http_methods(["GET", "HEAD", "POST"])
def registration_cancel(request, token):
    _check(can_register(request.user))
    try:
        registration = services.registration_from_token(token)
    except services.RegistrationError as exc:
        return _render(request, "events/registration_cancel.html", {"error": exc.message}, status=400)
    if request.method == "POST":
        try:
            services.cancel(registration.pk)
        except services.RegistrationError as exc:
            return _render(
                request, "events/registration_cancel.html", {"error": exc.message, "registration": registration}, 400
            )
        messages.success(request, _("Votre inscription est annulée."))
        return redirect(registration.event)
    return _render(request, "events/registration_cancel.html", {"registration": registration})


@require_GET
@public_cache
def people_list(request):
    _check(can_view_public_site(request.user))
    form = PeopleFilterForm(request.GET)
    people = _visible_people()
    if form.is_valid():
        if role := form.cleaned_data["role"]:
            people = people.filter(role=role)
        if year := form.cleaned_data["annee"]:
            people = people.filter(Q(year_start__lte=year) | Q(year_start__isnull=True)).filter(
                Q(year_end__gte=year) | Q(year_end__isnull=True),
                Q(year_start__isnull=False) | Q(year_end__isnull=False),
            )
    return _render(request, "events/people_list.html", {"people": list(people), "form": form})


@require_GET
@public_cache
def person_detail(request, slug):
    _check(can_view_public_site(request.user))
    person = get_object_or_404(_visible_people(), slug=slug)
    return _render(request, "events/person_detail.html", {"person": person})


@require_GET
@public_cache
def event_ics(request, slug):
    _check(can_view_public_site(request.user))
    event = get_object_or_404(Event, slug=slug)
    if event.start is None:
        raise Http404(_("La date de cet événement n'est pas encore fixée."))
    response = HttpResponse(calendar.ics([event], request), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{event.slug}.ics"'
    return response


@require_GET
@public_cache
def calendar_feed(request):
    _check(can_view_public_site(request.user))
    events = Event.objects.filter(start__isnull=False)
    return HttpResponse(calendar.ics(list(events), request), content_type="text/calendar; charset=utf-8")


@require_GET
@public_cache
def robots_txt(request):
    private = ["admin/", "compte/", "espace/", "gestion/", "candidatures/", "conventions/", "subventions/",
               "evenements/desinscription/"]  # fmt: skip
    lines = ["User-agent: *"]
    for prefix in ("/", "/en/"):
        lines += [f"Disallow: {prefix}{path}" for path in private]
    lines.append(f"Sitemap: {settings.SITE_URL}/sitemap.xml")
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
