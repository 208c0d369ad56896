"""URLs of the applications app (namespace ``applications``), under /candidatures/.

The candidate's pages come first, staff screens under ``gestion/``; the public call page is part of
the public site (``events``), which reads the call through ``applications.queries``.
"""

from django.urls import include, path

from .urls_candidate import urlpatterns as candidate_urls
from .urls_staff import urlpatterns as staff_urls

app_name = "applications"
urlpatterns = [
    path("gestion/", include(staff_urls)),
    path("", include(candidate_urls)),
]
