from django.apps import AppConfig


class HomeConfig(AppConfig):
    name = "portale.home"
    verbose_name = "Home del portale"
    label = "home"
