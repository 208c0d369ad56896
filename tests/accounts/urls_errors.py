"""Test-only URLconf: a view that fails, to render the 500 page through the real handler."""

from django.urls import path

from cifre.urls import urlpatterns as site_urlpatterns


def broken(request):
    raise RuntimeError("panne simulée")


urlpatterns = [path("panne/", broken), *site_urlpatterns]

handler403 = "accounts.views.permission_denied"
handler404 = "accounts.views.page_not_found"
handler500 = "accounts.views.server_error"
