"""``manage.py simulate_traffic --days 60``: traffic history for every active line."""

import datetime

from django.core.management.base import BaseCommand
from django.utils import timezone

from portale.rating.simulator import simulate


class Command(BaseCommand):
    help = "Simula il traffico delle linee attive (CDR importati e valorizzati)."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=60, help="giorni di storico (default 60)")
        parser.add_argument("--seed", type=int, default=8)
        parser.add_argument("--line", action="append", type=int, dest="lines", help="id linea")
        parser.add_argument("--scale", type=float, default=1.0, help="moltiplica i volumi")
        parser.add_argument("--no-rate", action="store_true")

    def handle(self, *args, days, seed, lines, scale, no_rate, **options):
        end = timezone.now().replace(minute=0, second=0, microsecond=0)
        start = (end - datetime.timedelta(days=days)).replace(hour=0)
        results = simulate(start, end, seed=seed, line_ids=lines, rate=not no_rate, scale=scale)
        imported = sum(r.imported for r in results)
        skipped = sum(1 for r in results if r.already_imported)
        for r in results:
            if r.errors:
                self.stderr.write(f"{r.name}: {len(r.errors)} errori (es. {r.errors[0]})")
        if options["verbosity"]:
            self.stdout.write(
                f"{len(results)} file simulati ({skipped} già importati): {imported} eventi nuovi"
            )
