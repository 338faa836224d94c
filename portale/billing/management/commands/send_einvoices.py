"""``manage.py send_einvoices [--today YYYY-MM-DD]``: the FatturaPA part of the nightly job.

Makes the FatturaPA file of every company invoice of the last 12 months that has none
(e.g. the demo seed), from the stored invoice, and sends what is ready to the SdI stand-in.
"""

import datetime

from django.core.management.base import BaseCommand

from portale.billing.invoicing import einvoices_complete
from portale.billing.models import EInvoice


class Command(BaseCommand):
    help = "Genera e invia allo SdI le fatture elettroniche delle fatture aziendali."

    def add_arguments(self, parser):
        parser.add_argument("--today", type=datetime.date.fromisoformat, default=None)

    def handle(self, *args, today, **options):
        made = einvoices_complete(today=today)
        blocked = EInvoice.objects.filter(state=EInvoice.State.BLOCKED).count()
        self.stdout.write(f"{made} file FatturaPA generati; {blocked} bloccati per dati mancanti")
