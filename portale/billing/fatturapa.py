"""FatturaPA 1.2.2 (FPA12) files of company invoices and credit notes, validated offline.

Built with the standard library's ElementTree from the invoice's stored charges (the same
``Charges`` its PDF shows, so the two cannot disagree) and validated against the official
schema kept in ``fatturapa_xsd/`` (see its README). The only maintained-looking Python
library for the format, ``a38``, had its last release in January 2024; the file is small
and its schema is the contract, so the project builds it and validates every file.

Company invoices only: a public administration receives them through the SdI addressed to
its "Codice Univoco Ufficio", with the tender's CIG and VAT under split payment
("scissione dei pagamenti", art. 17-ter DPR 633/72: ``EsigibilitaIVA`` "S"; the supplier
is paid the taxable amount). TIM TUO personal invoices are ordinary invoices to a private
person and have no FatturaPA file here: ``build`` refuses them.
"""

from __future__ import annotations

import datetime
import functools
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from stdnum.it import codicefiscale, iva

from portale.records.models import Contract, Invoice, PersonalInvoice

from .charges import VAT_RATE, Charges, money

NS = "http://ivaservizi.agenziaentrate.gov.it/docs/xsd/fatture/v1.2"
DS = "http://www.w3.org/2000/09/xmldsig#"
XSD_DIR = Path(__file__).resolve().parent / "fatturapa_xsd"
SCHEMA_FILE = XSD_DIR / "Schema_del_file_xml_FatturaPA_v1.2.2.xsd"
XMLDSIG_FILE = XSD_DIR / "xmldsig-core-schema.xsd"

# The supplier (cedente/prestatore): the operator of the Convenzione.
SUPPLIER = {
    "vat": "00488410010",
    "name": "TIM S.p.A.",
    "street": "Via Gaetano Negri",
    "number": "1",
    "cap": "20123",
    "city": "Milano",
    "province": "MI",
    "regime": "RF01",  # regime ordinario
}
SPLIT_PAYMENT = "S"
PAYMENT_TERMS = "TP02"  # pagamento completo
PAYMENT_METHOD = "MP05"  # bonifico
STAMP_DUTY = Decimal("2.00")
STAMP_DUTY_THRESHOLD = Decimal("77.47")  # amounts not subject to VAT above this pay it


class DocumentType:
    INVOICE = "TD01"
    CREDIT_NOTE = "TD04"


@dataclass(frozen=True)
class Recipient:
    """The addressing codes a file carries, copied from the records when it is made."""

    office_code: str
    cig: str
    cup: str = ""
    order_reference: str = ""
    order_date: datetime.date | None = None

    @classmethod
    def of(cls, contract: Contract) -> Recipient:
        return cls(
            contract.office_code,
            contract.cig,
            contract.cup,
            contract.order_reference,
            contract.order_date,
        )


@dataclass(frozen=True)
class Document:
    """What a file states: a company invoice (TD01) or the credit note cancelling one."""

    kind: str
    number: str
    date: datetime.date
    due_date: datetime.date
    contract: Contract
    charges: Charges
    cancels: Invoice | None = None  # the credit note's invoice

    @property
    def amount_due(self) -> Decimal:
        """Split payment: the administration pays the supplier the taxable amount only."""
        return self.charges.taxable


def problems(contract: Contract) -> list[str]:
    """Why no FatturaPA file can be made for the contract's invoices (empty: none)."""
    out = []
    if not contract.office_code:
        out.append("Codice Univoco Ufficio mancante")
    if not contract.cig:
        out.append("CIG mancante")
    fiscal_code = contract.administration.fiscal_code
    if not (iva.is_valid(fiscal_code) or codicefiscale.is_valid(fiscal_code)):
        out.append(f"Codice fiscale dell'ente non valido: {fiscal_code}")
    return out


def stamp_duty(charges: Charges) -> Decimal | None:
    """Imposta di bollo (€ 2) is due on the amounts not subject to VAT above € 77.47; the
    Convenzione's charges are all subject to VAT at 22%, so it is never due on them."""
    not_taxed = Decimal(0)  # no charge of the Convenzione is out of the VAT's scope
    return STAMP_DUTY if not_taxed > STAMP_DUTY_THRESHOLD else None


def _latin(text: str, limit: int) -> str:
    text = " ".join(str(text).split())
    return "".join(c if ord(c) < 256 else "?" for c in text)[:limit] or "-"


