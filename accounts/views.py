"""The signed-in user's space, the error pages and the health check."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from . import roles
from .forms import PreferencesForm

# Where each role lands after login, first match wins; names that do not resolve are skipped.
ROLE_LANDING = (
    (roles.STAFF, "conventions:dashboard"),
    (roles.ADMIN, "admin:index"),
    (roles.DOCTORAL_STUDENT, "conventions:my_conventions"),
    (roles.EVALUATOR, "applications:evaluator_home"),
    (roles.DEPARTMENT, "applications:department_dossiers"),
)


@login_required
def home(request):
    for role, url_name in ROLE_LANDING:
        if roles.has_role(request.user, role):
            try:
                return redirect(reverse(url_name))
            except NoReverseMatch:
                continue
    return render(request, "accounts/home.html")


@login_required
def preferences(request):
    form = PreferencesForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Vos préférences sont enregistrées."))
        return redirect("accounts:preferences")
    return render(request, "accounts/preferences.html", {"form": form})


@require_GET
def healthz(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def bad_request(request, exception=None):
    return render(request, "400.html", status=400)


def permission_denied(request, exception=None):
    reason = str(exception) if exception and str(exception) else ""
    return render(request, "403.html", {"reason": reason}, status=403)


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    # No template context processors here: the database may be what failed.
    from django.template import loader

    return HttpResponse(loader.get_template("500.html").render(), status=500)
