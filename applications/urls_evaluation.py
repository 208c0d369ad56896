"""Staff URLs of the evaluation: evaluators, assignments (by hand, automatic), ranking, reopening."""

from django.urls import path

from .views import staff_evaluation as views

urlpatterns: list = [
    path("evaluateurs/", views.evaluator_list, name="staff_evaluators"),
    path("evaluateurs/inviter/", views.evaluator_invite, name="staff_evaluator_invite"),
    path("appels/<int:pk>/affectations/", views.assignment_list, name="staff_assignments"),
    path("appels/<int:pk>/affectations/automatique/", views.auto_assign, name="staff_auto_assign"),
    path(
        "appels/<int:pk>/affectations/automatique/confirmer/",
        views.auto_assign_confirm,
        name="staff_auto_assign_confirm",
    ),
    path("appels/<int:pk>/classement/", views.ranking, name="staff_ranking"),
    path("appels/<int:pk>/evaluation/cloture/", views.call_evaluation_close, name="staff_call_evaluation_close"),
    path("appels/<int:pk>/evaluation/reouverture/", views.call_evaluation_reopen, name="staff_call_evaluation_reopen"),
    path("dossiers/<int:pk>/affecter/", views.assign, name="staff_assign"),
    path("affectations/<int:pk>/retirer/", views.unassign, name="staff_unassign"),
    path("evaluations/<int:pk>/rouvrir/", views.evaluation_reopen, name="staff_evaluation_reopen"),
]
