"""The TIM TUO operations (Appendix 1, §7.4.5–7.4.8 and §9.2.1.1).

Effects run when fulfilment closes the pratica and write the records only through
``records.services``; the billing engine issues the final personal invoice of a ceased
subscription (G-32) before the account closes.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from portale.cases.linelist import LINE_LIST
from portale.cases.operations import implement
from portale.core.notifications import send_sms
from portale.payments.hooks import register_purpose
from portale.records import selectors as record_selectors
from portale.records import services as records
from portale.records.models import DualBilling

from . import forms

METHOD_LABELS = dict(DualBilling.PaymentMethod.choices)


# --- effects ----------------------------------------------------------------------------------


def enable(case) -> None:
    records.lines_dual_billing_enabled_set(
        contract=case.contract,
        changes=[{"line_id": i["line_id"], "enabled": i["enabled"]} for i in case.payload["lines"]],
    )


def options_activate(case) -> None:
    records.dual_billing_company_option_set(
        contract=case.contract,
        line_ids=[i["line_id"] for i in case.payload["lines"]],
        name=case.payload["option"],
        active=True,
    )


def options_cease(case) -> None:
    records.dual_billing_company_option_set(
        contract=case.contract,
        line_ids=[i["line_id"] for i in case.payload["lines"]],
        name=case.payload["option"],
        active=False,
    )


def cease(case) -> None:
    """G-32: a subscription's final invoice (the bimester so far), then the account closes;
    the personal options of a prepaid line end with it."""
    from portale.billing import bimesters
    from portale.billing.invoicing import personal_invoice_issue

    b, y = bimesters.bimester_of(timezone.localdate())
    for item in case.payload["lines"]:
        line = record_selectors.lines_of_contract(contract=case.contract).get(pk=item["line_id"])
        billing = record_selectors.dual_billing_of_line(line=line)
        if billing is not None and billing.kind == DualBilling.Kind.SUBSCRIPTION:
            personal_invoice_issue(billing=billing, b=b, y=y)
        records.dual_billing_cease(contract=case.contract, line_id=item["line_id"])


def _payment(p: dict) -> dict:
    payment = {"payment_method": p["payment_method"]}
    mandate = p.get("mandate")
    if mandate:
        payment.update(
            iban=mandate["iban"],
            account_holder=mandate["account_holder"],
            account_holder_fiscal_code=mandate["account_holder_fiscal_code"],
            signatory=mandate["signatory"],
        )
    payment.update(p.get("card") or {})
    return payment


def activate(case) -> None:
    """The personal billing account (8882…) of the employee's line; the completion SMS."""
    p = case.payload
    billing = records.dual_billing_subscription_activate(
        contract=case.contract,
        line_id=p["line_id"],
        employee={
            "fiscal_code": p["fiscal_code"],
            "first_name": p["first_name"],
            "last_name": p["last_name"],
        },
        address=p["address"],
        payment=_payment(p),
        invoice_email=p.get("email", ""),
        sms_number=p.get("sms_number", ""),
        same_administration=not p.get("replaces_legacy", False),
    )
    if p.get("sms_number"):
        send_sms(
            to=p["sms_number"],
            text=_(
                "TIM: la richiesta di attivazione del servizio TIM TUO sulla linea %(msisdn)s è "
                "stata completata. Codice contratto personale %(code)s."
            )
            % {"msisdn": p["msisdn"], "code": billing.code},
            sender="TIM",
            kind="pratica",
        )


def billing_data(case) -> None:
    p = case.payload
    records.dual_billing_data_set(
        contract=case.contract, line_id=p["line_id"], holder=p["holder"], address=p["address"]
    )


def payment_change(case) -> None:
    p = case.payload
    records.dual_billing_payment_set(
        contract=case.contract, line_id=p["line_id"], payment=_payment(p)
    )


# --- summaries ("Conferma dei dati", P-09) -----------------------------------------------------


def _lines_rows(p: dict) -> list[tuple[str, str, str]]:
    rows = [(_("Linee nella richiesta"), "", str(len(p.get("lines", []))))]
    for item in p.get("lines", []):
        label = _("Linea %(msisdn)s") % {"msisdn": item.get("msisdn", "")}
        if item.get("iccid"):
            label += f" (ICCID {item['iccid']})"
        rows.append((label, item.get("old", ""), item.get("new", "")))
    if p.get("excluded"):
        rows.append((_("Linee escluse dalla richiesta"), "", str(len(p["excluded"]))))
        for item in p["excluded"]:
            label = _("Linea %(msisdn)s") % {"msisdn": item.get("msisdn", "")}
            if item.get("iccid"):
                label += f" (ICCID {item['iccid']})"
            rows.append((label, "", item.get("new", "")))
    return rows


def enable_summary(p: dict) -> list[tuple[str, str, str]]:
    return [(_("Abilitazione al servizio TIM TUO"), "", _("SI / No")), *_lines_rows(p)]


def option_summary(p: dict) -> list[tuple[str, str, str]]:
    return [(_("Opzione"), "", p["option"]), *_lines_rows(p)]


def cease_summary(p: dict) -> list[tuple[str, str, str]]:
    return [(_("Servizio"), "", _("Cessazione TIM TUO")), *_lines_rows(p)]


