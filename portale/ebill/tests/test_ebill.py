"""eBill pages: invoice navigation to the cent, the flusso, Traffico on line, cost centres."""

from __future__ import annotations

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from portale.billing.invoicing import invoices_generate
from portale.billing.selectors import invoice_pdf_bytes
from portale.core.pdf import pdf_text
from portale.core.tests.handoff_helpers import grant
from portale.rating.ingest import import_cdr_bytes
from portale.rating.tests.helpers import cdr_bytes, data, voice
from portale.records.models import CostCentre, Line
from portale.records.tests import factories as f

from .helpers import personal_invoice

pytestmark = pytest.mark.django_db


@pytest.fixture
def issued(contract):
    """A real invoice of 4/2021 issued by the engine on two lines with rated traffic."""
    a = f.LineFactory(contract=contract, msisdn="3391110001")
    b = f.LineFactory(contract=contract, msisdn="3391110002")
    import_cdr_bytes(
        cdr_bytes(
            [
                voice("E1", a.msisdn, "2021-07-10T10:00:00", 600),
                voice("E2", a.msisdn, "2021-07-11T10:00:00", 97),
                data("E3", a.msisdn, "2021-08-02T10:00:00", 123457),
                voice("E4", b.msisdn, "2021-08-12T10:00:00", 1234),
            ]
        )
    )
    invoice = invoices_generate(today=datetime.date(2021, 9, 20), depth=1).company[0]
    return invoice, a, b


@pytest.fixture
def eb_client(client, ebill, contract):
    client.force_login(ebill)
    grant(client, ebill, profile="EB", contract=contract)
    return client


def _eur(value: Decimal) -> str:
    return f"{value:,.2f}".replace(",", "X").replace(".", ",").replace("X", ".") + " €"


def test_invoice_totals_match_the_pdf_down_to_one_lines_events(eb_client, issued):
    invoice, a, _b = issued
    pdf = pdf_text(invoice_pdf_bytes(invoice=invoice))
    page = eb_client.get(reverse("ebill:invoice", args=[invoice.pk])).content.decode()
    total = invoice.amount
    assert _eur(total) in page and _eur(total) in pdf
    assert "Traffico voce" in page and a.msisdn in page
    line_page = eb_client.get(reverse("ebill:invoice_line", args=[invoice.pk, a.pk]))
    body = line_page.content.decode()
    table = line_page.context["table"]
    assert table.count == 3  # every billed event of the line, nothing else
    check = line_page.context["check"]
    assert check and all(r["listed"] == r["stored"] for r in check)
    line_total = line_page.context["lc"].total
    assert _eur(line_total) in body and _eur(line_total) in pdf
    assert "non corrisponde" not in body


def test_the_flusso_adds_up_to_the_taxable_amount(eb_client, issued, contract):
    invoice, a, _b = issued
    centre = CostCentre.objects.create(contract=contract, code="CDC1", name="Uffici")
    Line.objects.filter(pk=a.pk).update(cost_centre=centre)
    response = eb_client.get(reverse("ebill:invoice_flow", args=[invoice.pk]))
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text), delimiter=";"))
    assert set(rows[0]) == {
        "NUMERO_FATTURA", "BIMESTRE", "CONTRATTO", "LINEA", "CENTRO_DI_COSTO", "SEZIONE",
        "VOCE", "CATEGORIA", "PERIODI_PRECEDENTI", "EVENTI", "IMPORTO",
    }  # fmt: skip
    taxable = sum(Decimal(r["IMPORTO"]) for r in rows)
    assert (taxable * Decimal("1.22")).quantize(Decimal("0.01")) == invoice.amount
    assert {r["CENTRO_DI_COSTO"] for r in rows if r["LINEA"] == a.msisdn} == {"CDC1"}


def test_a_line_not_on_the_invoice_is_404(eb_client, issued, contract, other_contract):
    invoice, _a, _b = issued
    later = f.LineFactory(contract=other_contract)
    url = reverse("ebill:invoice_line", args=[invoice.pk, later.pk])
    assert eb_client.get(url).status_code == 404


