from django.urls import path

from . import views

app_name = "notifications"
urlpatterns = [
    path("journal/", views.email_log, name="log"),
    path("journal/<int:pk>/", views.email_detail, name="detail"),
    path("journal/<int:pk>/renvoyer/", views.email_retry, name="retry"),
    path("modeles/", views.template_list, name="templates"),
    path("modeles/<int:pk>/", views.template_edit, name="template_edit"),
]
