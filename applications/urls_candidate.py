"""Candidate URLs (dossier, steps, autosave, submission, follow-up, personal data)."""

urlpatterns: list = []
