from django.apps import AppConfig


class RecordsConfig(AppConfig):
    name = "portale.records"
    verbose_name = "Sistemi di riferimento"
    label = "records"
