from django.core.management.base import BaseCommand

from motcua.core import demo


class Command(BaseCommand):
    help = "Load the demo province (Hà Tĩnh), its catalogue and demo officers; safe to run again."

    def handle(self, *args, **options):
        counts = demo.load()
        self.stdout.write(
            f"Demo province ready: {counts['agencies']} agencies"
            + (f", {counts['procedures_imported']} procedures imported" if counts["procedures_imported"] else "")
            + (f", {counts['dossiers']} demo dossiers made" if counts["dossiers"] else "")
            + "."
        )
