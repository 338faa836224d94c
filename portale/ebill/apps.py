from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EbillConfig(AppConfig):
    name = "portale.ebill"
    verbose_name = "eBill"
    label = "ebill"

    def ready(self) -> None:
        from portale.core import handoff

        handoff.register("ebill", label=_("eBill"), namespace="ebill")
        handoff.register_start("ebill", capability="billing.ebill", start="ebill:open")
        handoff.register_start(
            "ebill", capability="billing.ebill_subscriptions", start="ebill:open_subscriptions"
        )
        handoff.register_start(
            "ebill", capability="billing.ebill_prepaid", start="ebill:open_prepaid"
        )
        handoff.register_start(
            "ebill", capability="myline.dual_invoice", start="ebill:open_personal"
        )
