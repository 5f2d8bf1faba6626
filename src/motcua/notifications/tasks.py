"""Delivery of messages, queued after the transaction that wrote them, and the sweep of retries."""

from crontask import cron
from django.tasks import task

from . import services


@task
def deliver(message_id: int) -> str:
    return services.deliver(message_id)


def enqueue_delivery(message_id: int) -> None:
    deliver.enqueue(message_id)


@cron("* * * * *")
@task
def send_due_messages() -> int:
    """Retries whose time has come, and messages left "sending" by a worker that died."""
    ids = services.due()
    for message_id in ids:
        services.deliver(message_id)
    return len(ids)
