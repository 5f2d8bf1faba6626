"""Periodic work on dossiers, run by the scheduler through the task queue."""

from crontask import cron
from django.tasks import task

from . import alerts, services


@cron("*/10 * * * *")
@task
def close_expired_suspensions() -> int:
    """Close dossiers whose applicant did not supplement within the procedure's allowed days."""
    return services.close_expired_suspensions()


@cron("*/5 * * * *")
@task
def raise_deadline_alerts() -> int:
    """Warn the officers and leaders of steps due within a working day or overdue."""
    return alerts.raise_alerts()
