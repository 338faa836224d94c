"""FatturaPA files of company invoices, the SdI stand-in and the correction path (issue 20)."""

import datetime
import re
from decimal import Decimal

import pytest
from django.test import override_settings
from django.urls import reverse

from portale.billing import fatturapa, invoicing
from portale.billing.charges import Charges
from portale.billing.invoicing import (
    einvoice_retry,
    einvoices_complete,
    invoice_reissue,
    invoices_generate,
)
from portale.billing.models import CreditNote, EInvoice
from portale.billing.selectors import invoice_pdf_bytes
from portale.core.pdf import pdf_text
from portale.rating.ingest import import_cdr_bytes
from portale.rating.tests.helpers import cdr_bytes, voice
from portale.records.models import DualBilling, Invoice, LineService, PersonalInvoice

from .scope import make_invoice

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2021, 9, 20)


@pytest.fixture(autouse=True)
def _recent(monkeypatch):
    monkeypatch.setattr("portale.billing.selectors._since", lambda: datetime.date(2021, 1, 1))


def _charged(line):
    line.tariff_plan.monthly_fee = Decimal("5.00")
    line.tariff_plan.save()
    LineService.objects.create(
        line=line,
        description="SUPER INTERNET MOBILE LTE VOLTE",
        activation_date=datetime.date(2021, 4, 6),
        monthly_fee=Decimal("10"),
        pct_charged_to_entity=Decimal("100"),
    )
    import_cdr_bytes(cdr_bytes([voice("F1", line.msisdn, "2021-07-10T10:00:00", 600)]))


def _eur(x: Decimal) -> str:
    return f"{x:,.2f}".replace(",", "X").replace(".", ",").replace("X", ".") + " €"


def _pdf_amount(text: str, label: str) -> str:
    return re.search(rf"{label}\s+([0-9.]+,[0-9]{{2}} €)", text).group(1)


def test_issued_invoice_has_a_valid_split_payment_file_delivered_by_the_sdi(
    client, ebill, contract, employee_line
):
    contract.cup, contract.order_reference = "J51B21000010001", "ORD-2021-17"
    contract.save()
    _charged(employee_line)
    inv = invoices_generate(today=TODAY, depth=1).company[0]
    # 2×5 plan + 2×10 STS + 0.20 traffic = 30.20 taxable; VAT 6.64; total 36.84
    assert inv.amount == Decimal("36.84")
    einv = EInvoice.objects.get(invoice=inv)
    assert einv.state == EInvoice.State.DELIVERED and einv.receipt_kind == "RC" and einv.sdi_id
    xml = einv.xml.read()
    assert fatturapa.validation_errors(xml) == []
    text = xml.decode()
    for tag in (
        "<FormatoTrasmissione>FPA12<",
        f"<CodiceDestinatario>{contract.office_code}<",
        "<EsigibilitaIVA>S<",
        f"<CodiceCIG>{contract.cig}<",
        "<CodiceCUP>J51B21000010001<",
        "<IdDocumento>ORD-2021-17<",
        "<TipoDocumento>TD01<",
        "<CondizioniPagamento>TP02<",
    ):
        assert tag in text
    assert "DatiBollo" not in text  # every charge is subject to VAT: no stamp duty
    totals = fatturapa.totals(xml)
    assert totals == {
        "total": Decimal("36.84"),
        "taxable": Decimal("30.20"),
        "vat": Decimal("6.64"),
        "due": Decimal("30.20"),  # split payment: the taxable amount
        "lines": Decimal("30.20"),
    }
    # the same amounts in the PDF and in the database, to the cent
    client.force_login(ebill)
    pdf = pdf_text(client.get(reverse("billing:invoice_pdf", args=[inv.pk])).content)
    assert _pdf_amount(pdf, "Totale fattura") == _eur(totals["total"]) == _eur(inv.amount)
    assert _pdf_amount(pdf, "Netto a pagare") == _eur(totals["due"])
    assert "scissione dei pagamenti" in pdf and contract.cig in pdf and contract.office_code in pdf
    r = client.get(reverse("billing:invoice_xml", args=[inv.pk]))
    assert r.status_code == 200 and r["Content-Type"] == "application/xml"
    assert r.content == xml and einv.file_name in r["Content-Disposition"]
    html = client.get(reverse("billing:invoices")).content.decode()
    assert "Consegnata" in html and reverse("billing:invoice_xml", args=[inv.pk]) in html


