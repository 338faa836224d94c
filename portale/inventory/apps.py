from django.apps import AppConfig


class InventoryConfig(AppConfig):
    name = "portale.inventory"
    verbose_name = "Consistenze"
    label = "inventory"
