"""``manage.py import_cdr FILE [FILE ...]``: import CDR files (format: rating/CDR_FORMAT.md)."""

from django.core.management.base import BaseCommand, CommandError

from portale.rating.ingest import import_cdr_file


class Command(BaseCommand):
    help = "Importa file CDR (CSV): tutto o niente, idempotente; poi valorizza il traffico."

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+")
        parser.add_argument("--no-rate", action="store_true", help="non valorizzare subito")

    def handle(self, *args, files, no_rate, **options):
        failed = False
        for path in files:
            r = import_cdr_file(path, rate=not no_rate)
            if r.errors:
                failed = True
                self.stderr.write(f"{path}: RIFIUTATO, {len(r.errors)} errori, nulla importato")
                for e in r.errors:
                    self.stderr.write(f"  {e}")
            elif r.already_imported:
                self.stdout.write(f"{path}: già importato (sha256 {r.sha256[:12]}), nulla aggiunto")
            else:
                self.stdout.write(
                    f"{path}: {r.rows} righe, {r.imported} eventi importati, "
                    f"{r.duplicates} già presenti"
                )
        if failed:
            raise CommandError("alcuni file sono stati rifiutati")
