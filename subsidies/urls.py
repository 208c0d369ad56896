from django.urls import path

from . import views

app_name = "subsidies"
urlpatterns = [
    path("factures/", views.invoice_list, name="invoice_list"),
    path("factures/emettre/", views.invoice_issue, name="invoice_issue"),
    path("factures/lot.zip", views.invoice_zip, name="invoice_zip"),
    path("factures/<int:pk>/", views.invoice_detail, name="invoice_detail"),
    path("factures/<int:pk>/pdf/", views.invoice_pdf, name="invoice_pdf"),
    path("factures/<int:pk>/paiement/", views.payment_create, name="payment_create"),
    path("factures/<int:pk>/avoir/", views.credit_note_create, name="credit_note_create"),
]
