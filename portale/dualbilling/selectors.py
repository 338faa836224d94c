"""Reads of the TIM TUO pages (F-7.4.5–F-7.4.8, F-9.2.1.1, F-9.2.1.2).

Every list is the selected contract's (referent) or the own line's (employee), read through
``records.selectors``; the rules of the guide on which lines a list offers live here once,
for the pages and for the forms that validate the same choice from any channel.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from portale.records import selectors as records
from portale.records.models import Contract, DualBilling, Line

SUBSCRIPTION = ("CONSUMO", "PACCHETTO")  # "PA 8", "PA 8 PACCHETTO"
PREPAID = "RICARICABILE"

OPTION_SUBSCRIPTION = "TIM Tuo Roaming on Extra UE (per abbonamento)"
OPTION_MMS_PREPAID = "TIM Tuo MMS (per ricaricabile)"
OPTION_ROAMING_PREPAID = "TIM Tuo Roaming on Extra UE (per ricaricabile)"
OPTIONS = (OPTION_SUBSCRIPTION, OPTION_MMS_PREPAID, OPTION_ROAMING_PREPAID)


def option_fits(option: str, line: Line) -> bool:
    """ "(per abbonamento)" options go on subscription lines, "(per ricaricabile)" on prepaid."""
    prepaid = line.tariff_plan.category == PREPAID
    return prepaid == option.endswith("(per ricaricabile)")


def lines(*, contract: Contract) -> QuerySet[Line]:
    return records.dual_billing_lines(contract=contract)


def enable_selectable_q() -> Q:
    """F-7.4.5: "No" lines can be enabled; "Si" lines can be blocked only if they are
    subscription lines whose TIM TUO has been ceased (no open service)."""
    return Q(dual_billing_enabled=False) | Q(
        dual_billing_enabled=True, tariff_plan__category__in=SUBSCRIPTION, dual_open=False
    )


def enable_selectable(*, contract: Contract) -> QuerySet[Line]:
    return lines(contract=contract).filter(enable_selectable_q())


def active_lines(*, contract: Contract) -> QuerySet[Line]:
    """F-7.4.6, F-7.4.7 (G-31): the lines whose TIM TUO service is active."""
    return lines(contract=contract).filter(dual_active=True)


def lines_with_company_options(*, contract: Contract) -> QuerySet[Line]:
    """F-7.4.8: the lines with a live company TIM TUO option."""
    with_options = records.company_options_of_contract(contract=contract).values("line_id")
    return lines(contract=contract).filter(pk__in=with_options)


def company_options_by_line(*, contract: Contract, line_ids) -> dict[int, set[str]]:
    out: dict[int, set[str]] = {}
    qs = records.company_options_of_contract(contract=contract).filter(line_id__in=list(line_ids))
    for line_id, name in qs.values_list("line_id", "name"):
        out.setdefault(line_id, set()).add(name)
    return out


# --- the employee's own line ------------------------------------------------------------------


def own_billing(ctx) -> DualBilling | None:
    """The employee's live TIM TUO in abbonamento, if it is theirs to manage.

    G-39: a TIM TUO brought over from the Convention 6/7 portal stays only while the line
    belongs to the Ente the user registered with; otherwise it is not theirs any more.
    """
    line = ctx.line
    if line is None:
        return None
    billing = records.dual_billing_of_line(line=line)
    if billing is None or billing.kind != DualBilling.Kind.SUBSCRIPTION:
        return None
    return billing if same_administration(ctx) else None


def user_keeps_legacy(user, line: Line) -> bool:
    """G-39: a user migrated from Convention 6/7 keeps a TIM TUO only on the same Ente."""
    if getattr(user, "origin", "") != "legacy":
        return True
    admin = line.contract.administration
    return not user.entity_fiscal_code or admin.fiscal_code == user.entity_fiscal_code


def same_administration(ctx) -> bool:
    return user_keeps_legacy(ctx.user, ctx.line)


def history(ctx) -> QuerySet[DualBilling]:
    """ "Reportistica": the line's TIM TUO accounts, the live one first."""
    qs = records.dual_billings_of_line(line=ctx.line).filter(kind=DualBilling.Kind.SUBSCRIPTION)
    if not same_administration(ctx):
        return qs.none()
    return qs.order_by("cessation_date", "-activation_date")


def last_invoices(ctx, billing: DualBilling | None = None, n: int = 6):
    """ "La mia fattura": the last 6 personal invoices of the line's TIM TUO accounts."""
    if not same_administration(ctx):
        return records.personal_invoices_for_portal(ctx=ctx).none()
    return records.personal_invoices_for_portal(ctx=ctx).order_by("-emission_date", "-pk")[:n]
