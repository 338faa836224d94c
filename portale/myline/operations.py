"""The employee's own-line operations: "Ricarica manuale web/app" (F-9.1.2) and the TIM TUO
prepaid options (F-9.2.1.3, G-43, G-52).

The personal recharge is filed by the payment's success hook (the purpose
``personal_recharge`` registered here with ``portale.payments``), once per payment: its
effect credits the personal basket. The option requests share one conflict group per line
(G-52: one request at a time, whatever the family, until the back-end has applied it).
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.utils.translation import gettext as _

from portale.cases import services as cases
from portale.cases.operations import implement
from portale.core.lists.formats import euro
from portale.payments.hooks import register_purpose
from portale.records import selectors as records_read
from portale.records import services as records
from portale.records.models import PersonalRecharge

from . import catalog, forms


def _line_key(payload: dict) -> str:
    return f"linea:{payload['line_id']}"


# --- Ricarica manuale web/app -----------------------------------------------------------------


def personal_recharge(case) -> None:
    """The recharge platform credits the personal basket (never the company one)."""
    p = case.payload
    records.line_personal_recharge(
        line_id=p["line_id"],
        amount=Decimal(p["amount"]),
        channel=PersonalRecharge.Channel.WEB,
        reference=p["order"],
    )


def _recharge_summary(p: dict) -> list[tuple[str, str, str]]:
    return [
        (_("N° ordine"), "", p["order"]),
        (_("Importo"), "", euro(p["amount"])),
    ]


implement(
    "personal_recharge",
    form=forms.PersonalRechargeForm,
    effect=personal_recharge,
    conflict_key=lambda p: f"ordine:{p['order']}",
    summary=_recharge_summary,
)


def recharge_paid(payment) -> None:
    """The payment's success hook: file the pratica (idempotent: one per payment)."""
    line = records_read.all_lines().select_related("contract").get(pk=payment.reference["line_id"])
    cases.case_file(
        operation="personal_recharge",
        actor=payment.user,
        contract=line.contract,
        line=line,
        payload={
            "line_id": line.pk,
            "amount": str(int(payment.total)),
            "order": payment.order_number,
        },
        idempotency_key=f"payment:{payment.token}",
    )


register_purpose(forms.RECHARGE_PURPOSE, on_success=recharge_paid)


# --- TIM TUO ricaricabile: Pacchetti/Plafond --------------------------------------------------

# G-52: the line stays locked while a request is open, at most 24 h (a request the back-end
# never reflects must not lock the employee out for good).
OPTION_LOCK = timedelta(hours=24)


def option_activate(case) -> None:
    p = case.payload
    records.personal_option_activate(
        line_id=p["line_id"],
        family=p["family"],
        code=p["code"],
        name=p["name"],
        price=Decimal(p["price"]),
    )


def option_cease(case) -> None:
    p = case.payload
    records.personal_option_cease(line_id=p["line_id"], family=p["family"])


def _family_label(p: dict) -> str:
    return str(catalog.BY_CODE[p["family"]].label)


def _activate_summary(p: dict) -> list[tuple[str, str, str]]:
    return [
        (_("Famiglia"), "", _family_label(p)),
        (_("Opzione"), "", p["name"]),
        (_("Prezzo"), "", euro(p["price"])),
    ]


def _cease_summary(p: dict) -> list[tuple[str, str, str]]:
    return [
        (_("Famiglia"), "", _family_label(p)),
        (_("Opzione da disattivare"), p["name"], _("Disattiva")),
    ]


for code in catalog.ACTIVATE_OPS:
    implement(
        code,
        form=forms.PackageActivateForm,
        effect=option_activate,
        conflict_key=_line_key,
        conflict_group="timtuoric",
        conflict_timeout=OPTION_LOCK,
        summary=_activate_summary,
    )
for code in catalog.CEASE_OPS:
    implement(
        code,
        form=forms.PackageCeaseForm,
        effect=option_cease,
        conflict_key=_line_key,
        conflict_group="timtuoric",
        conflict_timeout=OPTION_LOCK,
        summary=_cease_summary,
    )
