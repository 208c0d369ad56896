"""Evaluator URLs (their assignments, profile, declaration, scoring), under /candidatures/evaluation/.

``<pk>`` is always the evaluator's own ``Assignment``: a dossier is reached only through its
assignment (the e-mails link to ``evaluator_assignment``).
"""

from django.urls import path

from .views import evaluator

urlpatterns: list = [
    path("", evaluator.home, name="evaluator_home"),
    path("profil/", evaluator.profile, name="evaluator_profile"),
    path("<int:pk>/", evaluator.assignment_page, name="evaluator_assignment"),
    path("<int:pk>/declaration", evaluator.declare, name="evaluator_declare"),
    path("<int:pk>/brouillon", evaluator.autosave, name="evaluator_autosave"),
    path("<int:pk>/transmettre", evaluator.submit, name="evaluator_submit"),
    path("<int:pk>/decliner", evaluator.decline, name="evaluator_decline"),
    path("<int:pk>/pieces/<int:file_pk>/", evaluator.file_download, name="evaluator_file"),
    path("<int:pk>/dossier.pdf", evaluator.dossier_pdf, name="evaluator_pdf"),
]
