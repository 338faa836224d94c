from django.apps import AppConfig


class FulfilmentConfig(AppConfig):
    name = "portale.fulfilment"
    verbose_name = "Evasione delle richieste"
    label = "fulfilment"

    def ready(self):
        # The engine works every pratica the portal files: it listens, cases never calls it.
        from portale.cases.hooks import on_case_filed, on_orders_due

        from .tasks import case_filed, orders_due

        on_case_filed(case_filed)
        on_orders_due(orders_due)
