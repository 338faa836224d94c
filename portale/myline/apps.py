from django.apps import AppConfig


class MylineConfig(AppConfig):
    name = "portale.myline"
    verbose_name = "La mia linea"
    label = "myline"
