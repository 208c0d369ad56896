"""Evaluator URLs (their assignments, profile, declaration, scoring), under /candidatures/evaluation/."""

urlpatterns: list = []
