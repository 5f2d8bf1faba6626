"""Periodic work on the file store, run by the scheduler through the task queue."""

from crontask import cron
from django.tasks import task

from . import store


@cron("17 * * * *")
@task
def check_blobs() -> int:
    """Read again stored files not checked for a week; failures are logged and shown in the admin."""
    return len(store.check_due())
