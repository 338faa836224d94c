from django.urls import path

from . import views

app_name = "sim"
urlpatterns = [
    path("blocco-sblocco/", views.block, name="block"),
    path("blocco-sblocco/<int:pk>/", views.block_confirm, name="block_confirm"),
    path("cambio-sim/", views.change, name="change"),
    path("cambio-sim/<int:pk>/", views.change_sim, name="change_sim"),
    path("abilitazione-bundle/", views.bundle_flags, name="bundle_flags"),
    path("abilitazione-bundle/file/", views.bundle_flags_bulk, name="bundle_flags_bulk"),
    path(
        "abilitazione-bundle/modello.csv", views.bundle_flags_template, name="bundle_flags_template"
    ),
    path("conferma-rinuncia-ricariche/file/", views.recharge_mode_bulk, name="recharge_mode_bulk"),
    path(
        "conferma-rinuncia-ricariche/modello.csv",
        views.recharge_mode_template,
        name="recharge_mode_template",
    ),
    path("attivazione-differita/", views.deferred_activation, name="deferred_activation"),
    path(
        "attivazione-differita/file/",
        views.deferred_activation_bulk,
        name="deferred_activation_bulk",
    ),
    path(
        "attivazione-differita/modello.csv",
        views.deferred_activation_template,
        name="deferred_activation_template",
    ),
    path("scorta-calda/", views.hot_stock, name="hot_stock"),
    path("servizi-di-rete/", views.network_services, name="network_services"),
    path("servizi-di-rete/<int:pk>/", views.network_services_line, name="network_services_line"),
    path("profilo-rif/", views.rif_profile, name="rif_profile"),
    path("profilo-rif/<int:pk>/", views.rif_profile_line, name="rif_profile_line"),
    path("cessazione-sim/", views.cessation, name="cessation"),
    path("blocco-imei/", views.imei_block, name="imei_block"),
    path("blocco-imei/<int:pk>/", views.imei_block_device, name="imei_block_device"),
    path("blocco-imei/imei-non-conosciuto/", views.imei_block_unknown, name="imei_block_unknown"),
    path("conferma-rinuncia-ricariche/", views.recharge_mode, name="recharge_mode"),
    path("ricarica-aziendale/", views.company_recharge, name="company_recharge"),
    path(
        "ricarica-aziendale/<slug:kind>/", views.company_recharge_line, name="company_recharge_line"
    ),
    path(
        "ricarica-aziendale/<slug:kind>/<int:pk>/",
        views.company_recharge_params,
        name="company_recharge_params",
    ),
]
