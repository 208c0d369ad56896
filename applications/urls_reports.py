"""Staff downloads of the evaluation: scores (CSV, XLSX), committee PDF, evaluation report PDF."""

from django.urls import path

from .views import staff_reports

urlpatterns: list = [
    path("appels/<int:pk>/notes/export.<str:fmt>", staff_reports.scores_export, name="staff_scores_export"),
    path("appels/<int:pk>/comite.pdf", staff_reports.committee_pdf, name="staff_committee_pdf"),
    path("appels/<int:pk>/rapport-evaluation.pdf", staff_reports.evaluation_report, name="staff_evaluation_report"),
]
