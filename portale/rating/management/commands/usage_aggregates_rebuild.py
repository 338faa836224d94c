"""``manage.py usage_aggregates_rebuild``: the usage aggregates recomputed from the rated events.

Rating keeps them up to date; this is for data loaded without rating (the demo seed, a
copied database) or a repair. Idempotent: it replaces them whole.
"""

from django.core.management.base import BaseCommand

from portale.records import services as records


class Command(BaseCommand):
    help = "Ricalcola gli aggregati di consumo (TEM) dagli eventi di traffico valorizzati."

    def handle(self, *args, **options):
        lines, contracts = records.usage_aggregates_rebuild()
        if options["verbosity"]:
            self.stdout.write(f"Aggregati: {lines} righe per linea, {contracts} per contratto.")
