from django.apps import AppConfig


class TemConfig(AppConfig):
    name = "portale.tem"
    label = "tem"
    verbose_name = "TEM (TIM Expense Manager)"
