from django.urls import path

from . import views

app_name = "billing"
urlpatterns = [
    path("fatture-aziendali/", views.invoices, name="invoices"),
    path("fatture-aziendali/<int:pk>/pdf/", views.invoice_pdf, name="invoice_pdf"),
    path("fatture-aziendali/<int:pk>/xml/", views.invoice_xml, name="invoice_xml"),
    path("modulo-tem/", views.tem, name="tem"),
]
