"""Run one sweep of the durable background jobs by hand (the worker runs it every minute)."""

from django.core.management.base import BaseCommand

from portale.core import jobs


class Command(BaseCommand):
    help = "Sveglia i job in background rimasti in attesa o bloccati (uno sweep)."

    def handle(self, *args, **options):
        for name, count in jobs.sweep().items():
            self.stdout.write(f"{name}: {count}")
