"""TIM TUO (dual billing): enabling lines, company options, subscriptions and payment data."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ..models import (
    Address,
    Contract,
    DualBilling,
    DualBillingOption,
    Line,
    LineState,
)
from ..models.dual_billing import OPEN_STATES, DualBillingState
from ._common import RecordError, _today

# --- TIM TUO (F-7.4.5–F-7.4.8, F-9.2.1.1) ----------------------------------------------------

SUBSCRIPTION_CATEGORIES = frozenset({"CONSUMO", "PACCHETTO"})  # "PA 8", "PA 8 PACCHETTO"
PERSONAL_CODE_PREFIX = "8882"


def _dual_lines(*, contract: Contract, line_ids: Iterable[int]) -> list[Line]:
    ids = sorted(set(line_ids))
    lines = list(
        Line.objects.select_for_update(of=("self",))
        .select_related("tariff_plan")
        .filter(contract=contract, pk__in=ids)
        .order_by("msisdn")
    )
    if len(lines) != len(ids):
        raise RecordError(_("Una delle linee non è più presente sul contratto."))
    return lines


def _open_billing(line: Line) -> DualBilling | None:
    return DualBilling.objects.select_for_update().filter(line=line, state__in=OPEN_STATES).first()


@transaction.atomic
def lines_dual_billing_enabled_set(*, contract: Contract, changes: list[dict]) -> int:
    """Abilitazione SIM al servizio (F-7.4.5): ``changes`` = [{"line_id", "enabled"}].

    "Si" lets the line's employee activate TIM TUO; blocking ("No") is allowed only on a
    subscription line whose TIM TUO has been ceased first (F-7.4.7).
    """
    wanted = {int(c["line_id"]): bool(c["enabled"]) for c in changes}
    changed = 0
    for line in _dual_lines(contract=contract, line_ids=wanted):
        enabled = wanted[line.pk]
        if line.state == LineState.CEASED:
            raise RecordError(_("La linea %(msisdn)s è cessata.") % {"msisdn": line.msisdn})
        if not enabled:
            if line.tariff_plan.category not in SUBSCRIPTION_CATEGORIES:
                raise RecordError(
                    _("Il blocco al servizio TIM TUO è consentito solo sulle linee in abbonamento.")
                )
            if _open_billing(line) is not None:
                raise RecordError(
                    _(
                        "Sulla linea %(msisdn)s il servizio TIM TUO è attivo: va cessato prima "
                        "di bloccare la linea al servizio."
                    )
                    % {"msisdn": line.msisdn}
                )
        if line.dual_billing_enabled != enabled:
            line.dual_billing_enabled = enabled
            line.save(update_fields=["dual_billing_enabled"])
            changed += 1
    return changed


@transaction.atomic
def dual_billing_company_option_set(
    *,
    contract: Contract,
    line_ids: Iterable[int],
    name: str,
    active: bool,
    on: datetime.date | None = None,
) -> int:
    """Attivazione / Cessazione opzioni TIM TUO (F-7.4.6, F-7.4.8): a company option on lines
    whose TIM TUO is live; an option already in the wanted state is left as it is."""
    if name not in DualBillingOption.COMPANY_OPTIONS:
        raise RecordError(_("Opzione TIM TUO sconosciuta: %(name)s.") % {"name": name})
    day = _today(on)
    live = [DualBillingOption.State.PENDING, DualBillingOption.State.ACTIVE]
    n = 0
    for line in _dual_lines(contract=contract, line_ids=line_ids):
        current = DualBillingOption.objects.select_for_update().filter(
            line=line, scope=DualBillingOption.Scope.COMPANY, name=name, state__in=live
        )
        if active:
            if _open_billing(line) is None:
                raise RecordError(
                    _("Sulla linea %(msisdn)s il servizio TIM TUO non è attivo.")
                    % {"msisdn": line.msisdn}
                )
            if not current.exists():
                DualBillingOption.objects.create(
                    line=line,
                    scope=DualBillingOption.Scope.COMPANY,
                    family=DualBillingOption.Family.COMPANY,
                    code=DualBillingOption.COMPANY_OPTIONS[name],
                    name=name,
                    state=DualBillingOption.State.ACTIVE,
                    activation_date=day,
                )
                n += 1
        else:
            n += current.update(state=DualBillingOption.State.CEASED, cessation_date=day)
    return n


@transaction.atomic
def dual_billing_cease(
    *, contract: Contract, line_id: int, on: datetime.date | None = None
) -> DualBilling:
    """Cessazione TIM TUO (F-7.4.7, G-32): the personal account closes (CESSATO with its
    date; the billing engine has issued the final invoice before) and the personal options
    and packages of the line end. The remaining personal credit is the back-end's."""
    (line,) = _dual_lines(contract=contract, line_ids=[line_id])
    billing = _open_billing(line)
    if billing is None:
        raise RecordError(
            _("Sulla linea %(msisdn)s il servizio TIM TUO non è attivo.") % {"msisdn": line.msisdn}
        )
    day = _today(on)
    billing.state = DualBillingState.CEASED
    billing.cessation_date = day
    billing.save(update_fields=["state", "cessation_date", "updated_at"])
    DualBillingOption.objects.filter(
        line=line,
        scope=DualBillingOption.Scope.PERSONAL,
        state__in=[
            DualBillingOption.State.PENDING,
            DualBillingOption.State.ACTIVE,
            DualBillingOption.State.CEASING,
        ],
    ).update(state=DualBillingOption.State.CEASED, cessation_date=day)
    return billing


