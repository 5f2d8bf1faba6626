from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from motcua.api import services


class Command(BaseCommand):
    help = "Issue an API token for an officer and print its secret (shown only this once)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("name", help="What the token is for, e.g. the program that uses it.")

    def handle(self, *args, username, name, **options):
        try:
            officer = get_user_model().objects.get(username=username, is_active=True)
        except get_user_model().DoesNotExist as exc:
            raise CommandError(f"No active officer with username {username!r}.") from exc
        try:
            secret = services.issue_token(officer, name)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(secret)
