"""Reference lists of the Assistenza forms (G-26, G-30: values the guide does not give)."""

from __future__ import annotations

import json
from functools import cache

from django.utils.translation import gettext_lazy as _

CONTACT_REASONS = [
    ("COMMERCIALE", _("Informazioni commerciali")),
    ("TECNICA", _("Informazioni tecniche")),
    ("AMMINISTRATIVA", _("Fatturazione e pagamenti")),
    ("CONVENZIONE", _("Adesione e condizioni della Convenzione")),
    ("ALTRO", _("Altro")),
]

TERMINALS: dict[str, tuple[str, ...]] = {
    "Android": (
        "Samsung Galaxy S24",
        "Samsung Galaxy A55",
        "Samsung Galaxy XCover7",
        "Google Pixel 8",
        "Motorola moto g84",
    ),
    "iOS": ("iPhone 15", "iPhone 15 Pro", "iPhone 14", "iPhone SE (3a generazione)"),
    "iPadOS": ("iPad (10a generazione)", "iPad Air (M2)"),
}

TERMINAL_REQUESTS = [
    ("APPLICAZIONI", _("Installazione o configurazione di applicazioni")),
    ("POSTA", _("Configurazione della posta elettronica")),
    ("RETE", _("Configurazione di rete dati, APN o hotspot")),
    ("USO", _("Uso del telefono")),
    ("MANUALE", _("Invio del manuale del terminale")),
]

WEB_SERVICES = [
    ("PORTALE", _("Portale Convenzione Telefonia Mobile 8")),
    ("EBILL", _("Servizio eBill")),
    ("TEM", _("Modulo TEM")),
    ("SMAS", _("SMAS (Net Profiler)")),
    ("MESSAGGISTICA", _("Servizi di messaggistica")),
]

BROWSERS = [
    ("CHROME", "Google Chrome"),
    ("EDGE", "Microsoft Edge"),
    ("FIREFOX", "Mozilla Firefox"),
    ("SAFARI", "Safari"),
    ("ALTRO", _("Altro")),
]


@cache
def terminals_json() -> str:
    """The OS → models map for the dependent "Modello" drop-down (read by support.js)."""
    return json.dumps(TERMINALS)