def _iban_mask(iban: str) -> str:
    """ "IT60************3456": the country, the check digits and the last four only."""
    iban = iban.replace(" ", "").upper()
    return f"{iban[:4]}{'*' * (len(iban) - 8)}{iban[-4:]}"


def _next_personal_code() -> str:
    last = (
        DualBilling.objects.filter(code__startswith=PERSONAL_CODE_PREFIX)
        .order_by("-code")
        .values_list("code", flat=True)
        .first()
    )
    return str(int(last) + 1) if last else f"{PERSONAL_CODE_PREFIX}00000001"


PAYMENT_FIELDS = frozenset(
    {
        "payment_method",
        "iban",
        "account_holder",
        "account_holder_fiscal_code",
        "signatory",
        "card_holder",
        "card_brand",
        "card_expiry",
        "card_masked",
        "psp_token",
    }
)
HOLDER_FIELDS = frozenset({"holder_first_name", "holder_last_name", "holder_fiscal_code"})


def _address_make(address: dict) -> Address:
    row = Address(
        toponym=address["toponym"],
        street=address["street"],
        number=address.get("number", ""),
        hamlet=address.get("hamlet", ""),
        province=address["province"],
        city=address["city"],
        cap=address["cap"],
    )
    try:
        row.full_clean()
    except ValidationError as exc:
        raise RecordError("; ".join(exc.messages)) from exc
    row.save()
    return row


def _payment_apply(billing: DualBilling, payment: dict) -> None:
    """The payment data of the account, masked: a full IBAN or card number is never kept."""
    unknown = set(payment) - PAYMENT_FIELDS
    if unknown:
        raise TypeError(f"not payment fields: {sorted(unknown)}")
    method = payment.get("payment_method", billing.payment_method)
    if method not in DualBilling.PaymentMethod.values:
        raise RecordError(_("Modalità di pagamento non valida."))
    billing.payment_method = method
    if method == DualBilling.PaymentMethod.POSTAL:
        billing.direct_debit_state = DualBilling.DirectDebitState.NONE
    else:
        billing.direct_debit_state = DualBilling.DirectDebitState.ACTIVE
    if method != DualBilling.PaymentMethod.BANK:
        billing.iban_masked = billing.account_holder = billing.account_holder_fiscal_code = ""
        billing.signatory = ""
    if method != DualBilling.PaymentMethod.CARD:
        billing.card_holder = billing.card_brand = billing.card_expiry = ""
        billing.card_masked = billing.psp_token = ""
    if payment.get("iban"):
        billing.iban_masked = _iban_mask(payment["iban"])
    for name in PAYMENT_FIELDS - {"payment_method", "iban"}:
        if name in payment:
            setattr(billing, name, payment[name])


