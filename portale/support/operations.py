"""The Assistenza requests that open a pratica (Appendix 1), worked by Customer Service.

None has an effect on the records: each lands in the back office queue, where an operator
contacts the customer and closes it with the outcome the customer then reads in "Storico
pratiche".
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from portale.cases.operations import implement

from . import catalogue, forms, services


def _label(choices, value: str) -> str:
    return str(dict(choices).get(value, value))


def _contact_summary(p: dict) -> list[tuple[str, str, str]]:
    return [
        (_("Causale"), "", _label(catalogue.CONTACT_REASONS, p["reason"])),
        (_("Telefono"), "", p["phone"]),
        (_("Note"), "", p["notes"]),
    ]


def _terminal_summary(p: dict) -> list[tuple[str, str, str]]:
    return [
        (_("Sistema operativo"), "", p["os"]),
        (_("Modello"), "", p["model"]),
        (_("Tipo di richiesta"), "", _label(catalogue.TERMINAL_REQUESTS, p["request_type"])),
        (_("Telefono"), "", p["phone"]),
        (_("Descrizione"), "", p["description"]),
    ]


def _service_summary(p: dict) -> list[tuple[str, str, str]]:
    rows = [
        (_("Nome e cognome"), p["full_name"]),
        (_("Numero mobile"), p["mobile"]),
        (_("Email"), p["email"]),
        (_("Servizi TIM"), _label(catalogue.WEB_SERVICES, p["service"])),
        (_("Hai già utilizzato il servizio in passato?"), p["used_before"]),
        (_("Versione del browser"), _label(catalogue.BROWSERS, p["browser"])),
        (_("User ID del servizio"), p["service_user"]),
        (_("Descrizione disservizio"), p["problem"]),
        (_("Messaggio di errore visualizzato"), p["error_message"]),
        (_("Note"), p["notes"]),
        (_("Inizio del problema"), p["started"]),
    ]
    return [(label, "", value) for label, value in rows if value]


def _device_summary(p: dict) -> list[tuple[str, str, str]]:
    destination = p["service_point"] or p["address"]
    return [
        (_("Apparato"), "", f"{p['imei']} – {p['device_description']}"),
        (_("Tipo di problema"), "", p["problem"].capitalize()),
        (_("Descrizione"), "", p["description"]),
        (_("Consegna"), "", _("Punto di assistenza") if p["service_point"] else _("Sede cliente")),
        (_("Indirizzo"), "", destination),
    ]


def _device_subject(p: dict) -> str:
    """G-10: one open ticket per device, named by its IMEI in the refusal."""
    return _("l'apparato con IMEI %(imei)s") % {"imei": p["imei"]} if p.get("imei") else ""


def _ticket_url(case) -> str:
    return reverse("support:ticket", args=[case.number])


# fmt: off
implement("device_support", form=forms.DeviceSupportForm, effect=None, conflict_key=lambda p: f"device:{p['device_id']}", conflict_subject=_device_subject, summary=_device_summary, on_file=services.ticket_open, detail_url=_ticket_url)
implement("contact_request", form=forms.ContactRequestForm, effect=None, summary=_contact_summary)
implement("terminal_config", form=forms.TerminalConfigForm, effect=None, summary=_terminal_summary)
implement("service_support", form=forms.ServiceSupportForm, effect=None, summary=_service_summary)
# fmt: on
