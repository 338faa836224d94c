"""``manage.py demo_setup``: everything the demo shows, in one idempotent command.

Each app owns its own demo content; this only runs them in order: the systems of record
and demo users (records), the public news and documents (public), the manuals (support), the history of pratiche
and ordini (cases), the charges of the recent invoices (billing), two months of simulated traffic (rating; only the first time, since
the worker adds live traffic while the demo runs), then the usage aggregates TEM reads
and the thresholds' consumption (rating). ``make demo`` and the CI SQLite pass
run it.
"""

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Carica tutti i dati demo (idempotente): anagrafiche, utenti, news, pratiche."

    def add_arguments(self, parser):
        parser.add_argument("--lines", type=int, default=0, help="profilo grande: N linee in più")
        parser.add_argument(
            "--traffic-days", type=int, default=60, help="giorni di traffico simulato (0: nessuno)"
        )

    def handle(self, *args, lines: int, traffic_days: int, **options):
        from portale.public.demo import load_public_demo_content
        from portale.records.demo.logins import DEMO_LOGINS
        from portale.support.demo import load_support_demo_content

        verbosity = options["verbosity"]
        call_command("demo_data", lines=lines, verbosity=verbosity)
        load_public_demo_content()
        load_support_demo_content()
        call_command("demo_cases", verbosity=verbosity)
        from portale.thresholds.demo import load_thresholds_demo_history

        load_thresholds_demo_history()  # Visualizzazione cronologia notifiche (F-7.5.6)
        from portale.billing.demo import invoices_demo_charges

        invoices_demo_charges()  # the recent invoices' charges (eBill navigation, TEM audit)
        call_command("send_einvoices", verbosity=verbosity)  # FatturaPA files of the invoices
        demo_staff = [d.username for d in DEMO_LOGINS if d.is_staff]
        call_command("backoffice_operator", *demo_staff, verbosity=verbosity)
        from portale.rating.models import CdrFile

        if traffic_days and not CdrFile.objects.exists():
            call_command("simulate_traffic", days=traffic_days, verbosity=verbosity)
        # The seed's events were loaded without rating: TEM's aggregates from all of them.
        call_command("usage_aggregates_rebuild", verbosity=verbosity)
        # ... and the thresholds' consumption rating keeps (the seed's thresholds, too).
        call_command("thresholds_consumption_rebuild", verbosity=verbosity)