def _billing_validate_save(billing: DualBilling) -> DualBilling:
    try:
        billing.full_clean(exclude=["line", "invoice_address"], validate_constraints=False)
    except ValidationError as exc:
        raise RecordError("; ".join(exc.messages)) from exc
    billing.save()
    return billing


@transaction.atomic
def dual_billing_subscription_activate(
    *,
    contract: Contract,
    line_id: int,
    employee: dict,
    address: dict,
    payment: dict,
    invoice_email: str = "",
    sms_number: str = "",
    same_administration: bool = True,
    on: datetime.date | None = None,
) -> DualBilling:
    """Attivazione TIM TUO in abbonamento (F-9.2.1.1.1): the personal billing account with
    its code (8882…), ATTIVO from today, in the employee's name at the invoice address.

    ``employee``: fiscal_code, first_name, last_name (the holder of the invoice). A TIM TUO
    still open on the line from the Convention 6/7 portal is kept only for the same Ente
    (G-39): ``same_administration=False`` ceases it before the new account opens.
    """
    (line,) = _dual_lines(contract=contract, line_ids=[line_id])
    if line.tariff_plan.category not in SUBSCRIPTION_CATEGORIES:
        raise RecordError(_("TIM TUO in abbonamento si attiva solo su una linea in abbonamento."))
    if not line.dual_billing_enabled:
        raise RecordError(
            _("La linea %(msisdn)s non è abilitata al servizio TIM TUO.") % {"msisdn": line.msisdn}
        )
    day = _today(on)
    current = _open_billing(line)
    if current is not None:
        if same_administration:
            raise RecordError(
                _("Sulla linea %(msisdn)s il servizio TIM TUO è già attivo.")
                % {"msisdn": line.msisdn}
            )
        dual_billing_cease(contract=contract, line_id=line.pk, on=day)
    billing = DualBilling(
        line=line,
        kind=DualBilling.Kind.SUBSCRIPTION,
        code=_next_personal_code(),
        state=DualBillingState.ACTIVE,
        activation_date=day,
        employee_fiscal_code=employee["fiscal_code"],
        employee_first_name=employee["first_name"],
        employee_last_name=employee["last_name"],
        holder_fiscal_code=employee["fiscal_code"],
        holder_first_name=employee["first_name"],
        holder_last_name=employee["last_name"],
        invoice_address=_address_make(address),
        invoice_email=invoice_email,
        sms_notification_number=sms_number,
    )
    _payment_apply(billing, payment)
    return _billing_validate_save(billing)


def _subscription_billing(*, contract: Contract, line_id: int) -> DualBilling:
    (line,) = _dual_lines(contract=contract, line_ids=[line_id])
    billing = _open_billing(line)
    if billing is None or billing.kind != DualBilling.Kind.SUBSCRIPTION:
        raise RecordError(
            _("Sulla linea %(msisdn)s il servizio TIM TUO in abbonamento non è attivo.")
            % {"msisdn": line.msisdn}
        )
    return billing


@transaction.atomic
def dual_billing_data_set(
    *, contract: Contract, line_id: int, holder: dict, address: dict
) -> DualBilling:
    """Modifica dati di fatturazione (F-9.2.1.1.2): the holder and the invoice address."""
    unknown = set(holder) - HOLDER_FIELDS
    if unknown:
        raise TypeError(f"not holder fields: {sorted(unknown)}")
    billing = _subscription_billing(contract=contract, line_id=line_id)
    for name, value in holder.items():
        setattr(billing, name, value)
    billing.invoice_address = _address_make(address)  # the old row stays with old invoices
    return _billing_validate_save(billing)


@transaction.atomic
def dual_billing_payment_set(*, contract: Contract, line_id: int, payment: dict) -> DualBilling:
    """Modifica modalità di pagamento / IBAN (F-9.2.1.1.2)."""
    billing = _subscription_billing(contract=contract, line_id=line_id)
    _payment_apply(billing, payment)
    return _billing_validate_save(billing)
