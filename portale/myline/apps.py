from django.apps import AppConfig


class MylineConfig(AppConfig):
    name = "portale.myline"
    label = "myline"
