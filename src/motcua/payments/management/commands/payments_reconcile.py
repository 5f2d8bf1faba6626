"""Reconcile one day's transactions with each gateway's list (what the scheduler does nightly)."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from motcua.payments import services
from motcua.payments.registry import registry


class Command(BaseCommand):
    help = "Compare every transaction of a day with the gateway's list and record the discrepancies."

    def add_arguments(self, parser):
        parser.add_argument("--day", help="YYYY-MM-DD (Vietnam time); yesterday by default.")
        parser.add_argument("--gateway", help="Only this gateway.")

    def handle(self, *args, day, gateway, **options):
        try:
            when = dt.date.fromisoformat(day) if day else services.today() - dt.timedelta(days=1)
        except ValueError as exc:
            raise CommandError("--day is YYYY-MM-DD") from exc
        gateways = [registry[gateway]] if gateway else registry.self_settling()
        for item in gateways:
            run = services.reconcile(item.identifier, when)
            self.stdout.write(
                f"{item.identifier} {when}: {run.status}; ours {run.ours}, theirs {run.theirs}, matched {run.matched}, "
                f"settled {run.settled}, discrepancies {run.discrepancies}{'; ' + run.error if run.error else ''}"
            )
