"""Staff pages of the public site: registration lists, CSV export, e-mail to registrants."""

from django.urls import path

from . import staff_views

app_name = "events_staff"
urlpatterns = [
    path("inscriptions/", staff_views.event_index, name="event_index"),
    path("inscriptions/<int:pk>/", staff_views.registration_list, name="registration_list"),
    path("inscriptions/<int:pk>/export.csv", staff_views.registration_csv, name="registration_csv"),
    path("inscriptions/<int:pk>/ecrire/", staff_views.registration_email, name="registration_email"),
    path("apercu/", staff_views.markdown_preview, name="markdown_preview"),
]
