from django.apps import AppConfig


class DualBillingConfig(AppConfig):
    name = "portale.dualbilling"
    label = "dualbilling"
    verbose_name = "TIM TUO"
