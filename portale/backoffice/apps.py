from django.apps import AppConfig


class BackofficeConfig(AppConfig):
    name = "portale.backoffice"
    label = "backoffice"
