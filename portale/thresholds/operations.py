"""The §7.5 operations "Gestione soglie" owns (Appendix 1: pratica + ordine each).

Each effect applies the pratica to every line of its ``lines`` (the ordine's items) through
``records.services`` only; a threshold changed or ceased meanwhile makes the effect fail
with the records' message (``RecordError``), and fulfilment reports it.
"""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _

from portale.cases.linelist import LINE_LIST
from portale.cases.operations import implement
from portale.core.lists.formats import euro
from portale.records import selectors as record_selectors
from portale.records import services as records

from . import engine, forms


def activate(case) -> None:
    p = case.payload
    for item in p["lines"]:
        line = record_selectors.lines_of_contract(contract=case.contract).get(pk=item["line_id"])
        records.threshold_activate(
            line=line, type=p["type"], period=p["period"], value=Decimal(p["value"])
        )


def change(case) -> None:
    """The new settings, then the engine recomputes erosion, level and block at once."""
    p = case.payload
    value = Decimal(p["value"]) if "value" in p else None
    for item in p["lines"]:
        records.threshold_change(
            threshold_id=item["threshold_id"],
            contract=case.contract,
            type=p.get("type"),
            period=p.get("period"),
            value=value,
        )
    engine.erode_lines(line_ids=[item["line_id"] for item in p["lines"]])


def cease(case) -> None:
    for item in case.payload["lines"]:
        records.threshold_cease(threshold_id=item["threshold_id"], contract=case.contract)


def _lines_key(payload: dict) -> str:
    """G-10: one open threshold pratica per set of lines (the forms also refuse overlaps)."""
    return "soglie:" + ",".join(str(i["line_id"]) for i in payload.get("lines", []))


def _line_rows(payload: dict, new: str = "") -> list[tuple[str, str, str]]:
    """The list of lines (P-09): MSISDN / ICCID, old → new."""
    rows = [(_("Linee selezionate"), "", str(len(payload.get("lines", []))))]
    for item in payload.get("lines", []):
        label = _("Linea %(msisdn)s") % {"msisdn": item.get("msisdn", "")}
        if item.get("iccid"):
            label += f" (ICCID {item['iccid']})"
        rows.append((label, item.get("old", ""), item.get("new", new)))
    return rows


def _money(value: str) -> str:
    return euro(Decimal(value))


def activate_summary(p: dict) -> list[tuple[str, str, str]]:
    new = f"{p['type']} {p['period']} {_money(p['value'])}"
    return [
        (_("Tipologia soglia"), "", p["type"]),
        (_("Periodo soglia"), "", p["period"]),
        (_("Valore"), "", _money(p["value"])),
        *_line_rows(p, new),
    ]


def change_summary(p: dict) -> list[tuple[str, str, str]]:
    rows = []
    if "type" in p:
        rows.append((_("Tipologia soglia"), "", p["type"]))
    if "period" in p:
        rows.append((_("Periodo soglia"), "", p["period"]))
    if "value" in p:
        rows.append((_("Valore"), "", _money(p["value"])))
    return rows + _line_rows(p)


def cease_summary(p: dict) -> list[tuple[str, str, str]]:
    return [(_("Tipologia soglia da cessare"), "", p["type"]), *_line_rows(p)]


# fmt: off
implement("threshold_activate", form=forms.ThresholdActivateForm, effect=activate, conflict_key=_lines_key, summary=activate_summary, uploads=[LINE_LIST])
implement("threshold_change", form=forms.ThresholdChangeForm, effect=change, conflict_key=_lines_key, summary=change_summary, uploads=[LINE_LIST])
implement("roaming_threshold_value", form=forms.RoamingValueForm, effect=change, conflict_key=_lines_key, summary=change_summary, uploads=[LINE_LIST])
implement("roaming_threshold_type", form=forms.RoamingTypeForm, effect=change, conflict_key=_lines_key, summary=change_summary, uploads=[LINE_LIST])
implement("threshold_cease", form=forms.ThresholdCeaseForm, effect=cease, conflict_key=_lines_key, summary=cease_summary, uploads=[LINE_LIST])
# fmt: on
