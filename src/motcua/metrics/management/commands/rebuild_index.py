"""Recompute the index's facts, monthly tallies and snapshots from the dossiers."""

import time

from django.core.management.base import BaseCommand

from motcua.metrics import facts


class Command(BaseCommand):
    help = "Recompute every dossier's index facts, the monthly tallies and the month-end snapshots."

    def handle(self, *args, **options):
        started = time.monotonic()

        def progress(done: int, total: int) -> None:
            self.stdout.write(f"\r{done:,}/{total:,}", ending="")
            self.stdout.flush()

        done = facts.rebuild(progress=progress)
        self.stdout.write(f"\n{done:,} dossiers in {time.monotonic() - started:.1f} s")
