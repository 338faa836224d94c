from django.apps import AppConfig


class SimConfig(AppConfig):
    name = "portale.sim"
    label = "sim"
