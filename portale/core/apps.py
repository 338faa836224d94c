from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "portale.core"
    label = "core"
