"""The §7.3 "Gestione SIM" operations and the employee's SIM change (§9.1.4).

Each row: the parameters form, the effect fulfilment applies when the pratica closes (through
``records.services`` only), the G-10 conflict key and the summary rows.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils.translation import gettext as _

from portale.cases.linelist import LINE_LIST
from portale.cases.operations import Upload, implement
from portale.core.lists.formats import euro
from portale.records import selectors as records_read
from portale.records import services as records
from portale.records.models import Sim

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


def company_recharge(case) -> None:
    """Richiesta ricarica aziendale: a one-shot credit now (with its service SMS), or the
    timed / parametric recharge service the periodic job runs."""
    p = case.payload
    amount = Decimal(p["amount"])
    if p["tipo"] == forms.ONE_SHOT:
        records.line_company_recharge(
            contract=case.contract,
            line_id=p["line_id"],
            amount=amount,
            label=f"RICARICA ONE SHOT {amount:.0f} EBU",
        )
        return
    parameters = {"amount": p["amount"]}
    if p["tipo"] == forms.TIMED:
        parameters["frequency_days"] = p["frequency_days"]
    else:
        parameters["threshold"] = p["threshold"]
    records.line_recharge_service_activate(
        contract=case.contract,
        line_id=p["line_id"],
        kind=forms.SERVICE_KIND[p["tipo"]],
        parameters=parameters,
    )


def recharge_mode(case) -> None:
    """Conferma / Rinuncia ricarica aziendale: next month only, the lines do the opposite of
    their automatic-recharge mode (the monthly job reads it)."""
    p = case.payload
    records.lines_recharge_override(
        contract=case.contract,
        line_ids=[i["line_id"] for i in p["lines"]],
        mode=p["mode"],
        month=p["month"],
    )


def network_services(case) -> None:
    """Servizi di rete: exactly the requested direttrici are blocked on the line."""
    p = case.payload
    records.line_set_blocked_categories(
        contract=case.contract, line_id=p["line_id"], codes=p["blocked"]
    )


def rif_profile(case) -> None:
    """Servizio RIF: the line's new RIF profile."""
    p = case.payload
    records.line_set_rif_profile(contract=case.contract, line_id=p["line_id"], code=p["profile"])


def imei_block(case) -> None:
    """Blocco Imei: a known IMEI of the contract's inventory is marked BLOCCATO; the two
    documents stay with the pratica for the back office (an unknown IMEI is recovered by
    the operator from the traffic data)."""
    imei = case.payload.get("imei")
    if imei:
        records.device_block(contract=case.contract, imei=imei)


def deferred_activation(case) -> None:
    """Attivazione differita SIM: each hot-stock SIM becomes the active SIM of a new line with
    the number it arrived with."""
    records.sims_activate(
        contract=case.contract,
        items=[{"iccid": i["iccid"], "msisdn": i["msisdn"]} for i in case.payload["sims"]],
    )


def hot_stock(case) -> None:
    """Scorta calda SIM, closed by the back office once the SIMs are prepared: the back end
    ships them (a logistics ordine with its tracking, G-29); they enter the contract's stock
    when delivered (``hot_stock_delivered``)."""
    from portale.cases.services import shipment_order_create

    labels = dict(Sim.Kind.choices)
    items = [
        {"product": str(labels[kind]), "quantity": n}
        for kind, n in case.payload["quantities"].items()
        if n
    ]
    shipment_order_create(case=case, items=items, address=case.payload["delivery_address"])


def hot_stock_delivered(order) -> None:
    """The courier delivered the hot-stock SIMs: they are the contract's, in stock, each with
    its ICCID and number, ready for a deferred activation."""
    for kind, n in order.case.payload["quantities"].items():
        if n:
            records.sims_hot_stock_receive(contract=order.contract, kind=kind, quantity=n)


def _tolerant(summary):
    """A pratica opened by hand (back office) may carry partial parameters: its summary
    then lists what it has instead of failing."""

    def rows(payload: dict) -> list[tuple[str, str, str]]:
        try:
            return summary(payload)
        except (KeyError, TypeError, ValueError):
            return [(str(k), "", str(v)) for k, v in payload.items()]

    return rows


def _italian_date(iso: str) -> str:
    """A payload date ("2026-01-10") as the portal writes dates: "10/01/2026" (COPY §4)."""
    return datetime.date.fromisoformat(iso).strftime("%d/%m/%Y")


def _line_key(payload: dict) -> str:
    return f"line:{payload.get('line_id') or sorted(payload.items())}"


def _sim_key(payload: dict) -> str:
    return f"sim:{payload.get('old_iccid') or sorted(payload.items())}"


@_tolerant
def _block_summary(payload: dict) -> list[tuple[str, str, str]]:
    if not payload:
        return []  # opened by hand, without parameters
    return [
        (_("Numero"), "", payload["msisdn"]),
        (_("ICCID"), "", payload.get("iccid", "")),
        (_("Stato"), payload.get("state", ""), ""),
    ]


@_tolerant
def _change_summary(payload: dict) -> list[tuple[str, str, str]]:
    if not payload:
        return []
    return [
        (_("Numero linea mobile"), "", payload["msisdn"]),
        (_("ICCID"), payload["old_iccid"], payload["new_iccid"]),
        (_("Causale"), "", payload["causale"]),
    ]


@_tolerant
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


@_tolerant
def _recharge_summary(payload: dict) -> list[tuple[str, str, str]]:
    if not payload:
        return []
    rows = [
        (_("Linea"), "", payload["msisdn"]),
        (_("Tipo di ricarica"), "", str(dict(forms.RECHARGE_KINDS)[payload["tipo"]])),
        (_("Importo della ricarica"), "", f"{payload['amount']} €"),
    ]
    if "frequency_days" in payload:
        rows.append(
            (
                _("Frequenza di ricarica"),
                "",
                _("ogni %(n)s giorni") % {"n": payload["frequency_days"]},
            )
        )
    if "threshold" in payload:
        rows.append((_("Valore soglia"), "", euro(payload["threshold"])))  # "2,50 €", as typed
    return rows


