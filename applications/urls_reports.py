"""Staff downloads of the evaluation: scores (CSV, XLSX), committee PDF, evaluation report PDF."""

urlpatterns: list = []