def _address_text(a: dict) -> str:
    civic = f" {a.get('number')}" if a.get("number") else ""
    hamlet = f" - {a['hamlet']}" if a.get("hamlet") else ""
    return f"{a['toponym']} {a['street']}{civic}{hamlet}, {a['cap']} {a['city']} ({a['province']})"


def _mandate_rows(p: dict) -> list[tuple[str, str, str]]:
    m = p.get("mandate")
    if not m:
        return []
    return [
        (_("IBAN"), "", m["iban"]),
        (_("Sottoscrittore"), "", f"{m['signatory']} ({m['signatory_fiscal_code']})"),
        (
            _("Intestatario del conto"),
            "",
            f"{m['account_holder']} ({m['account_holder_fiscal_code']})",
        ),
        (_("Indirizzo dell'intestatario"), "", m["holder_address"]),
    ]


def _card_rows(p: dict) -> list[tuple[str, str, str]]:
    c = p.get("card")
    if not c:
        return []
    return [
        (_("Titolare carta"), "", c["card_holder"]),
        (_("Tipologia carta"), "", c["card_brand"]),
        (_("Scadenza"), "", c["card_expiry"]),
        (_("Numero carta"), "", c["card_masked"]),
    ]


def card_registered(payment) -> None:
    """A card registration confirmed by the PSP: nothing to write yet. The token and the
    masked card travel in the pratica the employee files next ("Domiciliazione tim tuo"),
    and its effect stores them on the personal account."""


def activation_summary(p: dict) -> list[tuple[str, str, str]]:
    rows = [
        (_("Linea"), "", p["msisdn"]),
        (_("Codice fiscale"), "", p["fiscal_code"]),
        (_("Nome"), "", p["first_name"]),
        (_("Cognome"), "", p["last_name"]),
        (_("Indirizzo della fattura"), "", _address_text(p["address"])),
        (_("Fattura"), "", _("solo web")),
        (_("Modalità di pagamento"), "", str(METHOD_LABELS[p["payment_method"]])),
        *_mandate_rows(p),
        *_card_rows(p),
        (_("Notifica SMS di completamento"), "", p.get("sms_number") or _("No")),
        (_("Condizioni relative al servizio TIM TUO"), "", _("Scaricate e accettate")),
    ]
    return rows


def billing_data_summary(p: dict) -> list[tuple[str, str, str]]:
    h = p["holder"]
    return [
        (_("Linea"), "", p["msisdn"]),
        (_("Intestatario"), "", f"{h['holder_first_name']} {h['holder_last_name']}"),
        (_("Codice Fiscale"), "", h["holder_fiscal_code"]),
        (_("Indirizzo di spedizione della fattura"), "", _address_text(p["address"])),
    ]


def payment_summary(p: dict) -> list[tuple[str, str, str]]:
    return [
        (_("Linea"), "", p["msisdn"]),
        (_("Modalità di pagamento"), "", str(METHOD_LABELS[p["payment_method"]])),
        *_mandate_rows(p),
        *_card_rows(p),
    ]


def _lines_key(p: dict) -> str:
    return "timtuo:" + ",".join(str(i["line_id"]) for i in p.get("lines", []))


def _line_key(p: dict) -> str:
    return f"line:{p['line_id']}"


# fmt: off
implement("dual_enable", form=forms.EnableForm, effect=enable, conflict_key=_lines_key, summary=enable_summary, uploads=[LINE_LIST])
implement("dual_options", form=forms.OptionsForm, effect=options_activate, conflict_key=_lines_key, summary=option_summary, uploads=[LINE_LIST])
implement("dual_options_cease", form=forms.OptionsCeaseForm, effect=options_cease, conflict_key=_lines_key, summary=option_summary, uploads=[LINE_LIST])
implement("dual_disable_subscription", form=forms.DisableForm, effect=cease, conflict_key=_lines_key, summary=cease_summary, uploads=[LINE_LIST])
implement("dual_disable_prepaid", form=forms.DisableForm, effect=cease, conflict_key=_lines_key, summary=cease_summary, uploads=[LINE_LIST])
implement("dual_sub_bank", form=forms.ActivationForm, effect=activate, conflict_key=_line_key, summary=activation_summary)
implement("dual_sub_card", form=forms.ActivationForm, effect=activate, conflict_key=_line_key, summary=activation_summary)
implement("dual_sub_postal", form=forms.ActivationForm, effect=activate, conflict_key=_line_key, summary=activation_summary)
implement("dual_billing_data", form=forms.BillingDataForm, effect=billing_data, conflict_key=_line_key, summary=billing_data_summary)
implement("dual_iban", form=forms.PaymentChangeForm, effect=payment_change, conflict_key=_line_key, summary=payment_summary)
implement("dual_to_bank", form=forms.PaymentChangeForm, effect=payment_change, conflict_key=_line_key, summary=payment_summary)
implement("dual_to_card", form=forms.PaymentChangeForm, effect=payment_change, conflict_key=_line_key, summary=payment_summary)
implement("dual_to_postal", form=forms.PaymentChangeForm, effect=payment_change, conflict_key=_line_key, summary=payment_summary)
# fmt: on
register_purpose(forms.CARD_PURPOSE, on_success=card_registered)
