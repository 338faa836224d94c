from django.apps import AppConfig


class InventoryConfig(AppConfig):
    name = "portale.inventory"
    label = "inventory"
