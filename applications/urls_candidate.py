"""Candidate URLs (dossier, steps, autosave, submission, follow-up, personal data), under /candidatures/."""

from django.urls import path

from .views import candidate

urlpatterns = [
    path("", candidate.my_dossiers, name="my_dossiers"),
    path("commencer/<int:call_pk>/", candidate.start, name="start"),
    path("mes-donnees.json", candidate.my_data_json, name="my_data_json"),
    path("mes-donnees.zip", candidate.my_data_zip, name="my_data_zip"),
    path("<int:pk>/", candidate.dossier_page, name="dossier"),
    path("<int:pk>/etapes/<slug:key>/", candidate.step, name="step"),
    path("<int:pk>/etapes/<slug:key>/autosave", candidate.autosave, name="autosave"),
    path("<int:pk>/pieces/<slug:kind>/deposer", candidate.upload, name="upload"),
    path("<int:pk>/pieces/<int:file_pk>/", candidate.file_download, name="file_download"),
    path("<int:pk>/pieces/<int:file_pk>/supprimer", candidate.delete_file, name="file_delete"),
    path("<int:pk>/recapitulatif/", candidate.review, name="review"),
    path("<int:pk>/deposer", candidate.submit, name="submit"),
    path("<int:pk>/accuse-de-reception/<int:version>/", candidate.receipt_download, name="receipt"),
    path("<int:pk>/repondre", candidate.answer, name="answer"),
    path("<int:pk>/retirer/", candidate.withdraw, name="withdraw"),
]