@pytest.mark.parametrize("missing", ["office_code", "cig"])
def test_missing_office_code_or_cig_is_not_sent_and_flagged(
    client, roa, contract, employee_line, missing
):
    setattr(contract, missing, "")
    contract.save()
    _charged(employee_line)
    inv = invoices_generate(today=TODAY, depth=1).company[0]
    einv = EInvoice.objects.get(invoice=inv)
    assert einv.state == EInvoice.State.BLOCKED and not einv.xml and not einv.sdi_id
    expected = "Codice Univoco Ufficio mancante" if missing == "office_code" else "CIG mancante"
    assert einv.problem == expected
    client.force_login(roa)
    assert client.get(reverse("billing:invoice_xml", args=[inv.pk])).status_code == 404
    assert "Bloccata" in client.get(reverse("billing:invoices")).content.decode()
    # the back office completes the records; the same invoice's file is made and sent
    setattr(contract, missing, "UFAB12" if missing == "office_code" else "ZA1B2C3D4E")
    contract.save()
    amount = inv.amount
    einv = einvoice_retry(einvoice=einv)
    inv.refresh_from_db()
    assert einv.state == EInvoice.State.DELIVERED and inv.amount == amount
    assert client.get(reverse("billing:invoice_xml", args=[inv.pk])).status_code == 200


def test_a_file_that_does_not_validate_is_never_offered(
    client, roa, contract, employee_line, monkeypatch
):
    real = fatturapa.build
    monkeypatch.setattr(
        fatturapa, "build", lambda *a, **k: real(*a, **k).replace(b"FPA12<", b"FPX99<")
    )
    inv = invoices_generate(today=TODAY, depth=1).company[0]
    einv = EInvoice.objects.get(invoice=inv)
    assert einv.state == EInvoice.State.BLOCKED and "schema FatturaPA" in einv.problem
    assert not einv.xml and not einv.sdi_id
    client.force_login(roa)
    assert client.get(reverse("billing:invoice_xml", args=[inv.pk])).status_code == 404


def test_rejection_then_credit_note_and_a_new_invoice(client, roa, contract, employee_line):
    _charged(employee_line)
    with override_settings(SDI_STANDIN_CLOSED_OFFICES=[contract.office_code]):
        old = invoices_generate(today=TODAY, depth=1).company[0]
    einv = EInvoice.objects.get(invoice=old)
    assert einv.state == EInvoice.State.REJECTED and einv.receipt_kind == "NS"
    assert einv.error_code == "00311" and "CodiceDestinatario" in einv.error_description
    client.force_login(roa)
    assert "Scartata dallo SdI (00311)" in client.get(reverse("billing:invoices")).content.decode()
    snapshot = (old.number, old.amount, old.emission_date, old.bimester)
    # the back office corrects the office code in the records and re-issues
    contract.office_code = "UFOK01"
    contract.save()
    new = invoice_reissue(invoice=old)
    old.refresh_from_db()
    assert (old.number, old.amount, old.emission_date, old.bimester) == snapshot
    assert old.cancelled_on is not None and new.replaces == old
    assert new.number != old.number and new.amount == old.amount and new.bimester == old.bimester
    note = CreditNote.objects.get(invoice=old)
    assert note.amount == old.amount and note.number.startswith("7N")
    note_xml = note.einvoice.xml.read()
    assert fatturapa.validation_errors(note_xml) == []
    assert (
        b"<TipoDocumento>TD04<" in note_xml and f"<IdDocumento>{old.number}<".encode() in note_xml
    )
    assert fatturapa.totals(note_xml)["total"] == old.amount
    new_einv = EInvoice.objects.get(invoice=new)
    assert new_einv.state == EInvoice.State.DELIVERED and new_einv.office_code == "UFOK01"
    assert fatturapa.totals(new_einv.xml.read())["total"] == new.amount
    html = client.get(reverse("billing:invoices")).content.decode()
    assert f"Annullata con nota di credito {note.number}, sostituita dalla {new.number}" in html
    # nothing to re-issue twice
    with pytest.raises(Exception, match="scartata"):
        invoice_reissue(invoice=old)
    # the next run does not issue the bimester again
    assert invoices_generate(today=TODAY, depth=1).company == []


