"""Staff URLs (calls, themes, grid, screening, exports) and department contacts' read-only lists."""

from django.urls import path

from .views import department, staff

urlpatterns: list = [
    path("appels/", staff.call_list, name="staff_calls"),
    path("appels/nouveau/", staff.call_create, name="staff_call_create"),
    path("appels/<int:pk>/", staff.call_detail, name="staff_call"),
    path("appels/<int:pk>/modifier/", staff.call_edit, name="staff_call_edit"),
    path("appels/<int:pk>/themes/nouveau/", staff.theme_create, name="staff_theme_create"),
    path("appels/<int:pk>/themes/<int:theme_pk>/", staff.theme_edit, name="staff_theme_edit"),
    path("appels/<int:pk>/themes/<int:theme_pk>/supprimer/", staff.theme_delete, name="staff_theme_delete"),
    path("appels/<int:pk>/grille/", staff.grid_edit, name="staff_grid"),
    path("appels/<int:pk>/dossiers/", staff.dossier_list, name="staff_dossiers"),
    path("appels/<int:pk>/dossiers/export.<str:fmt>", staff.dossier_export, name="staff_dossier_export"),
    path("dossiers/<int:pk>/", staff.dossier_detail, name="staff_dossier"),
    path("dossiers/<int:pk>/pieces/<int:file_pk>/", staff.dossier_file, name="staff_dossier_file"),
    path("dossiers/<int:pk>/dossier.pdf", staff.dossier_pdf, name="staff_dossier_pdf"),
    path("dossiers/<int:pk>/complet/", staff.dossier_complete, name="staff_dossier_complete"),
    path("dossiers/<int:pk>/pieces-manquantes/", staff.dossier_request, name="staff_dossier_request"),
    path("dossiers/<int:pk>/eligibilite/", staff.dossier_eligibility, name="staff_dossier_eligibility"),
    path("dossiers/<int:pk>/levee/", staff.dossier_override, name="staff_dossier_override"),
    path("direction/dossiers/", department.dossier_list, name="department_dossiers"),
    path("direction/dossiers/<int:pk>/", department.dossier_detail, name="department_dossier"),
    path("direction/dossiers/<int:pk>/pieces/<int:file_pk>/", department.dossier_file, name="department_dossier_file"),
    path("direction/dossiers/<int:pk>/dossier.pdf", department.dossier_pdf, name="department_dossier_pdf"),
]
