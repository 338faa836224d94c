from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "portale.payments"
    label = "payments"
    verbose_name = "Pagamenti"

    def ready(self) -> None:
        from . import tasks  # noqa: F401  (the sandbox's notification job)
