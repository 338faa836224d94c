from django.apps import AppConfig


class SupportConfig(AppConfig):
    name = "portale.support"
    label = "support"
    verbose_name = "Assistenza"
