from django.apps import AppConfig


class PublicConfig(AppConfig):
    name = "portale.public"
    label = "public"
