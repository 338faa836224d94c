"""``manage.py generate_invoices [--today YYYY-MM-DD]``: what the nightly job does."""

import datetime

from django.core.management.base import BaseCommand

from portale.billing.invoicing import einvoices_complete, invoices_complete, invoices_generate


class Command(BaseCommand):
    help = "Emette le fatture aziendali e personali (TIM TUO) dei bimestri chiusi."

    def add_arguments(self, parser):
        parser.add_argument("--today", type=datetime.date.fromisoformat, default=None)

    def handle(self, *args, today, **options):
        r = invoices_generate(today=today)
        completed = invoices_complete(today=today)
        made = einvoices_complete(today=today)
        self.stdout.write(
            f"{len(r.company)} fatture aziendali e {len(r.personal)} fatture personali emesse; "
            f"{completed} PDF di fatture già emesse archiviati; {made} file FatturaPA generati"
        )
