from django.apps import AppConfig


class FulfilmentConfig(AppConfig):
    name = "portale.fulfilment"
    label = "fulfilment"
