from django.apps import AppConfig


class ServicesConfig(AppConfig):
    """Servizi avanzati (§7.6): links to the platforms the contract has, SMAS requests."""

    name = "portale.services"
    label = "advanced_services"
    verbose_name = "Servizi avanzati"
