"""URLs of the applications app (namespace ``applications``), under /candidatures/.

The candidate's pages come first, staff screens under ``gestion/``; the public call page is part of
the public site (``events``), which reads the call through ``applications.queries``.
"""

from django.urls import include, path

from .urls_candidate import urlpatterns as candidate_urls
from .urls_decisions import urlpatterns as decision_urls
from .urls_evaluation import urlpatterns as evaluation_urls
from .urls_evaluator import urlpatterns as evaluator_urls
from .urls_reports import urlpatterns as report_urls
from .urls_staff import urlpatterns as staff_urls

app_name = "applications"
urlpatterns = [
    path("gestion/", include(staff_urls)),
    path("gestion/", include(evaluation_urls)),
    path("gestion/", include(decision_urls)),
    path("gestion/", include(report_urls)),
    path("evaluation/", include(evaluator_urls)),
    path("", include(candidate_urls)),
]
