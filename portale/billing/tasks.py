"""Periodic billing job: issues the invoices of closed bimesters (Huey)."""

from __future__ import annotations

from django.conf import settings
from huey import crontab

from portale.core.tasks import periodic_task

from .invoicing import (
    charges_index_missing,
    einvoices_complete,
    invoices_complete,
    invoices_generate,
    payments_settle,
)


@periodic_task(crontab(minute="30", hour="2"))
def invoices_daily() -> None:
    """Every night: rate leftovers, issue due invoices (company and TIM TUO) with PDFs."""
    from portale.rating.services import rate_pending

    rate_pending()
    invoices_generate()
    charges_index_missing()
    invoices_complete()
    einvoices_complete()
    if getattr(settings, "PORTALE_DEMO", False):
        payments_settle()
