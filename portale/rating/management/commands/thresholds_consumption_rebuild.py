"""``manage.py thresholds_consumption_rebuild``: the thresholds' consumption from the events.

Rating keeps ``Threshold.consumption`` exact as it rates; this is for data loaded without
rating (the demo seed, a copied database) or a repair. Idempotent. ``--check`` only lists
the thresholds whose consumption differs from their period's events.
"""

from django.core.management.base import BaseCommand

from portale.records import services as records


class Command(BaseCommand):
    help = "Ricalcola il consumo delle soglie dagli eventi di traffico valorizzati."

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="solo verifica, nessuna modifica")

    def handle(self, *args, check: bool, **options):
        if check:
            diffs = records.thresholds_consumption_verify()
            for pk, stored, events in diffs:
                self.stdout.write(f"soglia {pk}: {stored} registrato, {events} dagli eventi")
            self.stdout.write(f"Soglie diverse dagli eventi: {len(diffs)}.")
            return
        changed = records.thresholds_consumption_rebuild()
        if options["verbosity"]:
            self.stdout.write(f"Consumo delle soglie ricalcolato: {changed} aggiornate.")