def _sub(parent: ET.Element, tag: str, text=None) -> ET.Element:
    el = ET.SubElement(parent, tag)
    if text is not None:
        el.text = str(text)
    return el


def _amount(x: Decimal) -> str:
    return f"{money(x):.2f}"


def _lines(charges: Charges) -> list[tuple[str, Decimal]]:
    if charges.is_stated:
        return [(f"Servizi di telefonia mobile, bimestre {charges.bimester}", charges.taxable)]
    rows = []
    for lc in charges.lines:
        rows += [(f"{lc.msisdn} {desc}", amount) for desc, amount in lc.fees]
        rows += [
            (f"{lc.msisdn} {t['label']} ({t['events']} eventi)", t["amount"]) for t in lc.traffic
        ]
    return rows or [(f"Nessun addebito nel bimestre {charges.bimester}", Decimal(0))]


def _address(parent: ET.Element, street: str, number: str, cap: str, city: str, province: str):
    sede = _sub(parent, "Sede")
    _sub(sede, "Indirizzo", _latin(street, 60))
    if number:
        _sub(sede, "NumeroCivico", _latin(number, 8))
    _sub(sede, "CAP", cap)
    _sub(sede, "Comune", _latin(city, 60))
    _sub(sede, "Provincia", province.upper())
    _sub(sede, "Nazione", "IT")


def build(document: Document, recipient: Recipient, *, progressive: str) -> bytes:
    """The FatturaPA file (FPA12) of a company document. Not validated here: see
    ``validate``; ``billing.invoicing`` never keeps a file that does not validate."""
    if not isinstance(document.contract, Contract):
        raise TypeError("FatturaPA: solo le fatture aziendali (non le fatture TIM TUO)")
    contract, charges = document.contract, document.charges
    admin = contract.administration
    ET.register_namespace("p", NS)
    ET.register_namespace("ds", DS)
    root = ET.Element(f"{{{NS}}}FatturaElettronica", {"versione": "FPA12"})
    header = _sub(root, "FatturaElettronicaHeader")
    tx = _sub(header, "DatiTrasmissione")
    sender = _sub(tx, "IdTrasmittente")
    _sub(sender, "IdPaese", "IT")
    _sub(sender, "IdCodice", SUPPLIER["vat"])
    _sub(tx, "ProgressivoInvio", progressive)
    _sub(tx, "FormatoTrasmissione", "FPA12")
    _sub(tx, "CodiceDestinatario", recipient.office_code)

    supplier = _sub(header, "CedentePrestatore")
    data = _sub(supplier, "DatiAnagrafici")
    vat_id = _sub(data, "IdFiscaleIVA")
    _sub(vat_id, "IdPaese", "IT")
    _sub(vat_id, "IdCodice", SUPPLIER["vat"])
    _sub(data, "CodiceFiscale", SUPPLIER["vat"])
    _sub(_sub(data, "Anagrafica"), "Denominazione", SUPPLIER["name"])
    _sub(data, "RegimeFiscale", SUPPLIER["regime"])
    _address(
        supplier,
        SUPPLIER["street"],
        SUPPLIER["number"],
        SUPPLIER["cap"],
        SUPPLIER["city"],
        SUPPLIER["province"],
    )

    customer = _sub(header, "CessionarioCommittente")
    data = _sub(customer, "DatiAnagrafici")
    _sub(data, "CodiceFiscale", admin.fiscal_code.upper())
    _sub(_sub(data, "Anagrafica"), "Denominazione", _latin(admin.name, 80))
    seat = admin.seat
    _address(
        customer,
        f"{seat.toponym} {seat.street}",
        seat.number,
        seat.cap,
        seat.city,
        seat.province,
    )

    body = _sub(root, "FatturaElettronicaBody")
    general = _sub(body, "DatiGenerali")
    doc = _sub(general, "DatiGeneraliDocumento")
    _sub(doc, "TipoDocumento", document.kind)
    _sub(doc, "Divisa", "EUR")
    _sub(doc, "Data", document.date.isoformat())
    _sub(doc, "Numero", document.number)
    duty = stamp_duty(charges)
    if duty:
        stamp = _sub(doc, "DatiBollo")
        _sub(stamp, "BolloVirtuale", "SI")
        _sub(stamp, "ImportoBollo", _amount(duty))
    _sub(doc, "ImportoTotaleDocumento", _amount(charges.total))
    if document.kind == DocumentType.CREDIT_NOTE:
        reason = f"Storno totale della fattura {document.cancels.number}"
    else:
        reason = f"Convenzione Telefonia Mobile 8, contratto {contract.code}, bimestre {charges.bimester}"
    _sub(doc, "Causale", _latin(reason, 200))
    _sub(doc, "Causale", "Scissione dei pagamenti art. 17-ter DPR 633/1972")
    if recipient.order_reference:
        order = _sub(general, "DatiOrdineAcquisto")
        _sub(order, "IdDocumento", _latin(recipient.order_reference, 20))
        if recipient.order_date:
            _sub(order, "Data", recipient.order_date.isoformat())
        if recipient.cup:
            _sub(order, "CodiceCUP", recipient.cup)
        _sub(order, "CodiceCIG", recipient.cig)
    contract_ref = _sub(general, "DatiContratto")
    _sub(contract_ref, "IdDocumento", contract.code)
    if recipient.cup:
        _sub(contract_ref, "CodiceCUP", recipient.cup)
    _sub(contract_ref, "CodiceCIG", recipient.cig)
    if document.cancels is not None:
        linked = _sub(general, "DatiFattureCollegate")
        _sub(linked, "IdDocumento", document.cancels.number)
        _sub(linked, "Data", document.cancels.emission_date.isoformat())

    goods = _sub(body, "DatiBeniServizi")
    for n, (desc, amount) in enumerate(_lines(charges), start=1):
        row = _sub(goods, "DettaglioLinee")
        _sub(row, "NumeroLinea", n)
        _sub(row, "Descrizione", _latin(desc, 1000))
        _sub(row, "DataInizioPeriodo", charges.start.isoformat())
        _sub(row, "DataFinePeriodo", charges.last_day.isoformat())
        _sub(row, "PrezzoUnitario", _amount(amount))
        _sub(row, "PrezzoTotale", _amount(amount))
        _sub(row, "AliquotaIVA", f"{VAT_RATE:.2f}")
    summary = _sub(goods, "DatiRiepilogo")
    _sub(summary, "AliquotaIVA", f"{VAT_RATE:.2f}")
    _sub(summary, "ImponibileImporto", _amount(charges.taxable))
    _sub(summary, "Imposta", _amount(charges.vat))
    _sub(summary, "EsigibilitaIVA", SPLIT_PAYMENT)
    _sub(summary, "RiferimentoNormativo", "Scissione dei pagamenti art. 17-ter DPR 633/72")

    payment = _sub(body, "DatiPagamento")
    _sub(payment, "CondizioniPagamento", PAYMENT_TERMS)
    detail = _sub(payment, "DettaglioPagamento")
    _sub(detail, "ModalitaPagamento", PAYMENT_METHOD)
    _sub(detail, "DataScadenzaPagamento", document.due_date.isoformat())
    _sub(detail, "ImportoPagamento", _amount(document.amount_due))

    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


