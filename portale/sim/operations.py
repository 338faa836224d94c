"""The §7.3 "Gestione SIM" operations and the employee's SIM change (§9.1.4).

Each row: the parameters form, the effect fulfilment applies when the pratica closes (through
``records.services`` only), the G-10 conflict key and the summary rows.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from portale.cases.operations import Upload, implement
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


def bundle_flags(case) -> None:
    """Modif abilit over-ext bundle: the new flags on every line of the request."""
    records.lines_set_bundle_flags(
        contract=case.contract,
        changes=[{"line_id": item["line_id"], **item["changes"]} for item in case.payload["lines"]],
    )


LINE_LIST = Upload(forms.DocumentsOnRequest.generated, _("Elenco delle linee"))


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


def _bundle_summary(payload: dict) -> list[tuple[str, str, str]]:
    items = payload.get("lines") or []
    rows = [(_("Numero di linee"), "", str(len(items)))]
    for flag, label in forms.FLAG_LABELS.items():
        on = sum(1 for i in items if i["changes"].get(flag) is True)
        off = sum(1 for i in items if i["changes"].get(flag) is False)
        if on or off:
            rows.append(
                (
                    str(label),
                    "",
                    _("abilitato su %(on)s, disabilitato su %(off)s linee")
                    % {"on": on, "off": off},
                )
            )
    return rows


# fmt: off
implement("sim_block", form=forms.SimBlockForm, effect=sim_block, conflict_key=_line_key, summary=_block_summary)
implement("sim_unblock", form=forms.SimUnblockForm, effect=sim_unblock, conflict_key=_line_key, summary=_block_summary)
implement("sim_change", form=forms.SimChangeForm, effect=sim_change, conflict_key=_sim_key, summary=_change_summary)
implement("employee_sim_change", form=forms.SimChangeForm, effect=sim_change, conflict_key=_sim_key, summary=_change_summary)
implement("bundle_flags", form=forms.BundleFlagsForm, effect=bundle_flags, summary=_bundle_summary, uploads=[LINE_LIST])
# fmt: on
