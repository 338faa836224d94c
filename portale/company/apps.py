from django.apps import AppConfig


class CompanyConfig(AppConfig):
    name = "portale.company"
    label = "company"
