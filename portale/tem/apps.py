from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TemConfig(AppConfig):
    name = "portale.tem"
    label = "tem"
    verbose_name = "TEM (TIM Expense Manager)"

    def ready(self):
        from portale.core import handoff

        # "Modulo TEM" (billing:tem) hands the user over to TEM in a new window (P-11).
        handoff.register("tem", label=_("Modulo TEM"), namespace="tem")
        handoff.register_start("tem", capability="billing.tem", start="billing:tem")
