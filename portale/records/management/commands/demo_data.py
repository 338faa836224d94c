"""``manage.py demo_data``: the demo data set and the demo logins (README, "Demo")."""

import datetime
import time

from django.core.management.base import BaseCommand, CommandError

from portale.records.demo import generator
from portale.records.demo.logins import logins_table


class Command(BaseCommand):
    help = (
        "Carica i dati demo (amministrazioni, contratti, linee, servizi, utenti demo). "
        "Deterministico e idempotente: una seconda esecuzione non cambia nulla."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--lines",
            type=int,
            default=0,
            metavar="N",
            help="Profilo grande: un contratto in più con N linee (con SIM e STS).",
        )
        parser.add_argument(
            "--logins", action="store_true", help="Stampa solo la tabella degli accessi demo."
        )
        parser.add_argument(
            "--today",
            type=datetime.date.fromisoformat,
            default=None,
            metavar="AAAA-MM-GG",
            help="Data di riferimento (traffico, fatture, SMS); default oggi.",
        )
        parser.add_argument(
            "--lines-per-contract",
            type=int,
            default=generator.DEFAULT_LINES_PER_CONTRACT,
            help="Linee per contratto del set base (minimo 20; per i test).",
        )

    def handle(self, *args, lines, logins, today, lines_per_contract, **options):
        if logins:
            self.stdout.write(logins_table(bulk=bool(lines)))
            return
        if lines < 0:
            raise CommandError("--lines deve essere positivo.")
        if lines_per_contract < 20:
            raise CommandError("--lines-per-contract deve essere almeno 20.")
        say = self.stdout.write if options["verbosity"] >= 1 else (lambda *a, **k: None)
        started = time.monotonic()
        result = generator.generate(today=today, lines_per_contract=lines_per_contract)
        if result.created:
            say(self.style.SUCCESS(f"Dati demo creati in {time.monotonic() - started:.1f} s."))
        else:
            say("Dati demo già presenti: nessuna modifica.")
        if lines:
            started = time.monotonic()
            bulk = generator.generate_bulk(lines=lines, today=today)
            code = generator.BULK_CONTRACT_CODE
            if bulk.created:
                elapsed = time.monotonic() - started
                say(
                    self.style.SUCCESS(
                        f"Contratto {code} con {lines} linee creato in {elapsed:.1f} s."
                    )
                )
            else:
                say(f"Contratto {code} già presente: nessuna modifica.")
        say("")
        say(logins_table(bulk=bool(lines)))