@_tolerant
def _mode_summary(payload: dict) -> list[tuple[str, str, str]]:
    if not payload:
        return []
    return [
        (_("Numero di linee"), "", str(len(payload["lines"]))),
        (_("Mese"), "", forms.month_label(payload["month"])),
        (
            _("Modalità di ricarica automatica"),
            payload["mode"],
            payload["mode"] + " " + _("(solo per il mese indicato)"),
        ),
    ]


def _direttrici(codes: list[str]) -> str:
    """The direttrici as the form names them ("Roaming, Satellitare"), not their codes."""
    names = {c.code: c.description for c in records_read.network_categories()}
    return ", ".join(names.get(code, code) for code in codes) or _("nessuna")


@_tolerant
def _network_summary(payload: dict) -> list[tuple[str, str, str]]:
    if not payload:
        return []
    return [
        (_("Linea"), "", payload["msisdn"]),
        (
            _("Direttrici bloccate"),
            _direttrici(payload["old"]),
            _direttrici(payload["blocked"]),
        ),
    ]


@_tolerant
def _rif_summary(payload: dict) -> list[tuple[str, str, str]]:
    if not payload:
        return []
    return [(_("Linea"), "", payload["msisdn"]), (_("Profilo RIF"), payload["old"], payload["new"])]


@_tolerant
def _imei_summary(payload: dict) -> list[tuple[str, str, str]]:
    if not payload:
        return []
    rows = [(_("Numero della linea"), "", payload["msisdn"])]
    if payload["variante"] == forms.KNOWN:
        rows += [
            (_("IMEI"), "", payload["imei"]),
            (_("Tipo di evento"), "", payload["evento"]),
            (_("Data dell'evento"), "", _italian_date(payload["data_evento"])),
        ]
    else:
        rows += [
            (_("IMEI"), "", _("non conosciuto")),
            (_("Periodo di ultimo utilizzo"), "", payload["periodo"]),
        ]
    return rows


@_tolerant
def _deferred_summary(payload: dict) -> list[tuple[str, str, str]]:
    items = payload.get("sims") or []
    labels = dict(Sim.Kind.choices)
    rows = [(_("Numero di SIM da attivare"), "", str(len(items)))]
    for kind, label in labels.items():
        n = sum(1 for i in items if i["kind"] == kind)
        if n:
            rows.append((str(label), "", str(n)))
    return rows


@_tolerant
def _hot_stock_summary(payload: dict) -> list[tuple[str, str, str]]:
    if not payload:
        return []
    labels = dict(Sim.Kind.choices)
    rows = [
        (str(labels[kind]), "", _("Quantità: %(n)s") % {"n": n})
        for kind, n in payload["quantities"].items()
    ]
    rows.append((_("Indirizzo di consegna"), "", payload["delivery_address"]))
    for key, label in (
        ("sede", _("Sede")),
        ("denominazione", _("Denominazione")),
        ("referente", _("Referente sede")),
        ("telefono", _("Telefono")),
        ("fax", _("Numero fax")),
        ("email", _("E-mail")),
    ):
        if payload.get(key):
            rows.append((str(label), "", payload[key]))
    return rows


def _imei_key(payload: dict) -> str:
    return f"imei:{payload.get('imei') or payload.get('line_id') or sorted(payload.items())}"


IMEI_DOCUMENTS = [
    Upload("denuncia", _("Copia denuncia di furto/smarrimento")),
    Upload("documento", _("Documento di Identità del richiedente")),
]


# fmt: off
implement("sim_block", form=forms.SimBlockForm, effect=sim_block, conflict_key=_line_key, summary=_block_summary)
implement("sim_unblock", form=forms.SimUnblockForm, effect=sim_unblock, conflict_key=_line_key, summary=_block_summary)
implement("sim_change", form=forms.SimChangeForm, effect=sim_change, conflict_key=_sim_key, summary=_change_summary)
implement("employee_sim_change", form=forms.SimChangeForm, effect=sim_change, conflict_key=_sim_key, summary=_change_summary)
implement("bundle_flags", form=forms.BundleFlagsForm, effect=bundle_flags, summary=_bundle_summary, uploads=[LINE_LIST])
implement("company_recharge", form=forms.CompanyRechargeForm, effect=company_recharge, summary=_recharge_summary, uploads=[LINE_LIST])
implement("recharge_confirm", form=forms.RechargeModeForm, effect=recharge_mode, summary=_mode_summary, uploads=[LINE_LIST])
implement("recharge_waive", form=forms.RechargeModeForm, effect=recharge_mode, summary=_mode_summary, uploads=[LINE_LIST])
implement("network_services", form=forms.NetworkServicesForm, effect=network_services, conflict_key=_line_key, summary=_network_summary)
implement("rif_profile", form=forms.RifProfileForm, effect=rif_profile, conflict_key=_line_key, summary=_rif_summary)
implement("imei_block", form=forms.ImeiBlockForm, effect=imei_block, conflict_key=_imei_key, summary=_imei_summary, uploads=IMEI_DOCUMENTS, manual=True)
implement("deferred_activation", form=forms.DeferredActivationForm, effect=deferred_activation, summary=_deferred_summary, uploads=[LINE_LIST])
implement("hot_stock", form=forms.HotStockForm, effect=hot_stock, summary=_hot_stock_summary, manual=True, on_delivered=hot_stock_delivered)
# fmt: on
