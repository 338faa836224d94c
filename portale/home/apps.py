from django.apps import AppConfig


class HomeConfig(AppConfig):
    name = "portale.home"
    label = "home"
