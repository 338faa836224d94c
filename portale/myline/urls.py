from django.urls import path

from portale.sim import views as sim_views

from . import views, views_line, views_packages

app_name = "myline"
urlpatterns = [
    # F-9.1 La mia linea
    path("la-mia-sim/", views_line.sim, name="sim"),
    path("la-mia-sim/<int:pk>/imei/", views_line.sim_imei, name="sim_imei"),
    path("la-mia-sim/<int:pk>/pin-puk/", views_line.pin_puk, name="pin_puk"),
    path("ricarica/", views_line.recharge, name="recharge"),
    path("ricarica/pagamento/", views_line.recharge_pay, name="recharge_pay"),
    path(
        "ricarica/metodi/<int:pk>/elimina/",
        views_line.recharge_method_delete,
        name="recharge_method_delete",
    ),
    path("ricarica/esito/", views_line.recharge_result, name="recharge_result"),
    path("ricariche/", views_line.recharges, name="recharges"),
    # F-9.2.1.3 TIM TUO ricaricabile
    path("tim-tuo/pacchetti/", views_packages.packages, name="dual_packages"),
    path("consumi/", views.consumption, name="consumption"),
    path("consumi/riepilogo/", views.consumption_summary, name="consumption_summary"),
    path("consumi/dettaglio/", views.consumption_detail, name="consumption_detail"),
    path("consumi/tipologia/", views.consumption_types, name="consumption_types"),
    path("sms-di-servizio/", views.service_sms, name="service_sms"),
    # F-9.1.4: the employee's SIM change, implemented with the referent's in portale.sim
    path("cambio-sim/", sim_views.employee_change, name="sim_change"),
    path("cambio-sim/<int:pk>/", sim_views.employee_change_sim, name="sim_change_sim"),
]
