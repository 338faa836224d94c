"""The advanced-service platforms (F-7.6, G-37): which SAC code opens which link.

The platforms are the operator's partners' systems, reached in a new window; their addresses
come from ``settings.ADVANCED_SERVICE_LINKS`` ({code: [[label, url], ...]}), overriding the
defaults below.
"""

from __future__ import annotations

from django.conf import settings

DEFAULT_LINKS: dict[str, list[tuple[str, str]]] = {
    "EMM": [
        ("Device Management AIRWATCH M8", "https://airwatch.convenzionemobile8.example.it/"),
        ("Device Management Mobile IRON M8", "https://mobileiron.convenzionemobile8.example.it/"),
    ],
    "FLEET": [("Fleet management", "https://fleet.convenzionemobile8.example.it/")],
    "MESSAGING": [
        (
            "Servizi di messaggistica aziendale",
            "https://messaggistica.convenzionemobile8.example.it/",
        )
    ],
    "MOBILE_PAYMENT": [("Mobile Payment", "https://mobilepayment.convenzionemobile8.example.it/")],
    "SMART_WORKING": [("Smart working", "https://smartworking.convenzionemobile8.example.it/")],
    "SMAS": [("SMAS (Net Profiler)", "https://smas.convenzionemobile8.example.it/")],
}


def links(code: str) -> list[tuple[str, str]]:
    configured = getattr(settings, "ADVANCED_SERVICE_LINKS", {}) or {}
    return [tuple(item) for item in configured.get(code, DEFAULT_LINKS.get(code, []))]
