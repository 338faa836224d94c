from django.urls import path

from . import views

app_name = "services"
urlpatterns = [
    path("emm/", views.emm, name="emm"),
    path("fleet-management/", views.fleet, name="fleet"),
    path("messaggistica/", views.messaging, name="messaging"),
    path("mobile-payment/", views.mobile_payment, name="mobile_payment"),
    path("smart-working/", views.smart_working, name="smart_working"),
    path("smas/", views.smas, name="smas"),
    path("smas/assistenza/", views.smas_support, name="smas_support"),
    path("smas/credenziali/", views.smas_reset, name="smas_reset"),
]
