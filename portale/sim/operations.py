"""The §7.3 "Gestione SIM" operations and the employee's SIM change (§9.1.4).

Each row: the parameters form, the effect fulfilment applies when the pratica closes (through
``records.services`` only), the G-10 conflict key and the summary rows.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from portale.cases.operations import implement
from portale.records import services as records

from . import forms


def sim_block(case) -> None:
    """Furto/Smarrimento SIM: the line is SOSPESO, its SIMs BLOCCATA (rating refuses it)."""
    records.line_block(contract=case.contract, line_id=case.payload["line_id"])


def sim_unblock(case) -> None:
    """Ritrovamento SIM: the line is ATTIVO again."""
    records.line_unblock(contract=case.contract, line_id=case.payload["line_id"])


def sim_change(case) -> None:
    """Cambio SIM: the hot-stock SIM takes the old one's place (and role) on the number."""
    p = case.payload
    records.sim_replace(
        contract=case.contract,
        line_id=p["line_id"],
        old_iccid=p["old_iccid"],
        new_iccid=p["new_iccid"],
    )


def _line_key(payload: dict) -> str:
    return f"line:{payload['line_id']}"


def _sim_key(payload: dict) -> str:
    return f"sim:{payload['old_iccid']}"


def _block_summary(payload: dict) -> list[tuple[str, str, str]]:
    if not payload:
        return []  # opened by hand, without parameters
    return [
        (_("Numero"), "", payload["msisdn"]),
        (_("ICCID"), "", payload.get("iccid", "")),
        (_("Stato"), payload.get("state", ""), ""),
    ]


def _change_summary(payload: dict) -> list[tuple[str, str, str]]:
    if not payload:
        return []
    return [
        (_("Numero linea mobile"), "", payload["msisdn"]),
        (_("ICCID"), payload["old_iccid"], payload["new_iccid"]),
        (_("Causale"), "", payload["causale"]),
    ]


# fmt: off
implement("sim_block", form=forms.SimBlockForm, effect=sim_block, conflict_key=_line_key, summary=_block_summary)
implement("sim_unblock", form=forms.SimUnblockForm, effect=sim_unblock, conflict_key=_line_key, summary=_block_summary)
implement("sim_change", form=forms.SimChangeForm, effect=sim_change, conflict_key=_sim_key, summary=_change_summary)
implement("employee_sim_change", form=forms.SimChangeForm, effect=sim_change, conflict_key=_sim_key, summary=_change_summary)
# fmt: on
