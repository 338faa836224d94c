"""The §7.1 operations "Dati aziendali" owns: referents and the contract's postal addresses.

Each row: the parameters form, the effect fulfilment applies when the pratica closes (through
``records.services`` only), the G-10 conflict key and the "Conferma dei dati" summary rows.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from portale.cases.operations import implement
from portale.records import services as records
from portale.records.models import Referent

from . import comuni, forms

REFERENT_FIELDS = ("first_name", "last_name", "fiscal_code", "mobile", "email")


def referent_replace(case) -> None:
    """Sostituzione referente: the role's holder becomes the person in the request."""
    p = case.payload
    records.referent_update(
        contract=case.contract,
        referent_id=p["referent_id"],
        **{k: p[k] for k in REFERENT_FIELDS},
    )


def referent_contacts(case) -> None:
    """Modifica contatti referente: the holder's mobile number and e-mail."""
    p = case.payload
    records.referent_update(
        contract=case.contract, referent_id=p["referent_id"], mobile=p["mobile"], email=p["email"]
    )


def invoice_address(case) -> None:
    records.contract_address_set(
        contract=case.contract, kind="invoice_address", **_address(case.payload)
    )


def docs_address(case) -> None:
    records.contract_address_set(
        contract=case.contract, kind="docs_address", **_address(case.payload)
    )


def _address(payload: dict) -> dict:
    return {k: payload.get(k, "") for k in forms.ADDRESS_FIELDS}


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

    def summary(payload: dict) -> list[tuple[str, str, str]]:
        old = payload.get("old", {})
        rows = []
        for key, label in labels:
            if key == "attention_of" and field == "docs_address":
                continue
            new = payload.get(key, "")
            before = old.get(key, "")
            if key == "province":
                new = f"{comuni.province_name(new)} ({new})" if new else ""
                before = f"{comuni.province_name(before)} ({before})" if before else ""
            rows.append((str(label), before, new))
        return rows

    return summary


def _referent_key(payload: dict) -> str:
    return f"referent:{payload['referent_id']}"


# fmt: off
implement("referent_replace", form=forms.ReferentReplaceForm, effect=referent_replace, conflict_key=_referent_key, summary=_referent_summary)
implement("referent_contacts", form=forms.ReferentContactsForm, effect=referent_contacts, conflict_key=_referent_key, summary=_referent_summary)
implement("invoice_address", form=forms.AddressForm, effect=invoice_address, conflict_key=lambda p: "invoice_address", summary=_address_summary("invoice_address"))
implement("docs_address", form=forms.AddressForm, effect=docs_address, conflict_key=lambda p: "docs_address", summary=_address_summary("docs_address"))
# fmt: on
