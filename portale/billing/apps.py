from django.apps import AppConfig


class BillingConfig(AppConfig):
    name = "portale.billing"
    verbose_name = "Fatturazione"
    label = "billing"
