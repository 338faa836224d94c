from django.apps import AppConfig


class BillingConfig(AppConfig):
    name = "portale.billing"
    label = "billing"
