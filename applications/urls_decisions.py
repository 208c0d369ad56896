"""Staff URLs of the committee: decisions, outbox of letters, waiting list, hand-over to a convention."""

from django.urls import path

from .views import staff_decisions as views

urlpatterns: list = [
    path("appels/<int:pk>/comite/", views.committee, name="staff_committee"),
    path("appels/<int:pk>/comite/nouveau/", views.committee_create, name="staff_committee_create"),
    path("appels/<int:pk>/comite/appliquer/", views.decisions_apply, name="staff_decisions_apply"),
    path("appels/<int:pk>/liste-attente/repecher/", views.promote, name="staff_promote"),
    path("appels/<int:pk>/courriers/", views.outbox, name="staff_outbox"),
    path("courriers/<int:pk>/", views.letter, name="staff_letter"),
    path("courriers/<int:pk>/retenir/", views.letter_hold, name="staff_letter_hold"),
    path("courriers/<int:pk>/liberer/", views.letter_release, name="staff_letter_release"),
    path("courriers/<int:pk>/lettre.pdf", views.letter_pdf, name="staff_letter_pdf"),
    path("dossiers/<int:pk>/decision/", views.decision_set, name="staff_decision_set"),
    path("dossiers/<int:pk>/decision/retirer/", views.decision_clear, name="staff_decision_clear"),
    path("dossiers/<int:pk>/retrait/", views.withdrawal, name="staff_withdrawal"),
    path("dossiers/<int:pk>/convention/", views.hand_over, name="staff_handover"),
]