def test_failed_delivery_notice(contract, employee_line):
    with override_settings(SDI_STANDIN_UNREACHABLE_OFFICES=[contract.office_code]):
        inv = invoices_generate(today=TODAY, depth=1).company[0]
    einv = EInvoice.objects.get(invoice=inv)
    assert einv.state == EInvoice.State.NOT_DELIVERED and einv.receipt_kind == "MC"


def test_seed_invoice_file_from_its_stored_amount(client, roa, contract):
    inv = make_invoice(contract, "7X00000311", "4/2021", amount="178.62")
    inv.refresh_from_db()
    assert einvoices_complete() == 1
    xml = EInvoice.objects.get(invoice=inv).xml.read()
    assert fatturapa.validation_errors(xml) == []
    totals = fatturapa.totals(xml)
    assert totals["total"] == inv.amount and totals["due"] == totals["taxable"]
    text = pdf_text(invoice_pdf_bytes(invoice=inv))
    assert _pdf_amount(text, "Totale fattura") == _eur(totals["total"])
    assert _pdf_amount(text, "Netto a pagare") == _eur(totals["due"])
    inv.refresh_from_db()
    assert inv.amount == Decimal("178.62")


def test_personal_tim_tuo_invoices_are_ordinary_invoices(employee_line, contract):
    billing = DualBilling.objects.create(
        line=employee_line,
        kind="ABBONAMENTO",
        code="888200093221",
        activation_date=datetime.date(2021, 5, 1),
        employee_fiscal_code="RSSMRA80A01H501U",
        employee_first_name="Mario",
        employee_last_name="Rossi",
    )
    import_cdr_bytes(
        cdr_bytes([voice("P1", employee_line.msisdn, "2021-07-10T10:00:00", 300, charging="PERS")])
    )
    r = invoices_generate(today=TODAY, depth=1)
    personal = PersonalInvoice.objects.get(dual_billing=billing)
    assert r.personal == [personal]
    assert EInvoice.objects.filter(invoice__isnull=False).count() == len(r.company) == 1
    assert not invoicing.PERSONAL.electronic and invoicing.COMPANY.electronic
    text = pdf_text(personal.pdf.read())
    assert "scissione" not in text.lower() and contract.cig not in text
    assert "Totale (IVA inclusa)" in text
    charges = Charges("4/2021", datetime.date(2021, 7, 1), datetime.date(2021, 9, 1), [])
    with pytest.raises(TypeError):
        fatturapa.build(
            fatturapa.Document(
                fatturapa.DocumentType.INVOICE, personal.number, TODAY, TODAY, billing, charges
            ),
            fatturapa.Recipient("UFAB12", "ZA1B2C3D4E"),
            progressive="00001",
        )
    assert not fatturapa.is_company(personal) and fatturapa.is_company(Invoice())


def test_no_stamp_duty_on_charges_subject_to_vat():
    charges = Charges.stated(
        bimester="4/2021",
        start=datetime.date(2021, 7, 1),
        end=datetime.date(2021, 9, 1),
        total=Decimal("1220.00"),
    )
    assert charges.taxable == Decimal("1000.00") and fatturapa.stamp_duty(charges) is None


