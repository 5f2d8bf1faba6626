"""Fee invoices (thông báo phí, lệ phí) and their lines, payment attempts per gateway (giao dịch
thanh toán), refunds (hoàn trả), reconciliation runs (đối soát) with their discrepancies, and the
append-only log of everything that happened to money.

Money is an integer number of đồng everywhere; gateways that count in hundredths (VNPay's
`vnp_Amount` is đồng × 100) convert at their edge.
"""

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
REFERENCE_PREFIX = "MC"
REFERENCE_LENGTH = 10


def new_reference() -> str:
    """The invoice's reference: printed on the receipt, written in a bank transfer's content, and
    the base of the order ids sent to gateways ("MC" and 8 letters or digits without 0/O, 1/I)."""
    return REFERENCE_PREFIX + "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(REFERENCE_LENGTH - 2))


class Invoice(models.Model):
    """The fees of one dossier as computed at receipt, and whether they are paid."""

    class Status(models.TextChoices):
        OPEN = "open", _("Waiting for payment")
        PAID = "paid", _("Paid")
        EXPIRED = "expired", _("Expired")
        REFUNDED = "refunded", _("Refunded")
        CANCELLED = "cancelled", _("Cancelled")

    reference = models.CharField(_("reference"), max_length=16, unique=True, default=new_reference)
    dossier = models.ForeignKey(
        "dossiers.Dossier", verbose_name=_("dossier"), on_delete=models.PROTECT, related_name="invoices"
    )
    # The service centre that received the dossier and collects its fees: finance reports group by it.
    agency = models.ForeignKey(
        "agencies.Agency", verbose_name=_("collecting centre"), on_delete=models.PROTECT, related_name="+"
    )
    channel = models.CharField(_("channel"), max_length=12)
    total = models.PositiveBigIntegerField(_("total (đồng)"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    payer_name = models.CharField(_("payer"), max_length=200)
    issued_at = models.DateTimeField(_("issued at"))
    expires_at = models.DateTimeField(_("payable until"))
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    # The dossier's time limit is counted from payment (the procedure says so, and fees are due).
    clock_waits = models.BooleanField(_("clock starts on payment"), default=False)

    class Meta:
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")
        ordering = ["-issued_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["dossier"], condition=models.Q(status__in=["open", "paid"]), name="one_live_invoice_per_dossier"
            ),
        ]
        indexes = [
            models.Index(fields=["agency", "issued_at"], name="invoice_agency_day"),
            models.Index(fields=["expires_at"], name="invoice_open_expiry", condition=models.Q(status="open")),
        ]

    def __str__(self) -> str:
        return self.reference


class InvoiceLine(models.Model):
    """A fee (phí) or charge (lệ phí) line; an exempted line keeps amount 0 and the reason."""

    class Kind(models.TextChoices):
        FEE = "fee", _("Fee")
        CHARGE = "charge", _("Charge")

    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveSmallIntegerField(default=0)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=300)
    scheduled_amount = models.PositiveBigIntegerField(_("amount in the fee schedule (đồng)"))
    amount = models.PositiveBigIntegerField(_("amount due (đồng)"))
    exemption_reason = models.CharField(_("exemption"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("invoice line")
        verbose_name_plural = _("invoice lines")
        ordering = ["invoice", "position"]

    def __str__(self) -> str:
        return f"{self.name}: {self.amount}"


class Payment(models.Model):
    """One attempt to pay an invoice through a gateway, or money taken at the counter.

    `txn_ref` is the order id the gateway knows (VNPay's vnp_TxnRef, which must be unique per day;
    here it is unique for ever). At most one payment is `applied` to an invoice: any other payment
    that succeeds for the same invoice is refunded.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        PAID = "paid", _("Paid")
        FAILED = "failed", _("Failed")
        EXPIRED = "expired", _("Expired")

    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="payments")
    gateway = models.CharField(_("gateway"), max_length=20)
    method = models.CharField(_("method"), max_length=20, blank=True)
    txn_ref = models.CharField(_("order id"), max_length=40)
    amount = models.PositiveBigIntegerField(_("amount (đồng)"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    applied = models.BooleanField(_("settles the invoice"), default=False)
    created_at = models.DateTimeField(_("started at"))
    expires_at = models.DateTimeField(_("to be paid by"), null=True, blank=True)
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("settled at"), null=True, blank=True)
    settled_by = models.CharField(_("settled through"), max_length=20, blank=True)
    gateway_transaction_no = models.CharField(_("gateway's transaction number"), max_length=40, blank=True)
    bank_code = models.CharField(_("bank"), max_length=20, blank=True)
    response_code = models.CharField(_("gateway's response code"), max_length=4, blank=True)
    transaction_status = models.CharField(_("gateway's transaction status"), max_length=4, blank=True)
    # What was sent to the gateway at the start (create date, client address, order text).
    gateway_data = models.JSONField(default=dict, blank=True)
    last_callback = models.JSONField(default=dict, blank=True)
    last_queried_at = models.DateTimeField(null=True, blank=True)
    queries = models.PositiveSmallIntegerField(default=0)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["gateway", "txn_ref"], name="one_order_id_per_gateway"),
            models.UniqueConstraint(
                fields=["invoice"], condition=models.Q(applied=True), name="one_applied_payment_per_invoice"
            ),
        ]
        indexes = [
            models.Index(fields=["created_at"], name="payment_pending", condition=models.Q(status="pending")),
            models.Index(fields=["gateway", "created_at"], name="payment_gateway_day"),
        ]

    def __str__(self) -> str:
        return f"{self.gateway}:{self.txn_ref}"


class Refund(models.Model):
    """Money given back for a payment: through the gateway's refund API, or in cash at the counter."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        DONE = "done", _("Refunded")
        FAILED = "failed", _("Failed, to retry")

    class Cause(models.TextChoices):
        REFUSED = "refuse", _("Dossier refused")
        WITHDRAWN = "withdraw", _("Dossier withdrawn")
        STOPPED = "close_unsupplemented", _("Dossier stopped")
        DOUBLE_PAYMENT = "double_payment", _("Paid twice")
        CLOSED_INVOICE = "closed_invoice", _("Paid after the invoice was closed")
        OFFICER = "officer", _("Decided by an officer")

    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="refunds")
    amount = models.PositiveBigIntegerField(_("amount (đồng)"))
    cause = models.CharField(_("cause"), max_length=24, choices=Cause.choices)
    reason = models.TextField(_("reason"), blank=True)
    # Given back by an officer (cash at the counter, or a transfer) rather than through the gateway.
    by_hand = models.BooleanField(_("given back by an officer"), default=False)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.REQUESTED)
    request_id = models.CharField(max_length=32, unique=True)
    requested_at = models.DateTimeField(_("requested at"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    finished_at = models.DateTimeField(_("refunded at"), null=True, blank=True)
    finished_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    gateway_transaction_no = models.CharField(max_length=40, blank=True)
    gateway_response = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("refund")
        verbose_name_plural = _("refunds")
        ordering = ["-requested_at"]
        # A payment is refunded once, in full: nothing is given back twice.
        constraints = [models.UniqueConstraint(fields=["payment"], name="one_refund_per_payment")]
        indexes = [models.Index(fields=["requested_at"], name="refund_to_send", condition=~models.Q(status="done"))]

    def __str__(self) -> str:
        return f"{self.payment} −{self.amount}"


class ReconciliationRun(models.Model):
    """One comparison of a day's transactions with what the gateway says (đối soát)."""

    class Status(models.TextChoices):
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    gateway = models.CharField(_("gateway"), max_length=20)
    day = models.DateField(_("day"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.RUNNING)
    started_at = models.DateTimeField(_("started at"))
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    ours = models.PositiveIntegerField(_("our transactions"), default=0)
    theirs = models.PositiveIntegerField(_("gateway's transactions"), default=0)
    matched = models.PositiveIntegerField(_("matched"), default=0)
    settled = models.PositiveIntegerField(_("settled by this run"), default=0)
    discrepancies = models.PositiveIntegerField(_("discrepancies"), default=0)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("reconciliation run")
        verbose_name_plural = _("reconciliation runs")
        ordering = ["-day", "-started_at"]

    def __str__(self) -> str:
        return f"{self.gateway} {self.day}"


class Discrepancy(models.Model):
    """A difference between motcua and a gateway (or a bank statement) for a finance officer to resolve."""

    class Kind(models.TextChoices):
        MISSING_AT_GATEWAY = "missing_at_gateway", _("Paid here, not at the gateway")
        MISSING_HERE = "missing_here", _("Paid at the gateway, unknown here")
        SETTLED_LATE = "settled_late", _("Paid at the gateway, settled by reconciliation")
        AMOUNT_MISMATCH = "amount_mismatch", _("Amounts differ")
        DOUBLE_PAYMENT = "double_payment", _("Invoice paid twice")
        CLOSED_INVOICE = "closed_invoice", _("Paid after the invoice was closed")
        UNMATCHED_TRANSFER = "unmatched_transfer", _("Bank transfer matching no invoice")
        CASH_MISMATCH = "cash_mismatch", _("Cash taken differs from the fees")
        REFUND_FAILED = "refund_failed", _("Refund refused by the gateway")

    class Resolution(models.TextChoices):
        CONFIRMED = "confirmed", _("Checked: our record is right")
        CORRECTED = "corrected", _("Corrected by hand")
        REFUNDED = "refunded", _("Money given back")
        WRITTEN_OFF = "written_off", _("Written off with the accountant")
        AUTOMATIC = "automatic", _("Settled automatically")

    run = models.ForeignKey(ReconciliationRun, null=True, blank=True, on_delete=models.PROTECT, related_name="found")
    gateway = models.CharField(_("gateway"), max_length=20)
    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices)
    txn_ref = models.CharField(_("order id"), max_length=80, blank=True)
    payment = models.ForeignKey(Payment, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    invoice = models.ForeignKey(Invoice, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey("agencies.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    ours = models.JSONField(_("our record"), default=dict, blank=True)
    theirs = models.JSONField(_("gateway's record"), default=dict, blank=True)
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("found at"))
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    resolution = models.CharField(_("resolution"), max_length=12, choices=Resolution.choices, blank=True)
    resolution_note = models.TextField(_("resolution note"), blank=True)

    class Meta:
        verbose_name = _("discrepancy")
        verbose_name_plural = _("discrepancies")
        ordering = ["-created_at"]
        constraints = [
            # Running the same reconciliation again does not repeat what is still open.
            models.UniqueConstraint(
                fields=["gateway", "kind", "txn_ref"],
                condition=models.Q(resolved_at=None),
                name="one_open_discrepancy_per_order",
            ),
        ]
        indexes = [models.Index(fields=["created_at"], name="discrepancy_open", condition=models.Q(resolved_at=None))]

    def __str__(self) -> str:
        return f"{self.gateway} {self.kind} {self.txn_ref}"


class PaymentEvent(models.Model):
    """An entry of the payments log: appended, never edited (see migration 0002). Every callback
    is kept here as received, valid or not."""

    at = models.DateTimeField()
    kind = models.CharField(max_length=30)
    source = models.CharField(max_length=20, blank=True)
    gateway = models.CharField(max_length=20, blank=True)
    invoice = models.ForeignKey(Invoice, null=True, blank=True, on_delete=models.PROTECT, related_name="events")
    payment = models.ForeignKey(Payment, null=True, blank=True, on_delete=models.PROTECT, related_name="events")
    refund = models.ForeignKey(Refund, null=True, blank=True, on_delete=models.PROTECT, related_name="events")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT)
    code = models.CharField(max_length=8, blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("payment event")
        verbose_name_plural = _("payment events")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["invoice", "at"], name="payment_event_invoice")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.kind}"
