"""The outbox of messages to applicants (tin nhắn gửi người nộp hồ sơ): one row per message and
channel, written in the transaction that changed the dossier and carried out by a task."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Message(models.Model):
    """An e-mail or SMS to an applicant (or a portal account), with its delivery status."""

    class Channel(models.TextChoices):
        EMAIL = "email", _("E-mail")
        SMS = "sms", _("SMS")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting to be sent")
        SENDING = "sending", _("Being sent")
        SENT = "sent", _("Sent")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Not sent")

    dossier = models.ForeignKey(
        "dossiers.Dossier",
        verbose_name=_("dossier"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="messages",
    )
    channel = models.CharField(_("sent by"), max_length=8, choices=Channel.choices)
    recipient = models.CharField(_("recipient"), max_length=254)
    subject = models.CharField(_("subject"), max_length=200, blank=True)
    body = models.TextField(_("text"))
    # The dossier action that caused it ("receive", "extend", …) or "one_time_code".
    purpose = models.CharField(_("purpose"), max_length=40)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    # Queued: when to try next. Sending: when the claim lapses (a worker that died mid-send).
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    provider_message_id = models.CharField(_("gateway's message id"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("created at"))
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["-created_at", "-id"]
        indexes = [
            # The sweep: messages waiting for a (re)try or whose claim lapsed, soonest first.
            models.Index(
                fields=["next_attempt_at"],
                name="message_due",
                condition=models.Q(status__in=["queued", "sending"]),
            ),
            # Officers' list: failures of a dossier first, and a dossier's messages.
            models.Index(fields=["dossier", "status", "-created_at"], name="message_dossier"),
            models.Index(fields=["status", "-created_at"], name="message_status"),
            models.Index(
                fields=["channel", "provider_message_id"],
                name="message_provider_id",
                condition=~models.Q(provider_message_id=""),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} → {self.recipient}: {self.purpose}"

    @property
    def purpose_label(self) -> str:
        """The dossier action's name as officers know it (or the purpose as stored)."""
        from motcua.dossiers.workflow import TRANSITIONS

        transition = TRANSITIONS.get(self.purpose)
        return str(transition.label) if transition else self.purpose


class DeliveryReport(models.Model):
    """A gateway's callback about a message, as received (appended; the message keeps the latest)."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="reports")
    received_at = models.DateTimeField()
    status = models.CharField(max_length=10, blank=True)
    data = models.JSONField(default=dict)

    class Meta:
        ordering = ["message", "received_at", "id"]

    def __str__(self) -> str:
        return f"{self.message_id} {self.status}"
