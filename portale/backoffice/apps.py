from django.apps import AppConfig


class BackofficeConfig(AppConfig):
    name = "portale.backoffice"
    verbose_name = "Back office"
    label = "backoffice"
