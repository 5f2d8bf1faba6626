"""Periodic and queued payment work, run by the scheduler and the task workers."""

from crontask import cron
from django.tasks import task

from . import services
from .registry import registry


@cron("* * * * *")
@task
def settle_pending_payments() -> dict:
    """Ask the gateways about attempts still pending a few minutes after they started (querydr)."""
    return services.settle_pending()


@cron("30 1 * * *")
@task
def reconcile_yesterday() -> list[int]:
    """Nightly: compare every transaction of yesterday with each gateway's list."""
    import datetime as dt

    day = services.today() - dt.timedelta(days=1)
    return [services.reconcile(g.identifier, day).pk for g in registry.self_settling()]


@cron("*/5 * * * *")
@task
def send_pending_refunds() -> int:
    """Retry refunds the gateway could not take yet."""
    return services.send_pending_refunds()


@cron("15 * * * *")
@task
def expire_invoices() -> int:
    """Invoices past their date with nothing pending at a gateway become expired."""
    return services.expire_invoices()


@task
def send_refund(refund_id: int) -> str:
    return services.send_refund(refund_id)


@task
def query_payment(payment_id: int) -> str:
    """Ask the gateway about one attempt now (after the applicant came back from the gateway)."""
    return services.settle_one(payment_id)


@cron("* * * * *")
@task
def open_missing_invoices() -> int:
    """What a crash right after a dossier's commit left undone: invoices of accepted dossiers not
    made, fees of refused, withdrawn or stopped dossiers not cancelled or refunded."""
    return services.open_missing_invoices() + services.close_invoices_of_finished_dossiers()
