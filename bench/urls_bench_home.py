"""The real URLs plus /bench/minimal: a plain HttpResponse behind the same middleware."""

from django.http import HttpResponse
from django.urls import path

from cifre.urls import handler400, handler403, handler404, handler500  # noqa: F401
from cifre.urls import urlpatterns as real_urlpatterns


def minimal(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("bench/minimal", minimal), *real_urlpatterns]