def test_the_invoice_list_and_pdf(eb_client, issued):
    invoice, _a, _b = issued
    page = eb_client.get(reverse("ebill:invoices"))
    assert invoice.number in page.content.decode()
    pdf = eb_client.get(reverse("ebill:invoice_pdf", args=[invoice.pk]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"


def test_home_counts_new_communications(eb_client, contract):
    f.InvoiceFactory(
        contract=contract, emission_date=timezone.localdate(), due_date=timezone.localdate()
    )
    page = eb_client.get(reverse("ebill:home")).content.decode()
    assert "sei collegato ad eBill" in page and "Nuove comunicazioni:" in page
    assert eb_client.get(reverse("ebill:home")).context["new_count"] == 1
    assert (
        "È disponibile la fattura"
        in eb_client.get(reverse("ebill:communications")).content.decode()
    )


# --- Traffico on line ----------------------------------------------------------------------------


def _event(line, amount, days_ago=1, **kw):
    return f.TrafficEventFactory(
        line=line,
        occurred_at=timezone.now() - datetime.timedelta(days=days_ago),
        rated_at=timezone.now(),
        net_amount=Decimal(amount),
        **kw,
    )


def test_online_traffic_is_unbilled_and_split_by_line_kind(eb_client, contract):
    sub = f.LineFactory(contract=contract)
    plan = f.TariffPlanFactory(name="RICARICABILE Business VOLTE", category="RICARICABILE")
    pre = f.LineFactory(contract=contract, tariff_plan=plan, company_credit=Decimal("12.50"))
    _event(sub, "1.2345")
    _event(sub, "0.5000", charging="PERSONALE")  # personal: not the company's traffic
    _event(pre, "2.0000")
    _event(f.LineFactory(), "9.0000")  # another contract
    page = eb_client.get(reverse("ebill:traffic_subscriptions"))
    assert page.context["table"].count == 1
    summary = eb_client.get(reverse("ebill:subscriptions_summary")).context["summary"]
    assert summary[0]["net"] == Decimal("1.23")
    report = eb_client.get(reverse("ebill:prepaid_report"))
    assert report.context["table"].count == 1 and pre.msisdn in report.content.decode()
    recharges = eb_client.get(reverse("ebill:prepaid_recharges"))
    assert recharges.context["credit_total"] == Decimal("12.50")
    assert "72 ore" in recharges.content.decode()
    assert eb_client.get(reverse("ebill:subscriptions_bundles")).status_code == 200


def test_online_filters_reject_a_period_outside_the_two_months(eb_client, contract):
    old = (timezone.localdate() - datetime.timedelta(days=90)).isoformat()
    page = eb_client.get(reverse("ebill:traffic_subscriptions"), {"dal": old})
    assert "deve essere compreso" in page.content.decode()


def test_online_period_errors_are_next_to_their_field(eb_client, contract):
    _event(f.LineFactory(contract=contract), "1.0000")  # listed by a valid search
    today = timezone.localdate()
    first_of_last_month = (today.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
    url = reverse("ebill:traffic_subscriptions")
    page = eb_client.get(url, {"dal": today.isoformat(), "al": first_of_last_month.isoformat()})
    form = page.context["form"]
    assert list(form.errors) == ["al"] and "non può precedere" in form.errors["al"][0]
    assert not form.non_field_errors()
    assert 'id="id_al_error"' in page.content.decode()
    assert page.context["table"].count == 0  # nothing listed for a search not understood
    assert eb_client.get(url).context["table"].count == 1
    bad = eb_client.get(url, {"dal": "ieri"}).context["form"]
    assert bad.errors == {"dal": ["Data non valida: scrivila come gg/mm/aaaa."]}


def test_billed_traffic_is_not_online(eb_client, issued):
    _invoice, a, _b = issued
    # every event of 4/2021 is billed; the window is today's anyway: nothing online
    assert eb_client.get(reverse("ebill:traffic_subscriptions")).context["table"].count == 0


# --- Centri di costo --------------------------------------------------------------------------------


def _upload(client, text: str):
    file = SimpleUploadedFile("cdc.csv", text.encode(), content_type="text/csv")
    return client.post(reverse("ebill:centre_csv"), {"csv-file": file})


def test_the_cost_centre_selects_ask_for_a_choice(eb_client, contract):
    CostCentre.objects.create(contract=contract, code="CDC1", name="Ufficio tecnico")
    body = eb_client.get(reverse("ebill:centres")).content.decode()
    assert body.count("Seleziona il centro di costo") == 2  # Rinomina and Elimina
    assert "---------" not in body


def test_cost_centres_create_rename_assign_and_delete(eb_client, contract):
    line = f.LineFactory(contract=contract)
    r = eb_client.post(
        reverse("ebill:centre_create"), {"nuovo-code": "cdc-a", "nuovo-name": "Anagrafe"}
    )
    assert r.status_code == 302
    centre = CostCentre.objects.get(contract=contract)
    assert centre.code == "CDC-A"
    again = eb_client.post(reverse("ebill:centre_create"), {"nuovo-code": "CDC-A"})
    assert again.status_code == 400 and "esiste già" in again.content.decode()
    eb_client.post(
        reverse("ebill:centre_rename"),
        {"rinomina-centre": centre.pk, "rinomina-name": "Servizi demografici"},
    )
    centre.refresh_from_db()
    assert centre.name == "Servizi demografici"
    eb_client.post(
        reverse("ebill:centre_assign"), {"assegna-line": line.msisdn, "assegna-centre": centre.pk}
    )
    line.refresh_from_db()
    assert line.cost_centre_id == centre.pk
    eb_client.post(reverse("ebill:centre_delete"), {"elimina-centre": centre.pk})
    line.refresh_from_db()
    assert line.cost_centre_id is None and not CostCentre.objects.exists()


def test_cost_centre_csv_with_bad_rows_applies_nothing(eb_client, contract, other_contract):
    a = f.LineFactory(contract=contract)
    b = f.LineFactory(contract=contract)
    foreign = f.LineFactory(contract=other_contract)
    CostCentre.objects.create(contract=contract, code="CDC1")
    CostCentre.objects.create(contract=other_contract, code="ALTRO")
    text = (
        "LINEA;CENTRO_DI_COSTO\n"
        f"{a.msisdn};CDC1\n"
        f"{foreign.msisdn};CDC1\n"
        f"{b.msisdn};ALTRO\n"
        f"{a.msisdn};CDC1\n"
        ";CDC1\n"
    )
    response = _upload(eb_client, text)
    assert response.status_code == 400
    errors = response.context["csv_errors"]
    assert [e.split(":")[0] for e in errors] == ["Riga 3", "Riga 4", "Riga 5", "Riga 6"]
    assert "non è del contratto" in errors[0] and "non esiste" in errors[1]
    assert not Line.objects.filter(cost_centre__isnull=False).exists()


def test_cost_centre_csv_applies_a_good_file_and_the_allocation_shows_it(
    eb_client, contract, issued
):
    invoice, a, b = issued
    CostCentre.objects.create(contract=contract, code="CDC1", name="Uffici")
    CostCentre.objects.create(contract=contract, code="CDC2", name="Scuole")
    response = _upload(eb_client, f"LINEA;CENTRO_DI_COSTO\n{a.msisdn};cdc1\n{b.msisdn};CDC2\n")
    assert response.status_code == 302
    assert Line.objects.get(pk=a.pk).cost_centre.code == "CDC1"
    page = eb_client.get(reverse("ebill:centres_allocation"))
    rows = {r.code: r for r in page.context["per_invoice"][0]["rows"]}
    assert set(rows) == {"CDC1", "CDC2"}
    taxable = page.context["per_invoice"][0]["charges"].taxable
    assert rows["CDC1"].amount + rows["CDC2"].amount == taxable


def test_it_checks_ownership(eb_client, other_contract, contract):
    """Another contract's cost centre or line is not accepted: nothing changes."""
    theirs = CostCentre.objects.create(contract=other_contract, code="X1", name="Loro")
    line = f.LineFactory(contract=other_contract)
    r = eb_client.post(
        reverse("ebill:centre_rename"), {"rinomina-centre": theirs.pk, "rinomina-name": "Mio"}
    )
    assert r.status_code == 400
    eb_client.post(reverse("ebill:centre_delete"), {"elimina-centre": theirs.pk})
    eb_client.post(
        reverse("ebill:centre_assign"), {"assegna-line": line.msisdn, "assegna-centre": ""}
    )
    theirs.refresh_from_db()
    assert theirs.name == "Loro"
    assert CostCentre.objects.filter(pk=theirs.pk).exists()


# --- The employee's CONSULTA ------------------------------------------------------------------------


def test_the_employee_sees_only_their_own_personal_invoices(
    client, employee, employee_line, contract
):
    mine = personal_invoice(f.DualBillingFactory(line=employee_line), "8T99000001")
    theirs = personal_invoice(
        f.DualBillingFactory(line=f.LineFactory(contract=contract)), "8T99000002"
    )
    client.force_login(employee)
    grant(client, employee, profile="DIP", line=employee_line)
    page = client.get(reverse("ebill:personal")).content.decode()
    assert mine.number in page and theirs.number not in page
    assert client.get(reverse("ebill:personal_invoice", args=[mine.pk])).status_code == 200
    assert client.get(reverse("ebill:personal_invoice", args=[theirs.pk])).status_code == 404
    # the company pages are not the employee's
    assert client.get(reverse("ebill:home")).status_code == 403
