from django.apps import AppConfig


class RecordsConfig(AppConfig):
    name = "portale.records"
    label = "records"
