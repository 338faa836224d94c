"""Scope cases of the billing URLs with parameters (see core/tests/test_access.py)."""

import datetime

from django.utils import timezone

from portale.records.models import Invoice


def make_invoice(contract, number, bimester="1/2021", **kw) -> Invoice:
    emission = kw.pop("emission_date", timezone.localdate() - datetime.timedelta(days=20))
    return Invoice.objects.create(
        contract=contract,
        number=number,
        bimester=bimester,
        amount=kw.pop("amount", "178.62"),
        emission_date=emission,
        due_date=emission + datetime.timedelta(days=30),
        **kw,
    )


def _invoice_pdf(env):
    own = make_invoice(env.contract, "7X90000001")
    foreign = make_invoice(env.other_contract, "7X90000002")
    return {"user": env.users["ROA"], "own": {"pk": own.pk}, "foreign": {"pk": foreign.pk}}


def _invoice_xml(env):
    from portale.billing.invoicing import einvoices_complete

    own = make_invoice(env.contract, "7X90000003", "2/2021")
    foreign = make_invoice(env.other_contract, "7X90000004", "2/2021")
    einvoices_complete()  # both have their FatturaPA file: only the scope hides the other
    return {"user": env.users["ROA"], "own": {"pk": own.pk}, "foreign": {"pk": foreign.pk}}


SCOPE_CASES = {"billing:invoice_pdf": _invoice_pdf, "billing:invoice_xml": _invoice_xml}
