"""Messages to applicants: the only place that writes `Message` rows.

Dossier actions call `for_dossier` inside their transaction (an outbox row per channel); the
accounts app calls `send_one_time_code`. Delivery runs after commit in a task (`tasks.deliver`):
a worker claims the message with a conditional UPDATE (so two workers never send the same
attempt), hands it to the channel plugin outside any transaction, then records the outcome.
A worker that dies mid-send leaves a claim that lapses; the sweep picks the message up again, and
the SMS gateway's RequestId (the same for every attempt) keeps the phone from getting it twice.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar

from django.db import transaction
from django.db.models import F, Q
from django.utils.translation import gettext as _

from motcua.core import clock
from motcua.core.errors import Conflict, Invalid, NotAllowed

from . import conf, phones, texts
from .base import Permanent, Retryable
from .contrib.sms import protocol
from .models import DeliveryReport, Message
from .registry import registry

log = logging.getLogger(__name__)
Status = Message.Status


# -- writing messages -----------------------------------------------------------------------------

_silenced: ContextVar[bool] = ContextVar("motcua_messages_silenced", default=False)


@contextmanager
def silenced() -> Iterator[None]:
    """Dossier actions replayed from the past (the demo's history, a migration from an earlier
    system) tell nobody today of what happened then: inside this block `for_dossier` writes
    nothing. One-time codes are never silenced."""
    token = _silenced.set(True)
    try:
        yield
    finally:
        _silenced.reset(token)


def contacts(dossier) -> tuple[str, str]:
    """(e-mail, phone) where the applicant can be reached: the dossier's, else the portal account's."""
    email, phone = dossier.applicant_email or "", phones.normalise(dossier.applicant_phone or "")
    if (not email or not phone) and dossier.owner_id:
        profile = getattr(dossier.owner, "citizen", None)
        if profile is not None:
            email = email or (profile.email or "")
            phone = phone or phones.normalise(profile.phone or "")
    return email, phone


def _sms_text(text: str) -> str:
    return protocol.fit(text, unicode=conf.sms_unicode(), max_segments=conf.sms_max_segments())


def for_dossier(dossier, action: str, event=None) -> list[Message]:
    """Write the messages that tell the applicant of `action` (called in the dossier's transaction)
    and send them once it commits. Nothing for actions the applicant is not told of."""
    if action not in texts.TOLD or _silenced.get():
        return []
    data = dict(getattr(event, "data", None) or {})
    note = getattr(event, "note", "") or ""
    deadline = None
    if action in ("request_supplement_at_reception", "request_supplement"):
        suspension = dossier.suspensions.filter(ended_at__isnull=True).order_by("-started_at").first()
        if suspension is not None:
            deadline = suspension.deadline_at
            data.setdefault("items", suspension.items)
            note = note or suspension.reason
    text = texts.compose(dossier, action, data=data, note=note, deadline=deadline)
    email, phone = contacts(dossier)
    return _write(text, email, phone, purpose=action, dossier=dossier)


def _write(text, email: str, phone: str, *, purpose: str, dossier=None) -> list[Message]:
    """One message per channel the person can be reached on, sent once the caller commits."""
    now = clock.now()
    common = {"dossier": dossier, "purpose": purpose, "created_at": now, "next_attempt_at": now}
    rows = []
    if email:
        subject = text.subject[:200]
        rows.append(Message(channel=Message.Channel.EMAIL, recipient=email, subject=subject, body=text.body, **common))
    if phone:
        rows.append(Message(channel=Message.Channel.SMS, recipient=phone, body=_sms_text(text.sms), **common))
    if not rows:
        return []
    created = Message.objects.bulk_create(rows)
    _deliver_on_commit(created)
    return created


def send_one_time_code(destination: str, code: str, purpose: str, *, minutes: int | None = None) -> Message:
    """Send a one-time code (mã xác thực) to a phone (SMS) or an e-mail address, at once after the
    caller's transaction commits. The code is in the message only; it is never logged."""
    destination = (destination or "").strip()
    text = texts.one_time_code(code, minutes or conf.code_minutes())
    phone = phones.normalise(destination)
    now = clock.now()
    if phone:
        message = Message(channel=Message.Channel.SMS, recipient=phone, body=_sms_text(text.sms))
    elif "@" in destination and " " not in destination:
        message = Message(channel=Message.Channel.EMAIL, recipient=destination, subject=text.subject, body=text.body)
    else:
        raise Invalid(_("Enter a mobile phone number or an e-mail address."), "destination")
    message.purpose = (purpose or "one_time_code")[:40]
    message.created_at = message.next_attempt_at = now
    message.save()
    _deliver_on_commit([message])
    return message


def _deliver_on_commit(messages: list[Message]) -> None:
    from . import tasks

    for message in messages:
        transaction.on_commit(lambda pk=message.pk: tasks.enqueue_delivery(pk))


# -- delivering -----------------------------------------------------------------------------------


def _claim(message_id: int, now: dt.datetime) -> Message | None:
    """Take the message for one attempt, or None if it is not due or another worker has it."""
    seen = Message.objects.filter(pk=message_id).values_list("status", "attempts").first()
    if seen is None or seen[0] not in (Status.QUEUED, Status.SENDING):
        return None
    status, attempts = seen
    lease = now + dt.timedelta(minutes=conf.lease_minutes())
    taken = (
        Message.objects.filter(pk=message_id, status=status, attempts=attempts)
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .update(status=Status.SENDING, attempts=F("attempts") + 1, next_attempt_at=lease)
    )
    if not taken:
        return None
    return Message.objects.get(pk=message_id)


def deliver(message_id: int) -> str:
    """One attempt at a message; returns its status afterwards (or "skipped" if not claimed)."""
    message = _claim(message_id, clock.now())
    if message is None:
        return "skipped"
    mine = Message.objects.filter(pk=message.pk, attempts=message.attempts, status=Status.SENDING)
    try:
        provider_id = registry[message.channel].send(message)
    except Permanent as exc:
        mine.update(status=Status.FAILED, next_attempt_at=None, last_error=str(exc)[:1000])
        log.warning("Message %s failed for good: %s", message.pk, exc)
        return Status.FAILED
    except Exception as exc:
        # Retryable, or a bug or missing setting: never leave the message "sending" for ever.
        if not isinstance(exc, Retryable):
            log.exception("Message %s: the %s channel failed unexpectedly", message.pk, message.channel)
        backoff = conf.backoff()
        if message.attempts > len(backoff):
            mine.update(status=Status.FAILED, next_attempt_at=None, last_error=str(exc)[:1000])
            log.warning("Message %s failed after %s attempts: %s", message.pk, message.attempts, exc)
            return Status.FAILED
        later = clock.now() + dt.timedelta(minutes=backoff[message.attempts - 1])
        mine.update(status=Status.QUEUED, next_attempt_at=later, last_error=str(exc)[:1000])
        log.info("Message %s will be retried at %s: %s", message.pk, later, exc)
        return Status.QUEUED
    now = clock.now()
    done = mine.update(
        status=Status.SENT, sent_at=now, next_attempt_at=None, last_error="", provider_message_id=provider_id[:100]
    )
    if not done:
        # A delivery report arrived before the answer was recorded: keep its status, add the id.
        Message.objects.filter(pk=message.pk, provider_message_id="").update(
            provider_message_id=provider_id[:100], sent_at=now
        )
    return Status.SENT


def due(now: dt.datetime | None = None, limit: int = 500) -> list[int]:
    """Messages waiting for a (re)try and messages whose claim lapsed, oldest due first."""
    now = now or clock.now()
    return list(
        Message.objects.filter(status__in=[Status.QUEUED, Status.SENDING], next_attempt_at__lte=now)
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )


# -- officers -------------------------------------------------------------------------------------


def visible_messages(user):
    """Messages of the dossiers the officer may open (the back office's SQL filter)."""
    from motcua.backoffice.access import visible_dossiers

    return Message.objects.filter(dossier__in=visible_dossiers(user).values("pk"))


def retry(message_id: int, actor) -> Message:
    """An officer sends a failed message again (after the address or the gateway was fixed)."""
    message = visible_messages(actor).filter(pk=message_id).first()
    if message is None:
        raise NotAllowed(_("You cannot see this message."))
    with transaction.atomic():
        reset = Message.objects.filter(pk=message.pk, status=Status.FAILED).update(
            status=Status.QUEUED, attempts=0, next_attempt_at=clock.now()
        )
        if not reset:
            raise Conflict(_("Only a message that could not be sent can be sent again."))
        log.info("Message %s sent again by officer %s", message.pk, actor.pk)
        _deliver_on_commit([message])
    message.refresh_from_db()
    return message


# -- delivery reports -----------------------------------------------------------------------------


def record_report(channel: str, params: Mapping[str, str]) -> str:
    """A gateway's delivery callback: idempotent (the same report twice changes nothing more) and
    never moves a message backwards. Returns what was done."""
    report = registry[channel].parse_report(params)
    message = None
    if report.provider_message_id:
        message = Message.objects.filter(channel=channel, provider_message_id=report.provider_message_id).first()
    if message is None:
        pk = protocol.message_id_of(params.get("RequestId", ""))
        message = Message.objects.filter(channel=channel, pk=pk).first() if pk else None
    if message is None:
        return "unknown"
    now = clock.now()
    with transaction.atomic():
        DeliveryReport.objects.create(message=message, received_at=now, status=report.status, data=dict(report.raw))
        open_ = Message.objects.filter(pk=message.pk, status__in=[Status.QUEUED, Status.SENDING, Status.SENT])
        if report.status == "delivered":
            changed = open_.update(
                status=Status.DELIVERED, delivered_at=now, next_attempt_at=None, last_error=""
            ) or Message.objects.filter(pk=message.pk, status=Status.FAILED).update(
                status=Status.DELIVERED, delivered_at=now, last_error=""
            )
        elif report.status == "failed":
            changed = open_.update(status=Status.FAILED, next_attempt_at=None, last_error=report.error[:1000])
        else:
            changed = 0
        if report.provider_message_id:
            Message.objects.filter(pk=message.pk, provider_message_id="").update(
                provider_message_id=report.provider_message_id[:100]
            )
    return "updated" if changed else "unchanged"


# -- feedback items (phản ánh, kiến nghị) ------------------------------------------------------------


def for_feedback(item, action: str) -> list[Message]:
    """Tell the sender of a feedback item of a change of its status: messages written in the
    caller's transaction (no dossier) and sent once it commits. A sender who left no contact
    follows the item by its code only."""
    from motcua.feedback import texts as feedback_texts

    if _silenced.get():
        return []
    text = feedback_texts.compose(item, action)
    if text is None:
        return []
    email, phone = item.sender_email or "", phones.normalise(item.sender_phone or "")
    if item.sender_account_id and (not email or not phone):
        profile = getattr(item.sender_account, "citizen", None)
        if profile is not None:
            email = email or (profile.email or "")
            phone = phone or phones.normalise(profile.phone or "")
    return _write(text, email, phone, purpose=f"feedback_{action}"[:40])
