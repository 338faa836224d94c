"""The console's tab row, drawn by the one tab markup (``portale.core.tabs``)."""

from django import template
from django.utils.translation import gettext_lazy as _

from portale.core.tabs import tabs

register = template.Library()

ITEMS = [
    ("cases", _("Pratiche"), "backoffice:queue"),
    ("orders", _("Ordini"), "backoffice:orders"),
    ("new", _("Apri pratica per conto del cliente"), "backoffice:file_case"),
    ("tickets", _("Ticket all risk"), "backoffice:tickets"),
    ("chats", _("Chat"), "backoffice:chats"),
    ("callbacks", _("Richieste di richiamata"), "backoffice:callbacks"),
    ("thresholds", _("Linee bloccate da soglia"), "backoffice:thresholds"),
]


@register.inclusion_tag("core/_tabs.html")
def backoffice_tabs(active: str) -> dict:
    return {"tabs": tabs(ITEMS, active=active), "tabs_label": _("Console operatore")}
