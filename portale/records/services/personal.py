"""The employee's prepaid line: personal recharges and TIM TUO options."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import selectors
from ..models import (
    DualBilling,
    DualBillingOption,
    Line,
    PersonalRecharge,
)
from ._common import RecordError, _live_prepaid

# --- The employee's prepaid line: personal recharges and TIM TUO options (F-9.1.2, F-9.2.1.3)

ROAMING_FAMILIES = {
    DualBillingOption.Family.ROAMING_PACK,
    DualBillingOption.Family.ROAMING_PACK_EXCL,
    DualBillingOption.Family.ROAMING_DATA,
    DualBillingOption.Family.ROAMING_DATA_EXCL,
}
_LIVE_OPTION = [DualBillingOption.State.PENDING, DualBillingOption.State.ACTIVE]


def _locked_prepaid_line(line_id: int) -> Line:
    line = Line.objects.select_for_update().select_related("tariff_plan").filter(pk=line_id).first()
    if line is None:
        raise RecordError(_("La linea non esiste."))
    return _live_prepaid(line)


@transaction.atomic
def line_personal_recharge(
    *, line_id: int, amount: Decimal, channel: str, reference: str = "", now=None
) -> PersonalRecharge:
    """A personal recharge (paid by the employee): the personal credit grows by ``amount``,
    the company credit never changes. One recharge per ``reference`` (the payment's order):
    a replay returns the recharge already made."""
    amount = Decimal(amount)
    if amount <= 0:
        raise RecordError(_("L'importo della ricarica deve essere positivo."))
    if channel not in PersonalRecharge.Channel.values:
        raise RecordError(f"unknown recharge channel {channel}")
    line = _locked_prepaid_line(line_id)
    if reference:
        done = PersonalRecharge.objects.filter(reference=reference).first()
        if done is not None:
            return done
    line.personal_credit += amount
    line.save(update_fields=["personal_credit"])
    return PersonalRecharge.objects.create(
        line=line,
        amount=amount,
        channel=channel,
        recharged_at=now or timezone.now(),
        reference=reference,
    )


@transaction.atomic
def personal_option_activate(
    *, line_id: int, family: str, code: str, name: str, price: Decimal, on=None
) -> DualBillingOption:
    """Activate (or replace, G-43) the personal option of a family on a TIM TUO prepaid line,
    charged to the personal credit: the family's live option ends, the new one is active.

    The back-end refuses it when the charge fails (credit below the price), a roaming
    family without the company option "TIM Tuo Roaming on Extra UE", or a second
    "Plafond dati aggiuntivo" in the same calendar month.
    """
    on = on or timezone.localdate()
    price = Decimal(price)
    line = _locked_prepaid_line(line_id)
    if family not in DualBillingOption.Family.values or family == DualBillingOption.Family.COMPANY:
        raise RecordError(f"not a personal option family: {family}")
    if not DualBilling.objects.filter(
        line=line, kind=DualBilling.Kind.PREPAID, state="ATTIVO"
    ).exists():
        raise RecordError(
            _("Sulla linea %(msisdn)s TIM TUO non è attivo.") % {"msisdn": line.msisdn}
        )
    if family in ROAMING_FAMILIES and not selectors.line_has_company_roaming(line=line):
        raise RecordError(_("Manca l'opzione aziendale TIM TUO ROAMING ON EXTRA UE."))
    if (
        family == DualBillingOption.Family.EXTRA_DATA
        and DualBillingOption.objects.filter(
            line=line, family=family, activation_date__gte=on.replace(day=1)
        ).exists()
    ):
        raise RecordError(_("Nel mese è già stato attivato un Plafond dati aggiuntivo."))
    if line.personal_credit < price:
        raise RecordError(
            _("Addebito non riuscito: il credito personale (%(credit)s €) è inferiore al prezzo.")
            % {"credit": line.personal_credit}
        )
    DualBillingOption.objects.filter(
        line=line, scope=DualBillingOption.Scope.PERSONAL, family=family, state__in=_LIVE_OPTION
    ).update(state=DualBillingOption.State.CEASED, cessation_date=on, locked_until=None)
    line.personal_credit -= price
    line.save(update_fields=["personal_credit"])
    return DualBillingOption.objects.create(
        line=line,
        scope=DualBillingOption.Scope.PERSONAL,
        family=family,
        code=code,
        name=name,
        price=price,
        state=DualBillingOption.State.ACTIVE,
        activation_date=on,
    )


@transaction.atomic
def personal_option_cease(*, line_id: int, family: str, on=None) -> int:
    """Deactivate the personal option of a family: it ends today (0 if none was live)."""
    line = _locked_prepaid_line(line_id)
    return DualBillingOption.objects.filter(
        line=line, scope=DualBillingOption.Scope.PERSONAL, family=family, state__in=_LIVE_OPTION
    ).update(
        state=DualBillingOption.State.CEASED,
        cessation_date=on or timezone.localdate(),
        locked_until=None,
    )
