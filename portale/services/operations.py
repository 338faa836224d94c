"""The SMAS requests of "Servizi avanzati": pratica "Servizio RIF", worked by hand."""

from __future__ import annotations

from django.utils.translation import gettext as _

from portale.cases.operations import implement

from . import forms


def _summary(p: dict) -> list[tuple[str, str, str]]:
    rows = [
        (_("Nome e cognome"), p["full_name"]),
        (_("Telefono"), p["phone"]),
        (_("Email"), p["email"]),
    ]
    if "request_type" in p:
        label = dict(forms.SmasCredentialsForm.REQUESTS).get(p["request_type"], p["request_type"])
        rows.append((_("Tipo di richiesta"), str(label)))
    rows.append((_("Motivo") if "reason" in p else _("Note"), p.get("reason", p.get("notes", ""))))
    return [(label, "", value) for label, value in rows if value]


# fmt: off
implement("smas_support", form=forms.SmasSupportForm, effect=None, summary=_summary)
implement("smas_credentials", form=forms.SmasCredentialsForm, effect=None, summary=_summary)
# fmt: on
