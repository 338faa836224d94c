from django.urls import path

from . import views

app_name = "myline"
urlpatterns = [
    path("consumi/", views.consumption, name="consumption"),
    path("consumi/riepilogo/", views.consumption_summary, name="consumption_summary"),
    path("consumi/dettaglio/", views.consumption_detail, name="consumption_detail"),
    path("consumi/tipologia/", views.consumption_types, name="consumption_types"),
    path("sms-di-servizio/", views.service_sms, name="service_sms"),
]
