from django.apps import AppConfig


class PublicConfig(AppConfig):
    name = "portale.public"
    verbose_name = "Area pubblica"
    label = "public"
