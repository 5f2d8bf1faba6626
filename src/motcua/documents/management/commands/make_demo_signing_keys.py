"""Make the demo certificate authority and the demo officers' signing keys (see signing.demo)."""

from django.core.management.base import BaseCommand

from motcua.documents.signing.demo import make_demo_keys


class Command(BaseCommand):
    help = "Create a demo root CA and PKCS#12 signing keys for the demo leader and receptionist in var/."

    def add_arguments(self, parser):
        parser.add_argument("--dir", default=None, help="Folder for the keys (default MOTCUA_DEMO_KEYS_DIR).")

    def handle(self, *args, **options):
        for key in make_demo_keys(options["dir"]):
            self.stdout.write(f"{key.officer.username}: {key.subject} ({key.config['path']})")
