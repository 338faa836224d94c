from django.urls import path

from portale.core import handoff

from . import views

app_name = "billing"
urlpatterns = [
    path("fatture-aziendali/", views.invoices, name="invoices"),
    path("fatture-aziendali/<int:pk>/pdf/", views.invoice_pdf, name="invoice_pdf"),
    path("fatture-aziendali/<int:pk>/xml/", views.invoice_xml, name="invoice_xml"),
    # F-7.4.9 "Modulo TEM": TEM (portale/tem) opens in a new window through the hand-off.
    path(
        "modulo-tem/",
        handoff.start_view("tem", capability="billing.tem", target="tem:report"),
        name="tem",
    ),
]
