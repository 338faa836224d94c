from django.urls import path

from portale.sim import views as sim_views

from . import views

app_name = "myline"
urlpatterns = [
    path("consumi/", views.consumption, name="consumption"),
    path("consumi/riepilogo/", views.consumption_summary, name="consumption_summary"),
    path("consumi/dettaglio/", views.consumption_detail, name="consumption_detail"),
    path("consumi/tipologia/", views.consumption_types, name="consumption_types"),
    path("sms-di-servizio/", views.service_sms, name="service_sms"),
    # F-9.1.4: the employee's SIM change, implemented with the referent's in portale.sim
    path("cambio-sim/", sim_views.employee_change, name="sim_change"),
    path("cambio-sim/<int:pk>/", sim_views.employee_change_sim, name="sim_change_sim"),
]
