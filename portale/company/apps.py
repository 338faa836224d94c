from django.apps import AppConfig


class CompanyConfig(AppConfig):
    name = "portale.company"
    verbose_name = "Dati aziendali"
    label = "company"
