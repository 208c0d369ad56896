"""Department contacts (role ``department``): read-only, the submitted dossiers of the themes they read.

A dossier of another theme answers exactly like a missing one (404): the lookup is made among the
contact's own dossiers, so nothing tells them it exists. No action, no internal history: the
screening notes (overrides, staff-only entries) stay with the programme's team.
"""

from __future__ import annotations

from django.shortcuts import get_object_or_404, render

from accounts import roles
from accounts.permissions import require

from .. import screening
from ..filters import DossierFilter, filter_status, filtered
from ..models import Theme
from ..permissions import can_read_department_dossiers
from .staff import loaded, page_of, serve_file, serve_rendition, sort_links


def readable_themes(user):
    """The themes whose dossiers ``user`` reads: their own as a department contact, every one for staff."""
    themes = Theme.objects.select_related("call", "host_department")
    if roles.has_role(user, roles.STAFF, roles.ADMIN):
        return themes
    return themes.filter(readers=user)


def readable_dossiers(user, queryset=None):
    """The submitted dossiers ``user`` reads (``queryset``: the list's by default)."""
    qs = queryset if queryset is not None else screening.screening_list()
    if roles.has_role(user, roles.STAFF, roles.ADMIN):
        return qs
    return qs.filter(theme__readers=user)


def _dossier(request, pk, **kwargs):
    return loaded(
        request,
        ("department_dossier", pk),
        lambda: get_object_or_404(readable_dossiers(request.user, screening.detail_queryset()), pk=pk),
    )


@require(can_read_department_dossiers)
def dossier_list(request):
    themes = readable_themes(request.user).order_by("-call__year", "position", "id")
    filterset = DossierFilter(request.GET or None, queryset=readable_dossiers(request.user), themes=themes)
    sort = screening.sort_key(request.GET.get("sort"))
    page, notice = page_of(request, filtered(filterset).order_by(*screening.SORTS[sort]))
    page.object_list = screening.decorate(page.object_list)
    query = request.GET.copy()
    query.pop("page", None)
    sort_query = query.copy()
    sort_query.pop("sort", None)
    return render(
        request,
        "applications/staff/department_list.html",
        {
            "filter": filterset,
            "page": page,
            "notice": notice,
            "query": query.urlencode(),
            "sorts": sort_links(sort_query.urlencode(), sort),
        },
        status=filter_status(filterset),
    )


@require(can_read_department_dossiers, _dossier)
def dossier_detail(request, pk):
    dossier = _dossier(request, pk)
    context = screening.dossier_context(dossier, internal=False)
    context["file_url_name"] = "applications:department_dossier_file"
    context["pdf_url_name"] = "applications:department_dossier_pdf"
    return render(request, "applications/staff/dossier_detail.html", context)


@require(can_read_department_dossiers, _dossier)
def dossier_file(request, pk, file_pk):
    return serve_file(_dossier(request, pk), file_pk)


@require(can_read_department_dossiers, _dossier)
def dossier_pdf(request, pk):
    return serve_rendition(_dossier(request, pk))
