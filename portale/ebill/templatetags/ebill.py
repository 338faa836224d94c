"""eBill's tab row, drawn by the one tab markup (``portale.core.tabs``): a referent's
sections, or an employee's own invoices and manuals (the hand-off scope says which)."""

from django import template
from django.utils.translation import gettext_lazy as _

from portale.core.tabs import tabs

register = template.Library()

MANUALS = _("Applicazioni di servizio › Manuali")
COMPANY = [
    ("home", _("Home Page"), "ebill:home"),
    ("invoices", _("Fatturazione"), "ebill:invoices"),
    ("traffic", _("Traffico on line abbonamenti"), "ebill:traffic_subscriptions"),
    ("traffic_prepaid", _("Traffico on line ricaricabili"), "ebill:traffic_prepaid"),
    ("centres", _("Gestione dei Centri di Costo"), "ebill:centres"),
    ("manuals", MANUALS, "ebill:manuals"),
]
PERSONAL = [
    ("personal", _("Le mie fatture"), "ebill:personal"),
    ("manuals", MANUALS, "ebill:personal_manuals"),
]


@register.inclusion_tag("core/_tabs.html", takes_context=True)
def ebill_tabs(context) -> dict:
    scope = context.get("scope")
    items = PERSONAL if scope is not None and scope.line else COMPANY
    return {"tabs": tabs(items, active=context.get("tab", "")), "tabs_label": _("Menu di eBill")}
