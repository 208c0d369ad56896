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
    path("documents/a-confirmer/", views.pending_documents, name="pending_documents"),
    path("documents/<int:pk>/confirmer/", views.document_confirm, name="document_confirm"),
    path("referentiels/", views.reference_index, name="reference_index"),
    path("referentiels/<slug:kind>/", views.reference_list, name="reference_list"),
    path("referentiels/<slug:kind>/nouveau/", views.reference_edit, name="reference_create"),
    path("referentiels/<slug:kind>/<int:pk>/", views.reference_edit, name="reference_edit"),
    path("referentiels/<slug:kind>/<int:pk>/supprimer/", views.reference_delete, name="reference_delete"),
    path("documents/<int:pk>/telecharger/", views.document_download, name="document_download"),
]