def test_invalid_codes_are_refused_by_the_records(contract):
    from django.core.exceptions import ValidationError

    assert fatturapa.problems(contract) == []
    for field, value in [("office_code", "uf12"), ("cig", "12345"), ("cup", "123")]:
        good = getattr(contract, field)
        setattr(contract, field, value)
        with pytest.raises(ValidationError):
            contract.full_clean()
        setattr(contract, field, good)
    contract.administration.ipa_code = "Not an IPA code"
    with pytest.raises(ValidationError):
        contract.administration.full_clean()
    contract.administration.fiscal_code = "80000030547"  # wrong check digit
    assert fatturapa.problems(contract) == ["Codice fiscale dell'ente non valido: 80000030547"]


def test_every_demo_invoice_has_a_valid_file_with_the_pdf_and_database_amounts():
    from django.core.management import call_command

    today = datetime.date(2026, 11, 20)
    call_command("demo_data", "--today", today.isoformat(), "--lines-per-contract", "20")
    call_command("send_einvoices", "--today", today.isoformat())
    invoices = list(Invoice.objects.select_related("contract__administration"))
    assert len(invoices) > 20
    for inv in invoices:
        einv = EInvoice.objects.get(invoice=inv)
        assert einv.state == EInvoice.State.DELIVERED, (inv.number, einv.problem)
        xml = einv.xml.read()
        assert fatturapa.validation_errors(xml) == []
        totals = fatturapa.totals(xml)
        assert totals["total"] == inv.amount
        assert totals["taxable"] + totals["vat"] == inv.amount == totals["lines"] + totals["vat"]
        assert totals["due"] == totals["taxable"]
        assert f"<CodiceCIG>{inv.contract.cig}<" in xml.decode()
    for inv in invoices[:: max(1, len(invoices) // 4)]:  # the PDFs of a sample
        text = pdf_text(invoice_pdf_bytes(invoice=inv))
        totals = fatturapa.totals(EInvoice.objects.get(invoice=inv).xml.read())
        assert _pdf_amount(text, "Totale fattura") == _eur(totals["total"]) == _eur(inv.amount)
        assert _pdf_amount(text, "Netto a pagare") == _eur(totals["due"])


def test_profile_shows_the_invoicing_codes(client, roa, contract):
    contract.cup = "J51B21000010001"
    contract.save()
    client.force_login(roa)
    html = client.get(reverse("company:profile")).content.decode()
    assert "Fatturazione elettronica" in html and contract.administration.ipa_code in html
    assert contract.office_code in html and contract.cig in html and "J51B21000010001" in html


def test_back_office_corrects_codes_and_reissues_in_the_admin(client, contract, employee_line):
    from django.contrib.auth import get_user_model

    from portale.backoffice.services import operator_grant

    with override_settings(SDI_STANDIN_CLOSED_OFFICES=[contract.office_code]):
        old = invoices_generate(today=TODAY, depth=1).company[0]
    staff = get_user_model().objects.create_user("op@example.it", "op@example.it", "x")
    operator_grant(user=staff)
    client.force_login(staff)
    url = reverse("admin:billing_contractinvoicing_change", args=[contract.pk])
    form = {"office_code": "bad", "cig": contract.cig, "ipa_code": "c_x001"}
    assert client.post(url, form).status_code == 200  # refused: the form shows the error
    contract.refresh_from_db()
    assert contract.office_code != "bad"
    form["office_code"] = "UFNEW1"
    assert client.post(url, form).status_code == 302
    contract.refresh_from_db()
    assert contract.office_code == "UFNEW1" and contract.administration.ipa_code == "c_x001"
    einv = EInvoice.objects.get(invoice=old)
    client.post(
        reverse("admin:billing_einvoice_changelist"),
        {"action": "reissue_rejected", "_selected_action": [einv.pk]},
    )
    old.refresh_from_db()
    assert old.cancelled_on and old.replaced_by.einvoice.state == EInvoice.State.DELIVERED
    assert old.replaced_by.einvoice.office_code == "UFNEW1"
