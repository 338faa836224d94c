"""The §7.1 operations of the registry: forms, conflict keys, summaries, effects."""

from __future__ import annotations

from django.utils.translation import gettext as _

from portale.cases import operations
from portale.fulfilment import effects
from portale.records.models import Referent

from . import comuni, forms


def _referent_summary(payload: dict) -> list[tuple[str, str, str]]:
    old = payload.get("old", {})
    role = payload.get("role", "")
    label = Referent.Role(role).label if role in Referent.Role.values else role
    rows = [(_("Tipologia referente"), "", str(label))]
    labels = [
        ("first_name", _("Nome")),
        ("last_name", _("Cognome")),
        ("fiscal_code", _("Codice Fiscale personale")),
        ("mobile", _("Numero mobile")),
        ("email", _("Email")),
    ]
    for key, label in labels:
        if key in payload:
            rows.append((label, old.get(key, ""), payload[key]))
    return rows


def _address_summary(field: str):
    def summary(payload: dict) -> list[tuple[str, str, str]]:
        old = payload.get("old", {})
        labels = [
            ("attention_of", _("All'attenzione di")),
            ("toponym", _("Via")),
            ("street", _("Indirizzo")),
            ("number", _("Civico")),
            ("hamlet", _("Frazione")),
            ("city", _("Comune")),
            ("province", _("Provincia")),
            ("cap", _("Cap")),
        ]
        rows = []
        for key, label in labels:
            if key == "attention_of" and field == "docs_address":
                continue
            new = payload.get(key, "")
            before = old.get(key, "")
            if key == "province":
                new = f"{comuni.province_name(new)} ({new})" if new else ""
                before = f"{comuni.province_name(before)} ({before})" if before else ""
            rows.append((label, before, new))
        return rows

    return summary


def register() -> None:
    operations.implement(
        "referent_replace",
        form=forms.ReferentReplaceForm,
        effect=effects.referent_replace,
        conflict_key=lambda p: f"referent:{p['referent_id']}",
        summary=_referent_summary,
    )
    operations.implement(
        "referent_contacts",
        form=forms.ReferentContactsForm,
        effect=effects.referent_contacts,
        conflict_key=lambda p: f"referent:{p['referent_id']}",
        summary=_referent_summary,
    )
    operations.implement(
        "invoice_address",
        form=forms.AddressForm,
        effect=effects.invoice_address,
        conflict_key=lambda p: "invoice_address",
        summary=_address_summary("invoice_address"),
    )
    operations.implement(
        "docs_address",
        form=forms.AddressForm,
        effect=effects.docs_address,
        conflict_key=lambda p: "docs_address",
        summary=_address_summary("docs_address"),
    )
