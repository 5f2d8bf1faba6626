"""Run the payments' periodic work now: invoices missing after a crash, pending payments asked
about at their gateway (querydr), refunds to retry, expired invoices."""

import datetime as dt

from django.core.management.base import BaseCommand

from motcua.payments import services


class Command(BaseCommand):
    help = "Settle pending payments with their gateways now (what the scheduler does every minute)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than", type=int, default=None, help="Minutes a payment must be pending (default: settings)."
        )

    def handle(self, *args, older_than, **options):
        made = services.open_missing_invoices() + services.close_invoices_of_finished_dossiers()
        counts = services.settle_pending(
            older_than=dt.timedelta(minutes=older_than) if older_than is not None else None
        )
        refunds = services.send_pending_refunds()
        expired = services.expire_invoices()
        self.stdout.write(f"invoices made: {made}; payments: {counts}; refunds sent: {refunds}; expired: {expired}")
