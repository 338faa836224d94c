from django.apps import AppConfig


class SimConfig(AppConfig):
    name = "portale.sim"
    verbose_name = "Gestione SIM"
    label = "sim"
