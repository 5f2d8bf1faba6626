"""E-mail through Django's mailers (MAILERS; SMTP in production, the simulator's SMTP server in
the demo). SMTP has no delivery report: a message the server accepted stays "sent"."""

from __future__ import annotations

import smtplib
from email.utils import make_msgid
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.mail import EmailMessage, mailers

from motcua.notifications import conf
from motcua.notifications.base import Channel, Permanent, Retryable
from motcua.notifications.registry import register

if TYPE_CHECKING:
    from motcua.notifications.models import Message


@register
class Email(Channel):
    identifier = "email"
    label = "E-mail (SMTP)"

    def send(self, message: Message) -> str:
        message_id = make_msgid(f"motcua.{message.pk}")
        email = EmailMessage(
            subject=message.subject,
            body=message.body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[message.recipient],
            headers={"Message-ID": message_id},
        )
        try:
            connection = mailers[conf.mailer()]
            sent = connection.send_messages([email])
        except smtplib.SMTPRecipientsRefused as exc:
            raise Permanent(f"Address refused by the mail server: {message.recipient}") from exc
        except smtplib.SMTPResponseException as exc:
            error = f"SMTP {exc.smtp_code}: {exc.smtp_error!r}"
            raise (Permanent(error) if 500 <= exc.smtp_code < 600 else Retryable(error)) from exc
        except (smtplib.SMTPException, TimeoutError, OSError) as exc:
            raise Retryable(f"Mail server unreachable: {type(exc).__name__}: {exc}") from exc
        if not sent:
            raise Retryable("The mail server took nothing")
        return message_id
