from django.urls import path

from portale.core import handoff

from . import views

app_name = "ebill"
urlpatterns = [
    # The portal's links (P-11): each mints a token and posts it to the entry.
    path("apri/", handoff.start_view("ebill", capability="billing.ebill", target="ebill:home"), name="open"),
    path("apri/abbonamenti/", handoff.start_view("ebill", capability="billing.ebill_subscriptions", target="ebill:traffic_subscriptions"), name="open_subscriptions"),
    path("apri/ricaricabili/", handoff.start_view("ebill", capability="billing.ebill_prepaid", target="ebill:traffic_prepaid"), name="open_prepaid"),
    path("apri/personale/", handoff.start_view("ebill", capability="myline.dual_invoice", target="ebill:personal"), name="open_personal"),
    path("accesso/", handoff.entry_view("ebill"), name="entry"),
    # eBill itself
    path("", views.home, name="home"),
    path("comunicazioni/", views.communications, name="communications"),
    path("fatture/", views.invoices, name="invoices"),
    path("fatture/<int:pk>/", views.invoice, name="invoice"),
    path("fatture/<int:pk>/pdf/", views.invoice_pdf, name="invoice_pdf"),
    path("fatture/<int:pk>/flusso/", views.invoice_flow, name="invoice_flow"),
    path("fatture/<int:pk>/linee/<int:line_pk>/", views.invoice_line, name="invoice_line"),
    path("traffico/abbonamenti/", views.traffic_subscriptions, name="traffic_subscriptions"),
    path("traffico/abbonamenti/sintesi/", views.subscriptions_summary, name="subscriptions_summary"),
    path("traffico/abbonamenti/report/", views.subscriptions_report, name="subscriptions_report"),
    path("traffico/abbonamenti/bundle/", views.subscriptions_bundles, name="subscriptions_bundles"),
    path("traffico/ricaricabili/", views.traffic_prepaid, name="traffic_prepaid"),
    path("traffico/ricaricabili/sintesi/", views.prepaid_summary, name="prepaid_summary"),
    path("traffico/ricaricabili/report/", views.prepaid_report, name="prepaid_report"),
    path("traffico/ricaricabili/bundle/", views.prepaid_bundles, name="prepaid_bundles"),
    path("traffico/ricaricabili/ricariche/", views.prepaid_recharges, name="prepaid_recharges"),
    path("centri-di-costo/", views.centres, name="centres"),
    path("centri-di-costo/nuovo/", views.centre_create, name="centre_create"),
    path("centri-di-costo/rinomina/", views.centre_rename, name="centre_rename"),
    path("centri-di-costo/elimina/", views.centre_delete, name="centre_delete"),
    path("centri-di-costo/assegna/", views.centre_assign, name="centre_assign"),
    path("centri-di-costo/csv/", views.centre_csv, name="centre_csv"),
    path("centri-di-costo/ripartizione/", views.centres_allocation, name="centres_allocation"),
    path("manuali/", views.manuals, name="manuals"),
    path("personale/", views.personal, name="personal"),
    path("personale/manuali/", views.personal_manuals, name="personal_manuals"),
    path("personale/<int:pk>/", views.personal_invoice, name="personal_invoice"),
    path("personale/<int:pk>/pdf/", views.personal_pdf, name="personal_pdf"),
    path("personale/<int:pk>/flusso/", views.personal_flow, name="personal_flow"),
]  # fmt: skip
