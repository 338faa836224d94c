"""Demo history of pratiche and ordini for every contract (run after ``demo_data``).

Pratiche from every channel over the last 10 days, some closed, some still being worked,
one rejected with its reason, and a "Cambio SIM" order delivered with its tracking events.
Idempotent: a contract that already has pratiche is left alone.
"""

from __future__ import annotations

from datetime import timedelta

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from portale.cases import lifecycle, services
from portale.cases.models import Case, Channel, Shipment
from portale.fulfilment import engine
from portale.records.models import Contract


class Command(BaseCommand):
    help = "Create a demo history of pratiche and ordini for each contract."

    def add_arguments(self, parser):
        parser.add_argument("--contracts", type=int, default=0, help="at most N contracts")

    def handle(self, *args, contracts: int, **options):
        qs = Contract.objects.exclude(cases__isnull=False).order_by("code")
        if contracts:
            qs = qs[:contracts]
        made = 0
        for contract in qs:
            with transaction.atomic():
                made += self._history(contract)
        engine.run_until_idle()  # the closed orders go on to Emesso/Attivo, with tracking
        if options["verbosity"]:
            self.stdout.write(f"demo_cases: {made} pratiche")

    def _history(self, contract) -> int:
        now = timezone.now()
        line = contract.lines.order_by("msisdn").first()
        plan = [
            ("sim_change", Channel.PHONE, 9, "close", "SIM sostituita", True),
            ("network_services", Channel.EMAIL, 7, "close", "Direttrici aggiornate", False),
            (
                "company_recharge",
                Channel.FAX,
                5,
                "reject",
                "Importo non previsto dal listino",
                False,
            ),
            ("rif_profile", Channel.PHONE, 3, "take", "", False),
            ("contact_request", Channel.EMAIL, 1, "", "", False),
        ]
        for operation, channel, days_ago, action, outcome, ships in plan:
            case = services.case_file(
                operation=operation,
                actor=None,
                contract=contract,
                payload=None,  # received by the Servizio Clienti, worked by hand
                line=line,
                channel=channel,
                notes="Richiesta pervenuta al Servizio Clienti (demo)",
            )
            when = now - timedelta(days=days_ago, hours=2)
            Case.objects.filter(pk=case.pk).update(opened_at=when)
            case.orders.update(created_at=when)
            if ships:
                for order in case.orders.all():
                    Shipment.objects.create(order=order, address=str(contract.docs_address))
            if action == "take":
                lifecycle.case_take(case=case, operator=None)
            elif action == "close":
                lifecycle.case_close(case=case, outcome=outcome)
                Case.objects.filter(pk=case.pk).update(closed_at=when + timedelta(days=1))
            elif action == "reject":
                lifecycle.case_reject(case=case, reason=outcome)
                Case.objects.filter(pk=case.pk).update(closed_at=when + timedelta(days=1))
        return len(plan)
