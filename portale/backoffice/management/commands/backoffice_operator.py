"""``manage.py backoffice_operator USERNAME…``: give users the back-office rights."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from portale.backoffice.services import operator_grant, operator_group_ensure


class Command(BaseCommand):
    help = "Aggiorna il gruppo «Operatori back office» e vi aggiunge gli utenti indicati."

    def add_arguments(self, parser):
        parser.add_argument("usernames", nargs="*")

    def handle(self, *args, usernames, **options):
        operator_group_ensure()
        users = get_user_model().objects.filter(username__in=usernames)
        missing = set(usernames) - {u.username for u in users}
        if missing:
            raise CommandError(f"Utenti inesistenti: {', '.join(sorted(missing))}")
        for user in users:
            operator_grant(user=user)
        if options["verbosity"]:
            self.stdout.write(f"Operatori back office aggiornati: {len(users)}")
