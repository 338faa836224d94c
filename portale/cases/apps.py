from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "portale.cases"
    label = "cases"
