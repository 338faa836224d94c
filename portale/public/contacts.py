"""Contact details of the Convention (G-40): kept in settings, with the "…8" defaults.

Override with ``PORTALE_CONTACTS`` in the settings (a dict with the same keys).
"""

from django.conf import settings

DEFAULT_CONTACTS = {
    "phone": "800.680.068",
    "fax": "800.000.210",
    "email": "telefoniamobile8@telecomitalia.it",
    "pec": "telefoniamobile8@pec.telecomitalia.it",
    "company": "TIM S.p.A.",
    "address": "Via Gaetano Negri 1, 20123 Milano",
    "vat": "00488410010",
    "dpo_email": "dpo.clienti@telecomitalia.it",
}


def contacts() -> dict:
    return {**DEFAULT_CONTACTS, **getattr(settings, "PORTALE_CONTACTS", {})}
