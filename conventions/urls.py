from django.urls import path

from . import views

app_name = "conventions"
urlpatterns = [
    path("", views.convention_list, name="list"),
    path("tableau-de-bord/", views.dashboard, name="dashboard"),
    path("export.<str:fmt>", views.convention_export, name="export"),
    path("nouvelle/", views.convention_create, name="create"),
    path("ma-convention/", views.my_conventions, name="my_conventions"),
    path("obligations/", views.obligation_list, name="obligations"),
    path("echeances/", views.instalment_list, name="instalments"),
    path("baremes/", views.rate_list, name="rates"),
    path("baremes/nouveau/", views.rate_edit, name="rate_create"),
    path("baremes/<int:pk>/", views.rate_edit, name="rate_edit"),
    path("<int:pk>/", views.convention_detail, name="detail"),
    path("<int:pk>/modifier/", views.convention_edit, name="edit"),
    path("<int:pk>/historique/", views.convention_history, name="history"),
    path("<int:pk>/suspensions/ajouter/", views.suspension_add, name="suspension_add"),
    path("<int:pk>/suspensions/<int:suspension_pk>/supprimer/", views.suspension_delete, name="suspension_delete"),
    path("<int:pk>/rupture/", views.terminate, name="terminate"),
    path("<int:pk>/avenants/ajouter/", views.amendment_add, name="amendment_add"),
    path("<int:pk>/avenants/<int:amendment_pk>/telecharger/", views.amendment_download, name="amendment_download"),
    path("obligations/<int:pk>/deposer/", views.document_upload, name="document_upload"),
    path("documents/<int:pk>/confirmer/", views.document_confirm, name="document_confirm"),
    path("documents/<int:pk>/telecharger/", views.document_download, name="document_download"),
]
