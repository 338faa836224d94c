from django.apps import AppConfig


class CompanyConfig(AppConfig):
    name = "portale.company"
    label = "company"

    def ready(self):
        from . import requests

        requests.register()
