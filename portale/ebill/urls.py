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
    path("fatture/<int:pk>/", views.invoice, name="invoice"),
    path("traffico/abbonamenti/", views.traffic_subscriptions, name="traffic_subscriptions"),
    path("traffico/ricaricabili/", views.traffic_prepaid, name="traffic_prepaid"),
    path("personale/", views.personal, name="personal"),
]  # fmt: skip
