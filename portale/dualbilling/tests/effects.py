"""The TIM TUO rows of ``portale/cases/tests/test_effects.py`` CASES: each builder returns
the payload, a check of the records after fulfilment, no documents and (for the employee's
own operations) the line the request is filed on."""

from __future__ import annotations

from portale.records.models import DualBilling, DualBillingOption, PersonalInvoice

from . import helpers as h
from .helpers import CF


def _ids(*lines):
    return [str(ln.pk) for ln in lines]


def enable(contract):
    off = h.line(contract)
    ceased_on = h.line(contract, enabled=True)  # TIM TUO ceased before: it can be blocked

    def check():
        off.refresh_from_db()
        ceased_on.refresh_from_db()
        assert off.dual_billing_enabled and not ceased_on.dual_billing_enabled

    return {"lines": _ids(off, ceased_on)}, check


def options(contract):
    sub = h.active_line(contract)
    prepaid = h.active_line(contract, prepaid=True)
    name = "TIM Tuo Roaming on Extra UE (per abbonamento)"

    def check():
        live = DualBillingOption.objects.filter(name=name, state="ATTIVO")
        assert list(live.values_list("line_id", flat=True)) == [sub.pk]  # prepaid excluded
        assert live.get().code == "TTROAM-ABB"

    return {"lines": _ids(sub, prepaid), "option": name}, check


def options_cease(contract):
    ln = h.active_line(contract)
    name = "TIM Tuo Roaming on Extra UE (per abbonamento)"
    option = h.company_option(ln, name)

    def check():
        option.refresh_from_db()
        assert option.state == "CESSATO" and option.cessation_date

    return {"lines": _ids(ln), "option": name}, check


def disable_subscription(contract):
    ln = h.active_line(contract)
    billing = DualBilling.objects.get(line=ln)

    def check():
        billing.refresh_from_db()
        assert billing.state == "CESSATO" and billing.cessation_date
        assert PersonalInvoice.objects.filter(dual_billing=billing).count() == 1  # the final one

    return {"lines": _ids(ln)}, check


def disable_prepaid(contract):
    ln = h.active_line(contract, prepaid=True)
    pack = h.f.DualBillingOptionFactory(line=ln)

    def check():
        pack.refresh_from_db()
        billing = DualBilling.objects.get(line=ln)
        assert billing.state == "CESSATO" and pack.state == "CESSATO"

    return {"lines": _ids(ln)}, check


def _activation(method, extra):
    def build(contract):
        ln = h.line(contract, enabled=True)

        def check():
            billing = DualBilling.objects.get(line=ln, state="ATTIVO")
            assert billing.code.startswith("8882") and len(billing.code) == 12
            assert billing.employee_fiscal_code == CF and billing.payment_method == method
            assert billing.invoice_address.city == "PERUGIA"
            if method == "BANCA":
                assert billing.iban_masked == "IT60*******************3456"
                assert billing.direct_debit_state == "DOMICILIATA"

        return h.activation_data(**extra), check, None, ln

    return build


def _card_activation(contract):
    build = _activation("CARTA", {})
    data, check, files, ln = build(contract)
    payment = h.card_mandate(h.master_user(contract))  # the requester of the test

    def check_card():
        check()
        billing = DualBilling.objects.get(line=ln, state="ATTIVO")
        assert (billing.card_masked, billing.psp_token) == ("*****4242", "sbx_test_token")

    return {**data, "card_payment": str(payment.token)}, check_card, files, ln


def _card_change(contract):
    ln, billing = _active_sub(contract, payment_method="BOLLETTINO", card_masked="")
    payment = h.card_mandate(h.master_user(contract))

    def check():
        billing.refresh_from_db()
        assert billing.payment_method == "CARTA" and billing.card_masked == "*****4242"

    return {"card_payment": str(payment.token)}, check, None, ln


def _active_sub(contract, **kw):
    ln = h.active_line(contract, **kw)
    return ln, DualBilling.objects.get(line=ln)


def billing_data(contract):
    ln, billing = _active_sub(contract)
    data = {
        "holder_first_name": "Anna",
        "holder_last_name": "Bianchi",
        "holder_fiscal_code": CF,
        **h.ADDRESS,
        "city": "Assisi",
        "cap": "06081",
    }

    def check():
        billing.refresh_from_db()
        assert (billing.holder_last_name, billing.invoice_address.city) == ("BIANCHI", "ASSISI")

    return data, check, None, ln


def _payment(operation_method, data_builder, **kw):
    def build(contract):
        ln, billing = _active_sub(contract, **kw)

        def check():
            billing.refresh_from_db()
            assert billing.payment_method == operation_method
            if operation_method == "BANCA":
                assert billing.iban_masked.endswith("3456") and billing.account_holder

        return data_builder(), check, None, ln

    return build


CASES = {
    "dual_enable": enable,
    "dual_options": options,
    "dual_options_cease": options_cease,
    "dual_disable_subscription": disable_subscription,
    "dual_disable_prepaid": disable_prepaid,
    "dual_sub_bank": _activation("BANCA", h.mandate_data()),
    "dual_sub_postal": _activation("BOLLETTINO", {}),
    "dual_sub_card": _card_activation,
    "dual_to_card": _card_change,
    "dual_billing_data": billing_data,
    "dual_iban": _payment("BANCA", h.mandate_data, payment_method="BANCA"),
    "dual_to_bank": _payment("BANCA", h.mandate_data, payment_method="BOLLETTINO"),
    "dual_to_postal": _payment("BOLLETTINO", dict, payment_method="BANCA"),
}