@functools.cache
def schema():
    import xmlschema

    return xmlschema.XMLSchema(str(SCHEMA_FILE), locations={DS: str(XMLDSIG_FILE)}, allow="local")


def validation_errors(xml: bytes) -> list[str]:
    """The schema's objections to a file (empty: it validates against FatturaPA 1.2.2)."""
    import io

    try:
        return [str(e.reason or e) for e in schema().iter_errors(io.BytesIO(xml))]
    except Exception as exc:  # not even well-formed XML
        return [str(exc)]


def totals(xml: bytes) -> dict[str, Decimal]:
    """The amounts a file states (for checks): total, taxable, VAT, amount due."""
    root = ET.fromstring(xml)

    def amount(path: str) -> Decimal:
        return sum((Decimal(el.text) for el in root.iterfind(path)), Decimal(0))

    return {
        "total": amount(".//DatiGeneraliDocumento/ImportoTotaleDocumento"),
        "taxable": amount(".//DatiRiepilogo/ImponibileImporto"),
        "vat": amount(".//DatiRiepilogo/Imposta"),
        "due": amount(".//DettaglioPagamento/ImportoPagamento"),
        "lines": amount(".//DettaglioLinee/PrezzoTotale"),
    }


def is_company(invoice) -> bool:
    """Only company invoices have a FatturaPA file; TIM TUO personal invoices never do."""
    return isinstance(invoice, Invoice) and not isinstance(invoice, PersonalInvoice)
