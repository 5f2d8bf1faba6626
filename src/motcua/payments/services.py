"""The only writer of invoices, payments, refunds and discrepancies.

The rules, whatever the gateway:
- An invoice is computed once, at acceptance, from the procedure version's fee lines in force at
  receipt for the dossier's channel (the lower online amounts where the province set them).
- A payment is paid only when the gateway says so in a signed message (a callback, a query
  answer, its reconciliation list) or when an officer records cash; the browser's return never
  decides. The amount must be the attempt's own.
- Callbacks are idempotent and order-independent: the attempt row is locked (SELECT … FOR UPDATE
  on PostgreSQL; SQLite's write transactions are serial), every state change is a conditional
  UPDATE from the state just read, a success beats an earlier failure or expiry, nothing goes
  back from paid, and at most one payment is applied to an invoice (a unique constraint says so
  too). Money that arrives for an invoice already paid or closed is refunded, not lost.
- Every callback, query answer and decision is appended to `PaymentEvent`.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import logging
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, connection, transaction
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from motcua.agencies.models import Agency, Role
from motcua.agencies.services import agencies_where
from motcua.catalog.rules import FeeLine, applicable_fees
from motcua.core import clock
from motcua.core.errors import ActionError, Conflict, Invalid, NotAllowed
from motcua.core.money import format_dong
from motcua.workdays.calendar import VN_TZ

from . import conf
from .base import Gateway, GatewayResult, GatewayUnavailable, NotSupported, Outcome, StartRequest, StartResponse, State
from .models import (
    REFERENCE_ALPHABET,
    Discrepancy,
    Invoice,
    InvoiceLine,
    Payment,
    PaymentEvent,
    ReconciliationRun,
    Refund,
)
from .registry import registry

logger = logging.getLogger(__name__)

# Who may do what, in the invoice's collecting centre (or an agency above it). There is no
# finance-officer role yet: centre heads and the provincial administrator act as such.
VIEW_ROLES = (Role.RECEPTIONIST, Role.CENTRE_HEAD, Role.INSPECTOR, Role.PROVINCE_ADMIN)
CASH_ROLES = (Role.RECEPTIONIST,)
FINANCE_ROLES = (Role.CENTRE_HEAD, Role.PROVINCE_ADMIN)
ONLINE_CHANNELS = ("online", "vneid")
GRACE = dt.timedelta(minutes=15)


# Payments refuse with the same errors as every service; the old name stays for readers.
PaymentError = ActionError


# -- helpers ------------------------------------------------------------------------------------


def _dossiers():
    from motcua.dossiers import services  # the dossiers app calls us too

    return services


def _holds(user, roles: Iterable[str], agency: Agency) -> bool:
    return _dossiers().holds_role(user, roles, agency)


def _id(fields: dict, name: str):
    value = fields.get(name)
    return value.pk if value is not None and hasattr(value, "pk") else fields.get(f"{name}_id", value)


def _log(kind: str, *, at=None, data=None, **fields) -> None:
    """Append to the payments log: one INSERT, no model instance (callbacks must be cheap)."""
    ops = connection.ops
    table = PaymentEvent._meta.db_table
    _sql(
        f"INSERT INTO {table} (at, kind, source, gateway, invoice_id, payment_id, refund_id, actor_id, code, data)"  # noqa: S608
        " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
        [
            ops.adapt_datetimefield_value(at or clock.now()),
            kind,
            fields.get("source", ""),
            fields.get("gateway", ""),
            _id(fields, "invoice"),
            _id(fields, "payment"),
            _id(fields, "refund"),
            _id(fields, "actor"),
            fields.get("code", ""),
            ops.adapt_json_value(data or {}, None),
        ],
    )


def _sql(statement: str, params) -> int:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.rowcount


def _jsonable(values: Mapping | None) -> dict:
    plain = (int, float, bool, type(None))
    return {str(k): (v if isinstance(v, plain) else str(v)) for k, v in (values or {}).items()}


def _new_ref(prefix: str, marker: str) -> str:
    return prefix + marker + "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(4))


def _local_day(instant: dt.datetime) -> dt.date:
    return instant.astimezone(VN_TZ).date()


def _day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    start = dt.datetime.combine(day, dt.time(0), tzinfo=VN_TZ)
    return start, start + dt.timedelta(days=1)


def visible_invoices(user):
    """Invoices of the collecting centres where the officer holds a finance-related role (one query)."""
    return Invoice.objects.filter(agency__in=agencies_where(user, VIEW_ROLES))


def visible_discrepancies(user):
    return Discrepancy.objects.filter(Q(agency__in=agencies_where(user, VIEW_ROLES)) | Q(agency__isnull=True))


def gateway_label(identifier: str) -> str:
    return str(registry[identifier].label) if identifier in registry else identifier


# -- the pay link -------------------------------------------------------------------------------

_signer = signing.Signer(salt="motcua.payments.pay-link", algorithm="sha256")


def pay_token(invoice: Invoice) -> str:
    """The token of the public pay page: the reference, signed, so a message can carry the link."""
    return _signer.sign(invoice.reference)


def invoice_for_token(token: str) -> Invoice | None:
    try:
        reference = _signer.unsign(token)
    except signing.BadSignature:
        return None
    return (
        Invoice.objects.select_related("dossier__procedure_version", "agency")
        .prefetch_related("lines")
        .filter(reference=reference)
        .first()
    )


# -- invoices -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Line:
    kind: str
    name: str
    scheduled_amount: int
    amount: int
    exemption_reason: str = ""


def fee_lines(dossier, on: dt.date, exemptions: Mapping[str, str] | None = None) -> list[Line]:
    """The dossier's fee lines: the schedule in force on `on` for its channel, exemptions applied."""
    channel = "online" if dossier.channel in ONLINE_CHANNELS else "in_person"
    fees = list(dossier.procedure_version.fees.all())
    notes = {(f.name, f.kind, f.channel, f.effective_from): f.note for f in fees}
    scheduled = applicable_fees(
        [FeeLine(f.name, f.kind, f.channel, f.amount, f.effective_from) for f in fees], channel, on
    )
    exemptions = exemptions or {}
    lines = []
    for fee in scheduled:
        reason = (exemptions.get(fee.name) or "").strip()
        if not reason and fee.amount == 0:
            # The schedule itself exempts (e.g. "free when registered in time"): say so.
            reason = notes.get((fee.name, fee.kind, fee.channel, fee.effective_from)) or _("Exempt")
        amount = 0 if reason else fee.amount
        lines.append(Line(fee.kind, fee.name, fee.amount, amount, reason[:300]))
    return lines


def clock_waits(dossier, at: dt.datetime) -> bool:
    """Whether the dossier, accepted now, starts its time limit only when its fees are paid: its
    procedure says so, fees are due, and they were not all taken at the counter."""
    if not dossier.procedure_version.clock_after_payment:
        return False
    total = sum(line.amount for line in fee_lines(dossier, _local_day(dossier.received_at or at)))
    return total > 0 and dossier.fees_collected != total


def open_invoice(dossier, *, actor=None, at: dt.datetime | None = None, exemptions=None) -> Invoice | None:
    """The dossier's invoice, computed from the fee lines in force at receipt (made once; asking
    again returns the live one). None for a procedure without fees.

    Cash the receptionist took at reception (`fees_collected`) pays it when it is the total; a
    different amount is shown to the finance officers as a discrepancy.
    """
    at = at or clock.now()
    existing = Invoice.objects.filter(dossier=dossier, status__in=[Invoice.Status.OPEN, Invoice.Status.PAID]).first()
    if existing:
        return existing
    lines = fee_lines(dossier, _local_day(dossier.received_at or at), exemptions)
    if not lines:
        return None
    total = sum(line.amount for line in lines)
    collected = dossier.fees_collected or 0
    paid_at_counter = total > 0 and collected == total
    paid = total == 0 or paid_at_counter
    with transaction.atomic():
        invoice = Invoice.objects.create(
            dossier=dossier,
            agency=dossier.receiving_agency,
            channel=dossier.channel,
            total=total,
            status=Invoice.Status.PAID if paid else Invoice.Status.OPEN,
            payer_name=dossier.applicant_name,
            issued_at=at,
            expires_at=at + dt.timedelta(days=conf.invoice_valid_days()),
            paid_at=at if paid else None,
            clock_waits=not paid and dossier.procedure_version.clock_after_payment,
        )
        InvoiceLine.objects.bulk_create(
            InvoiceLine(
                invoice=invoice,
                position=i,
                kind=line.kind,
                name=line.name,
                scheduled_amount=line.scheduled_amount,
                amount=line.amount,
                exemption_reason=line.exemption_reason,
            )
            for i, line in enumerate(lines)
        )
        officer = actor if getattr(actor, "is_authenticated", False) else None
        events = [PaymentEvent(at=at, kind="invoice_opened", invoice=invoice, actor=officer, data={"total": total})]
        if paid_at_counter:
            payment = _cash_payment(invoice, total, at, officer, _("Taken at reception"))
            events.append(
                PaymentEvent(
                    at=at, kind="cash_recorded", invoice=invoice, payment=payment, actor=officer, gateway="cash"
                )
            )
        elif collected:
            Discrepancy.objects.create(
                gateway="cash",
                kind=Discrepancy.Kind.CASH_MISMATCH,
                txn_ref=invoice.reference,
                invoice=invoice,
                agency=invoice.agency,
                ours={"total": total},
                theirs={"taken_at_reception": collected},
                note=_("%(taken)s was taken at reception; the fees are %(total)s.")
                % {"taken": format_dong(collected), "total": format_dong(total)},
                created_at=at,
            )
        PaymentEvent.objects.bulk_create(events)
    return invoice


def open_invoice_on_commit(dossier, *, actor=None, at: dt.datetime | None = None) -> None:
    """At acceptance: the invoice is made as soon as the acceptance is committed, in a transaction
    of its own, so reception stays as short as it is. Should that fail (or the process die first),
    `open_missing_invoices` makes it a minute later: a dossier is never left without its fees."""
    dossier_id = dossier.pk

    def make() -> None:
        try:
            open_invoice(_dossier_for_invoice(dossier_id), actor=actor, at=at)
        except Exception:
            logger.exception("Invoice of dossier %s not made at acceptance; the periodic job will", dossier_id)

    transaction.on_commit(make)


def _dossier_for_invoice(dossier_id: int):
    from motcua.dossiers.models import Dossier

    return Dossier.objects.select_related("procedure_version", "receiving_agency").get(pk=dossier_id)


def open_missing_invoices(now: dt.datetime | None = None, *, within: dt.timedelta = dt.timedelta(days=3)) -> int:
    """Invoices of dossiers accepted lately whose procedure has fees but which have none yet."""
    from motcua.catalog.models import Fee
    from motcua.dossiers.models import Dossier

    now = now or clock.now()
    ids = list(
        Dossier.objects.filter(received_at__gte=now - within, received_at__lte=now - dt.timedelta(seconds=30))
        .filter(Exists(Fee.objects.filter(version=OuterRef("procedure_version"))))
        .filter(~Exists(Invoice.objects.filter(dossier=OuterRef("pk"))))
        .values_list("pk", flat=True)[:500]
    )
    made = 0
    for dossier_id in ids:
        dossier = _dossier_for_invoice(dossier_id)
        try:
            made += open_invoice(dossier, at=dossier.received_at) is not None
        except IntegrityError:
            continue  # made meanwhile
    return made


@transaction.atomic
def exempt_line(invoice_id: int, line_id: int, actor, *, reason: str) -> Invoice:
    """The applicant belongs to a group the procedure exempts: the line is kept with 0 and the reason."""
    invoice = _lock_invoice(invoice_id)
    if not _holds(actor, CASH_ROLES + FINANCE_ROLES, invoice.agency):
        raise NotAllowed(_("You do not hold a role for this centre's fees."))
    if invoice.status != Invoice.Status.OPEN:
        raise Conflict(_("Only an invoice waiting for payment can be changed."))
    reason = " ".join((reason or "").split())
    if not reason:
        raise Invalid(_("Write who is exempt and under which rule."), "reason")
    line = invoice.lines.filter(pk=line_id).first()
    if line is None:
        raise Invalid(_("There is no such line on this invoice."), "line")
    line.amount, line.exemption_reason = 0, reason[:300]
    line.save(update_fields=["amount", "exemption_reason"])
    now = clock.now()
    invoice.total = sum(invoice.lines.values_list("amount", flat=True))
    fields = ["total"]
    if invoice.total == 0:
        invoice.status, invoice.paid_at = Invoice.Status.PAID, now
        fields += ["status", "paid_at"]
    invoice.save(update_fields=fields)
    _log("line_exempted", at=now, invoice=invoice, actor=actor, data={"line": line.name, "reason": reason})
    if invoice.status == Invoice.Status.PAID and invoice.clock_waits:
        _dossiers().start_clock(invoice.dossier_id, now, actor=actor, note=_("No fees are due (exempted)."))
    return invoice


def _lock_invoice(invoice_id: int) -> Invoice:
    try:
        return Invoice.objects.select_for_update(no_key=True, of=("self",)).select_related("agency").get(pk=invoice_id)
    except Invoice.DoesNotExist as exc:
        raise Invalid(_("There is no such invoice.")) from exc


def expire_invoices(now: dt.datetime | None = None) -> int:
    """Open invoices past their date with no attempt still pending at a gateway become expired."""
    now = now or clock.now()
    pending = Payment.objects.filter(invoice=OuterRef("pk"), status=Payment.Status.PENDING)
    with transaction.atomic():
        ids = list(
            Invoice.objects.filter(status=Invoice.Status.OPEN, expires_at__lt=now)
            .filter(~Exists(pending))
            .values_list("pk", flat=True)[:1000]
        )
        changed = Invoice.objects.filter(pk__in=ids, status=Invoice.Status.OPEN).update(
            status=Invoice.Status.EXPIRED, closed_at=now
        )
        PaymentEvent.objects.bulk_create(PaymentEvent(at=now, kind="invoice_expired", invoice_id=i) for i in ids)
    return changed


def dossier_closed_on_commit(dossier, *, actor, action: str, at: dt.datetime, reasons: str = "") -> None:
    """The dossier was refused, withdrawn or stopped: its fees are settled right after that commits,
    in a transaction of their own. The dossier's transaction never waits on an invoice, so it can
    never deadlock with a callback paying that invoice at the same moment (which locks the invoice,
    then writes to the dossier's control slip); whichever commits first, the other sees it. Should
    the process die in between, `close_invoices_of_finished_dossiers` does it a minute later."""
    dossier_id = dossier.pk

    def close() -> None:
        try:
            dossier_closed(dossier_id, actor=actor, action=action, at=at, reasons=reasons)
        except Exception:
            logger.exception("Fees of closed dossier %s not settled; the periodic job will", dossier_id)

    transaction.on_commit(close)


# The dossier's final status → the action that closed it (refusal at reception never has fees).
CLOSING_ACTIONS = {"refused": "refuse", "withdrawn": "withdraw", "stopped": "close_unsupplemented"}


@transaction.atomic
def dossier_closed(dossier_id: int, *, actor, action: str, at: dt.datetime, reasons: str = "") -> None:
    """An unpaid invoice of a closed dossier is cancelled; paid fees are given back where the rules
    say so (`PAYMENTS_REFUND_ON`)."""
    for invoice in Invoice.objects.select_for_update(no_key=True).filter(
        dossier_id=dossier_id, status__in=[Invoice.Status.OPEN, Invoice.Status.PAID]
    ):
        if invoice.status == Invoice.Status.OPEN:
            Invoice.objects.filter(pk=invoice.pk).update(status=Invoice.Status.CANCELLED, closed_at=at)
            _log("invoice_cancelled", at=at, invoice=invoice, actor=_officer(actor), data={"action": action})
            continue
        payment = invoice.payments.filter(applied=True).select_related("invoice").first()
        if payment is None or action not in conf.refund_on():
            continue
        _request_refund(payment, cause=action, reason=reasons, actor=actor, now=at)


def close_invoices_of_finished_dossiers(now: dt.datetime | None = None, *, within=dt.timedelta(days=3)) -> int:
    """What `dossier_closed_on_commit` did not do (the process died): invoices still open, or paid
    and due back, of dossiers refused, withdrawn or stopped lately."""
    now = now or clock.now()
    refundable = [status for status, action in CLOSING_ACTIONS.items() if action in conf.refund_on()]
    rows = list(
        Invoice.objects.filter(
            dossier__status__in=list(CLOSING_ACTIONS),
            dossier__finished_at__gte=now - within,
            dossier__finished_at__lte=now - dt.timedelta(seconds=30),
        )
        .filter(
            Q(status=Invoice.Status.OPEN)
            | Q(
                status=Invoice.Status.PAID,
                dossier__status__in=refundable,
                total__gt=0,
                payments__applied=True,
                payments__refunds__isnull=True,
            )
        )
        .values_list("dossier_id", "dossier__status", "dossier__finished_at")
        .distinct()[:500]
    )
    for dossier_id, status, finished_at in rows:
        dossier_closed(dossier_id, actor=None, action=CLOSING_ACTIONS[status], at=finished_at)
    return len(rows)


def _officer(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


# -- paying -------------------------------------------------------------------------------------


def start_payment(
    invoice_id: int,
    gateway_id: str,
    *,
    method: str = "",
    return_url: str,
    client_ip: str,
    locale: str = "vn",
) -> tuple[Payment, StartResponse]:
    """A new attempt at a gateway for the whole invoice; returns where to send the applicant.

    Each attempt has its own order id and deadline; an earlier attempt left pending is settled
    by the periodic query, and if both end up paid the later one is refunded.
    """
    if gateway_id not in registry or not registry[gateway_id].methods:
        raise Invalid(_("This way of paying is not offered."), "gateway")
    gateway = registry[gateway_id]
    if method and method not in {m.code for m in gateway.methods}:
        raise Invalid(_("This way of paying is not offered."), "method")
    now = clock.now().replace(microsecond=0)
    with transaction.atomic():
        invoice = _lock_invoice(invoice_id)
        if invoice.status != Invoice.Status.OPEN or invoice.total <= 0:
            raise Conflict(_("This invoice is not waiting for payment."))
        if invoice.expires_at <= now:
            raise Conflict(_("This invoice can no longer be paid; ask the service centre."))
        dossier_code = invoice.dossier.code or ""
        for _attempt in range(5):
            try:
                with transaction.atomic():
                    payment = Payment.objects.create(
                        invoice=invoice,
                        gateway=gateway_id,
                        method=method,
                        txn_ref=_new_ref(invoice.reference, "V"),
                        amount=invoice.total,
                        created_at=now,
                        expires_at=min(now + dt.timedelta(minutes=conf.attempt_minutes()), invoice.expires_at),
                        gateway_data={"order_info": f"Nop phi ho so {dossier_code} {invoice.reference}"},
                    )
                break
            except IntegrityError:
                continue
        else:  # pragma: no cover — 32^4 order ids per invoice
            raise Conflict(_("Please try again."))
        response = gateway.start(StartRequest(payment, return_url=return_url, client_ip=client_ip, locale=locale))
        payment.gateway_data = {**payment.gateway_data, **_jsonable(response.data)}
        payment.save(update_fields=["gateway_data"])
        _log("payment_started", at=now, invoice=invoice, payment=payment, gateway=gateway_id, data={"method": method})
    return payment, response


@transaction.atomic
def record_cash(invoice_id: int, actor, *, amount: int, note: str = "") -> Payment:
    """A receptionist took the fees in cash at the counter."""
    invoice = _lock_invoice(invoice_id)
    if not _holds(actor, CASH_ROLES, invoice.agency):
        raise NotAllowed(_("Only a receptionist of %(agency)s records cash for it.") % {"agency": invoice.agency.name})
    if invoice.status != Invoice.Status.OPEN:
        raise Conflict(
            _("This invoice is not waiting for payment (%(status)s).") % {"status": invoice.get_status_display()}
        )
    if amount != invoice.total:
        raise Invalid(_("Take exactly the amount due: %(total)s.") % {"total": format_dong(invoice.total)}, "amount")
    now = clock.now()
    payment = _cash_payment(invoice, amount, now, actor, " ".join((note or "").split())[:300])
    Invoice.objects.filter(pk=invoice.pk).update(status=Invoice.Status.PAID, paid_at=now)
    _log("cash_recorded", at=now, invoice=invoice, payment=payment, actor=actor, gateway="cash")
    _paid_on_dossier(invoice, payment, now, actor=actor)
    return payment


def _cash_payment(invoice: Invoice, amount: int, at: dt.datetime, officer, note: str) -> Payment:
    """Cash taken at a counter: paid and applied to the invoice at once."""
    return Payment.objects.create(
        invoice=invoice,
        gateway="cash",
        method="cash",
        txn_ref=_new_ref(invoice.reference, "C"),
        amount=amount,
        status=Payment.Status.PAID,
        applied=True,
        created_at=at,
        paid_at=at,
        finished_at=at,
        settled_by="counter",
        recorded_by=officer,
        note=note,
    )


def _paid_on_dossier(invoice: Invoice, payment: Payment, paid_at: dt.datetime, actor=None) -> None:
    """The payment on the dossier's control slip, and its clock started where it waited for it."""
    with translation.override(settings.LANGUAGE_CODE):
        note = _("Fees of %(amount)s paid: %(gateway)s, %(ref)s.") % {
            "amount": format_dong(payment.amount),
            "gateway": gateway_label(payment.gateway),
            "ref": payment.gateway_transaction_no or payment.txn_ref,
        }
    _dossiers().start_clock(invoice.dossier_id, paid_at, actor=actor, note=note)


# -- what the gateway says ------------------------------------------------------------------------


def handle_callback(gateway_id: str, params: Mapping[str, str]) -> tuple[Outcome, dict]:
    """A server-to-server notification (VNPay's IPN): decide, record, and write the reply."""
    gateway = registry[gateway_id]
    # Kept as received, within bounds: anyone can call this URL, so a flood of junk stays small.
    raw = {str(k)[:40]: str(params.get(k))[:300] for k in list(params)[:40]}
    try:
        callback = gateway.parse_callback(params)
        if not callback.signature_valid:
            outcome = Outcome.BAD_SIGNATURE
            _log("callback_rejected", source="callback", gateway=gateway_id, data={"why": "signature", "raw": raw})
        elif callback.result is None or not callback.for_us:
            outcome = Outcome.NOT_FOUND
            _log("callback_rejected", source="callback", gateway=gateway_id, data={"why": "merchant", "raw": raw})
        else:
            outcome = _settle_callback(gateway_id, callback.result, raw)
    except Exception:
        logger.exception("Callback from %s could not be handled", gateway_id)
        outcome = Outcome.ERROR
    return outcome, gateway.reply(outcome)


def _columns(model, wanted: set[str]) -> tuple[str, ...]:
    # In the model's field order, as `Model.from_db` expects them.
    return tuple(f.attname for f in model._meta.concrete_fields if f.attname in wanted)


PAYMENT_COLUMNS = _columns(
    Payment,
    {
        "id",
        "invoice_id",
        "gateway",
        "method",
        "txn_ref",
        "amount",
        "status",
        "applied",
        "created_at",
        "expires_at",
        "paid_at",
        "settled_by",
        "gateway_transaction_no",
    },
)
INVOICE_COLUMNS = _columns(Invoice, {"id", "reference", "dossier_id", "agency_id", "status", "total", "clock_waits"})


def _lock_payment(*, pk: int | None = None, gateway: str = "", txn_ref: str = "") -> Payment | None:
    """The payment and its invoice, locked together (FOR NO KEY UPDATE on PostgreSQL; SQLite's
    writes are serial), read straight into model instances whose other fields load on use.

    One statement without the ORM's query building: this runs for every callback."""
    columns = [f"p.{c}" for c in PAYMENT_COLUMNS] + [f"i.{c}" for c in INVOICE_COLUMNS]
    where, params = ("p.id = %s", [pk]) if pk is not None else ("p.gateway = %s AND p.txn_ref = %s", [gateway, txn_ref])
    lock = " FOR NO KEY UPDATE OF p, i" if connection.features.has_select_for_update else ""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {', '.join(columns)} FROM {Payment._meta.db_table} p"  # noqa: S608 — our tables and columns
            f" JOIN {Invoice._meta.db_table} i ON i.id = p.invoice_id WHERE {where}{lock}",
            params,
        )
        row = cursor.fetchone()
    if row is None:
        return None
    values = list(row)
    for index, convert in _converters(connection.vendor):
        values[index] = convert(values[index])
    offset = len(PAYMENT_COLUMNS)
    payment = Payment.from_db("default", PAYMENT_COLUMNS, values[:offset])
    payment.invoice = Invoice.from_db("default", INVOICE_COLUMNS, values[offset:])
    return payment


@functools.cache
def _converters(vendor: str) -> tuple:
    """(position, conversion) for the columns of `_lock_payment` whose database values the ORM
    would convert (SQLite's dates and booleans; none on PostgreSQL), worked out once."""
    found = []
    fields = [Payment._meta.get_field(n) for n in PAYMENT_COLUMNS] + [
        Invoice._meta.get_field(n) for n in INVOICE_COLUMNS
    ]
    for index, field in enumerate(fields):
        column = field.get_col(field.model._meta.db_table)
        converters = connection.ops.get_db_converters(column)
        if converters:
            found.append((index, functools.partial(_convert, tuple(converters), column)))
    return tuple(found)


def _convert(converters, column, value):
    for converter in converters:
        value = converter(value, column, connection)
    return value


def _settle_callback(gateway_id: str, result: GatewayResult, raw: dict) -> Outcome:
    with transaction.atomic():
        payment = _lock_payment(gateway=gateway_id, txn_ref=result.txn_ref)
        if payment is None:
            _log("callback_rejected", source="callback", gateway=gateway_id, data={"why": "unknown order", "raw": raw})
            return Outcome.NOT_FOUND
        return _apply(payment, result, source="callback", now=clock.now(), raw=raw)


def _apply(payment: Payment, result: GatewayResult, *, source: str, now: dt.datetime, raw: Mapping) -> Outcome:
    """Bring a payment, locked with its invoice, to what the gateway says. Safe to call again."""
    raw = _jsonable(raw)
    common = {"at": now, "source": source, "gateway": payment.gateway, "invoice_id": payment.invoice_id}
    if result.amount is not None and result.amount != payment.amount:
        _log("amount_mismatch", payment=payment, code="04", data={"raw": raw, "amount": result.amount}, **common)
        _discrepancy(
            Discrepancy.Kind.AMOUNT_MISMATCH,
            payment,
            theirs=raw,
            note=_("The gateway reported %(theirs)s for an order of %(ours)s.")
            % {"theirs": format_dong(max(result.amount, 0)), "ours": format_dong(payment.amount)},
            now=now,
        )
        return Outcome.BAD_AMOUNT
    if payment.status == Payment.Status.PAID:
        _log("duplicate", payment=payment, data={"raw": raw, "state": result.state}, **common)
        return Outcome.ALREADY_CONFIRMED
    if result.state in (State.PENDING, State.NOT_FOUND):
        # Nothing new: the order is not finished at the gateway (a stale or early notification).
        _log("still_pending", payment=payment, data={"raw": raw, "state": result.state}, **common)
        return Outcome.CONFIRMED if payment.status == Payment.Status.PENDING else Outcome.ALREADY_CONFIRMED
    if result.state == State.FAILED:
        if payment.status != Payment.Status.PENDING:
            _log("duplicate", payment=payment, data={"raw": raw, "state": result.state}, **common)
            return Outcome.ALREADY_CONFIRMED
        changed = _update_payment(
            payment,
            {
                "status": Payment.Status.FAILED,
                "finished_at": now,
                "settled_by": source,
                "response_code": result.response_code[:4],
                "transaction_status": result.transaction_status[:4],
            },
            raw if source == "callback" else None,
        )
        _log("failed", payment=payment, code=result.response_code[:8], data={"raw": raw}, **common)
        return Outcome.CONFIRMED if changed else Outcome.ALREADY_CONFIRMED

    # Paid at the gateway. A success is the truth even after we gave up on the attempt. (The
    # invoice row was locked with the payment's.)
    invoice = payment.invoice
    applies = invoice.status == Invoice.Status.OPEN
    paid_at = result.paid_at or now
    changed = _update_payment(
        payment,
        {
            "status": Payment.Status.PAID,
            "applied": applies,
            "paid_at": paid_at,
            "finished_at": now,
            "settled_by": source,
            "gateway_transaction_no": result.transaction_no[:40],
            "bank_code": result.bank_code[:20],
            "response_code": result.response_code[:4],
            "transaction_status": result.transaction_status[:4],
        },
        raw if source == "callback" else None,
    )
    if not changed:  # pragma: no cover — the row is locked; kept as the last guard
        return Outcome.ALREADY_CONFIRMED
    payment.status, payment.applied, payment.paid_at = Payment.Status.PAID, applies, paid_at
    payment.gateway_transaction_no = result.transaction_no[:40]
    if applies:
        _sql(
            f"UPDATE {Invoice._meta.db_table} SET status = %s, paid_at = %s WHERE id = %s AND status = %s",  # noqa: S608
            [Invoice.Status.PAID, connection.ops.adapt_datetimefield_value(paid_at), invoice.pk, Invoice.Status.OPEN],
        )
        invoice.status, invoice.paid_at = Invoice.Status.PAID, paid_at
        _log("paid", payment=payment, code=result.response_code[:8], data={"raw": raw}, **common)
        _paid_on_dossier(invoice, payment, paid_at)
        return Outcome.CONFIRMED
    # The invoice was paid by another attempt (or in cash), or closed: the money goes back.
    twice = invoice.status in (Invoice.Status.PAID, Invoice.Status.REFUNDED)
    cause = Refund.Cause.DOUBLE_PAYMENT if twice else Refund.Cause.CLOSED_INVOICE
    _log("paid_not_due", payment=payment, data={"raw": raw, "invoice_status": invoice.status}, **common)
    _request_refund(payment, cause=cause, reason="", actor=None, now=now)
    _discrepancy(
        Discrepancy.Kind.DOUBLE_PAYMENT if twice else Discrepancy.Kind.CLOSED_INVOICE,
        payment,
        theirs=raw,
        note=_("The money is being given back automatically (refund requested)."),
        now=now,
    )
    # VNPay's merchants answer "already confirmed" for an order no longer awaiting payment.
    return Outcome.CONFIRMED if twice else Outcome.ALREADY_CONFIRMED


def _update_payment(payment: Payment, values: dict, callback: dict | None) -> int:
    """UPDATE the payment from the state it was read in (0 rows if someone changed it meanwhile)."""
    ops = connection.ops
    assignments, params = [], []
    for name, value in values.items():
        field = Payment._meta.get_field(name)
        assignments.append(f"{field.column} = %s")
        params.append(ops.adapt_datetimefield_value(value) if isinstance(value, dt.datetime) else value)
    if callback is not None:
        assignments.append("last_callback = %s")
        params.append(ops.adapt_json_value(callback, None))
    changed = _sql(
        f"UPDATE {Payment._meta.db_table} SET {', '.join(assignments)} WHERE id = %s AND status = %s",  # noqa: S608
        [*params, payment.pk, payment.status],
    )
    if changed:
        for name, value in values.items():
            setattr(payment, name, value)
    return changed


def _discrepancy(
    kind,
    payment: Payment | None,
    *,
    now: dt.datetime,
    theirs=None,
    note: str = "",
    run: ReconciliationRun | None = None,
    ours: dict | None = None,
    gateway: str = "",
    txn_ref: str = "",
    resolved_at: dt.datetime | None = None,
    resolution: str = "",
) -> Discrepancy | None:
    """Record a discrepancy unless the same one is still open (one per kind and order id)."""
    gateway = payment.gateway if payment else gateway
    txn_ref = payment.txn_ref if payment else txn_ref
    try:
        with transaction.atomic():
            return Discrepancy.objects.create(
                gateway=gateway,
                kind=kind,
                txn_ref=txn_ref,
                run=run,
                payment=payment,
                invoice_id=payment.invoice_id if payment else None,
                agency_id=payment.invoice.agency_id if payment else None,
                ours=ours if ours is not None else (_payment_record(payment) if payment else {}),
                theirs=_jsonable(theirs),
                note=note,
                created_at=now,
                resolved_at=resolved_at,
                resolution=resolution,
            )
    except IntegrityError:
        return Discrepancy.objects.filter(gateway=gateway, kind=kind, txn_ref=txn_ref, resolved_at=None).first()


def _payment_record(payment: Payment) -> dict:
    return {
        "txn_ref": payment.txn_ref,
        "amount": payment.amount,
        "status": payment.status,
        "applied": payment.applied,
        "transaction_no": payment.gateway_transaction_no,
        "paid_at": payment.paid_at.isoformat() if payment.paid_at else None,
        "invoice": payment.invoice.reference,
    }


# -- the periodic query -------------------------------------------------------------------------


def settle_pending(now: dt.datetime | None = None, *, older_than: dt.timedelta | None = None) -> dict[str, int]:
    """Ask the gateway about attempts still pending a few minutes after they started (querydr),
    and settle them: what converges a payment whose callback never came."""
    now = now or clock.now()
    older_than = dt.timedelta(minutes=conf.query_after_minutes()) if older_than is None else older_than
    requery = now - dt.timedelta(minutes=conf.requery_minutes())
    gateways = [g.identifier for g in registry.self_settling()]
    ids = list(
        Payment.objects.filter(status=Payment.Status.PENDING, gateway__in=gateways, created_at__lte=now - older_than)
        .filter(Q(last_queried_at__isnull=True) | Q(last_queried_at__lte=requery))
        .order_by("created_at")
        .values_list("pk", flat=True)[:500]
    )
    counts: dict[str, int] = {}
    for payment_id in ids:
        state = settle_one(payment_id, now=now)
        counts[state] = counts.get(state, 0) + 1
    return counts


def settle_one(payment_id: int, *, now: dt.datetime | None = None) -> str:
    """Query one pending attempt and apply the answer; returns what became of it."""
    now = now or clock.now()
    payment = Payment.objects.select_related("invoice").get(pk=payment_id)
    if payment.status != Payment.Status.PENDING:
        return payment.status
    gateway = registry[payment.gateway]
    try:
        result = gateway.query(payment, now=now)  # outside any transaction: it waits on the network
    except (GatewayUnavailable, NotSupported) as exc:
        Payment.objects.filter(pk=payment.pk).update(last_queried_at=now, queries=F("queries") + 1)
        _log(
            "query_failed",
            at=now,
            source="query",
            gateway=payment.gateway,
            invoice_id=payment.invoice_id,
            payment=payment,
            data={"error": str(exc)[:500]},
        )
        return "unavailable"
    with transaction.atomic():
        payment = (
            Payment.objects.select_for_update(no_key=True, of=("self", "invoice"))
            .select_related("invoice")
            .get(pk=payment_id)
        )
        Payment.objects.filter(pk=payment.pk).update(last_queried_at=now, queries=F("queries") + 1)
        if result.state in (State.PENDING, State.NOT_FOUND) and payment.status == Payment.Status.PENDING:
            _log(
                "queried",
                at=now,
                source="query",
                gateway=payment.gateway,
                invoice_id=payment.invoice_id,
                payment=payment,
                code=result.response_code[:8],
                data={"raw": _jsonable(result.raw)},
            )
            if payment.expires_at and now > payment.expires_at + GRACE:
                # The gateway's own deadline has long passed: nothing will be paid on this attempt.
                Payment.objects.filter(pk=payment.pk, status=Payment.Status.PENDING).update(
                    status=Payment.Status.EXPIRED, finished_at=now, settled_by="query"
                )
                _log(
                    "expired",
                    at=now,
                    source="query",
                    gateway=payment.gateway,
                    invoice_id=payment.invoice_id,
                    payment=payment,
                )
                return Payment.Status.EXPIRED
            return Payment.Status.PENDING
        _apply(payment, result, source="query", now=now, raw=result.raw)
    payment.refresh_from_db()
    return payment.status


# -- refunds ------------------------------------------------------------------------------------


def _request_refund(payment: Payment, *, cause: str, reason: str, actor, now: dt.datetime) -> Refund:
    """Give a payment's money back (once): through the gateway where it can, else by an officer."""
    by_hand = payment.gateway not in registry or type(registry[payment.gateway]).refund is Gateway.refund
    try:
        with transaction.atomic():
            refund = Refund.objects.create(
                payment=payment,
                amount=payment.amount,
                cause=cause,
                reason=" ".join((reason or "").split()),
                by_hand=by_hand,
                request_id=secrets.token_hex(16),
                requested_at=now,
                requested_by=_officer(actor),
            )
    except IntegrityError:
        return Refund.objects.get(payment=payment)
    _log(
        "refund_requested",
        at=now,
        gateway=payment.gateway,
        invoice_id=payment.invoice_id,
        payment=payment,
        refund=refund,
        actor=_officer(actor),
        data={"cause": cause, "by_hand": by_hand},
    )
    if not by_hand:
        from . import tasks

        transaction.on_commit(lambda: tasks.send_refund.enqueue(refund.pk))
    return refund


@transaction.atomic
def order_refund(payment_id: int, actor, *, reason: str) -> Refund:
    """A finance officer decides to give a payment back."""
    payment = (
        Payment.objects.select_for_update(no_key=True, of=("self",))
        .select_related("invoice__agency")
        .get(pk=payment_id)
    )
    if not _holds(actor, FINANCE_ROLES, payment.invoice.agency):
        raise NotAllowed(_("Only a centre head or the provincial administrator orders refunds."))
    if payment.status != Payment.Status.PAID:
        raise Conflict(_("Only a paid payment can be refunded."))
    if not " ".join((reason or "").split()):
        raise Invalid(_("Write the reason for the refund."), "reason")
    if Refund.objects.filter(payment=payment).exists():
        raise Conflict(_("This payment is already being refunded."))
    return _request_refund(payment, cause=Refund.Cause.OFFICER, reason=reason, actor=actor, now=clock.now())


def send_refund(refund_id: int, *, now: dt.datetime | None = None) -> str:
    """Ask the gateway to refund (retried by the periodic task until it answers)."""
    now = now or clock.now()
    refund = Refund.objects.select_related("payment__invoice").get(pk=refund_id)
    if refund.status == Refund.Status.DONE or refund.by_hand:
        return refund.status
    gateway = registry[refund.payment.gateway]
    try:
        result = gateway.refund(refund, now=now)
    except NotSupported:
        Refund.objects.filter(pk=refund.pk).update(by_hand=True)
        return refund.status
    except GatewayUnavailable as exc:
        Refund.objects.filter(pk=refund.pk).update(attempts=F("attempts") + 1, last_error=str(exc)[:1000])
        _log(
            "refund_failed",
            at=now,
            gateway=refund.payment.gateway,
            invoice_id=refund.payment.invoice_id,
            payment=refund.payment,
            refund=refund,
            data={"error": str(exc)[:500], "retry": True},
        )
        return refund.status
    with transaction.atomic():
        refund = Refund.objects.select_for_update(of=("self",)).select_related("payment__invoice").get(pk=refund_id)
        if refund.status == Refund.Status.DONE:
            return refund.status
        common = {
            "at": now,
            "gateway": refund.payment.gateway,
            "invoice_id": refund.payment.invoice_id,
            "payment": refund.payment,
            "refund": refund,
            "code": result.code[:8],
            "data": {"raw": _jsonable(result.raw)},
        }
        if result.done:
            _refund_done(refund, now, transaction_no=result.transaction_no, raw=_jsonable(result.raw))
            _log("refund_done", **common)
        else:
            Refund.objects.filter(pk=refund.pk).update(
                status=Refund.Status.FAILED,
                attempts=F("attempts") + 1,
                last_error=f"{result.code} {result.message}"[:1000],
                gateway_response=_jsonable(result.raw),
            )
            _log("refund_refused", **common)
            _discrepancy(
                Discrepancy.Kind.REFUND_FAILED,
                refund.payment,
                theirs=result.raw,
                note=_("The gateway refused the refund (%(code)s %(message)s); give the money back by hand.")
                % {"code": result.code, "message": result.message},
                now=now,
            )
    refund.refresh_from_db()
    return refund.status


def _refund_done(refund: Refund, now: dt.datetime, *, transaction_no: str = "", raw=None, actor=None) -> None:
    Refund.objects.filter(pk=refund.pk).update(
        status=Refund.Status.DONE,
        finished_at=now,
        finished_by=_officer(actor),
        attempts=F("attempts") + 1,
        gateway_transaction_no=transaction_no[:40],
        gateway_response=raw or {},
    )
    payment = refund.payment
    if payment.applied:
        Invoice.objects.filter(pk=payment.invoice_id, status=Invoice.Status.PAID).update(
            status=Invoice.Status.REFUNDED, closed_at=now
        )


@transaction.atomic
def mark_refunded_by_hand(refund_id: int, actor, *, note: str = "") -> Refund:
    """An officer gave the money back (cash at the counter, or a transfer) and records it."""
    refund = Refund.objects.select_for_update(of=("self",)).select_related("payment__invoice__agency").get(pk=refund_id)
    if not _holds(actor, CASH_ROLES + FINANCE_ROLES, refund.payment.invoice.agency):
        raise NotAllowed(_("You do not hold a role for this centre's fees."))
    if refund.status == Refund.Status.DONE:
        raise Conflict(_("This refund is already recorded."))
    if not refund.by_hand and refund.status != Refund.Status.FAILED:
        raise Conflict(_("This refund goes through the gateway; wait for its answer."))
    now = clock.now()
    Refund.objects.filter(pk=refund.pk).update(by_hand=True)
    _refund_done(refund, now, actor=actor, raw={"note": " ".join((note or "").split())})
    _log(
        "refund_done",
        at=now,
        gateway=refund.payment.gateway,
        invoice_id=refund.payment.invoice_id,
        payment=refund.payment,
        refund=refund,
        actor=actor,
        data={"by_hand": True, "note": note},
    )
    refund.refresh_from_db()
    return refund


def send_pending_refunds(now: dt.datetime | None = None) -> int:
    now = now or clock.now()
    ids = list(
        Refund.objects.filter(status=Refund.Status.REQUESTED, by_hand=False, attempts__lt=50)
        .order_by("requested_at")
        .values_list("pk", flat=True)[:200]
    )
    for refund_id in ids:
        send_refund(refund_id, now=now)
    return len(ids)


# -- reconciliation -----------------------------------------------------------------------------


def reconcile(gateway_id: str, day: dt.date, *, now: dt.datetime | None = None) -> ReconciliationRun:
    """Compare every transaction of `day` (by creation, Vietnam time) with the gateway's list and
    record each discrepancy; a payment the gateway reports paid and we do not is settled here.

    Where the gateway offers no daily list, each of our transactions is queried instead (which
    cannot find transactions we never heard of)."""
    now = now or clock.now()
    gateway = registry[gateway_id]
    run = ReconciliationRun.objects.create(gateway=gateway_id, day=day, started_at=now)
    start, end = _day_bounds(day)
    ours = {
        p.txn_ref: p
        for p in Payment.objects.filter(gateway=gateway_id, created_at__gte=start, created_at__lt=end).select_related(
            "invoice"
        )
    }
    theirs: dict[str, GatewayResult] | None
    try:
        theirs = {r.txn_ref: r for r in gateway.transactions(day)}
    except NotSupported:
        theirs = None
    except GatewayUnavailable as exc:
        ReconciliationRun.objects.filter(pk=run.pk).update(
            status=ReconciliationRun.Status.FAILED, finished_at=clock.now(), error=str(exc)[:2000], ours=len(ours)
        )
        run.refresh_from_db()
        return run
    matched = settled = found = unavailable = 0
    for txn_ref, payment in ours.items():
        if theirs is not None:
            result = theirs.get(txn_ref) or GatewayResult(txn_ref=txn_ref, state=State.NOT_FOUND)
        else:
            try:
                result = gateway.query(payment, now=now)
            except (GatewayUnavailable, NotSupported):
                unavailable += 1
                continue
        verdict = _compare(run, payment, result, now)
        matched += verdict == "matched"
        settled += verdict == "settled"
        found += verdict == "discrepancy"
    for txn_ref, result in (theirs or {}).items():
        if txn_ref in ours or result.state != State.PAID:
            continue
        known = Payment.objects.filter(gateway=gateway_id, txn_ref=txn_ref).select_related("invoice").first()
        if known is not None:  # started another day: compare it all the same
            verdict = _compare(run, known, result, now)
            matched += verdict == "matched"
            settled += verdict == "settled"
            found += verdict == "discrepancy"
            continue
        _discrepancy(
            Discrepancy.Kind.MISSING_HERE,
            None,
            gateway=gateway_id,
            txn_ref=txn_ref,
            run=run,
            ours={},
            theirs=result.raw,
            note=_("The gateway has a successful transaction motcua never started."),
            now=now,
        )
        found += 1
    ReconciliationRun.objects.filter(pk=run.pk).update(
        status=ReconciliationRun.Status.DONE if not unavailable else ReconciliationRun.Status.FAILED,
        finished_at=clock.now(),
        ours=len(ours),
        theirs=len(theirs) if theirs is not None else len(ours) - unavailable,
        matched=matched,
        settled=settled,
        discrepancies=found,
        error=_("%(n)s transactions could not be queried.") % {"n": unavailable} if unavailable else "",
    )
    run.refresh_from_db()
    return run


def _compare(run: ReconciliationRun, payment: Payment, result: GatewayResult, now: dt.datetime) -> str:
    if payment.status == Payment.Status.PAID:
        if result.state == State.PAID and result.amount in (None, payment.amount):
            return "matched"
        if result.state == State.PAID:
            kind, note = Discrepancy.Kind.AMOUNT_MISMATCH, _("The amounts differ.")
        elif payment.gateway == "cash":
            return "matched"
        else:
            kind = Discrepancy.Kind.MISSING_AT_GATEWAY
            note = _("Paid here, but the gateway has no successful transaction.")
        _discrepancy(kind, payment, theirs=result.raw or {"state": result.state}, note=note, now=now, run=run)
        return "discrepancy"
    if result.state == State.PAID:
        with transaction.atomic():
            locked = (
                Payment.objects.select_for_update(no_key=True, of=("self", "invoice"))
                .select_related("invoice")
                .get(pk=payment.pk)
            )
            outcome = _apply(locked, result, source="reconciliation", now=now, raw=result.raw)
            if outcome == Outcome.BAD_AMOUNT:
                return "discrepancy"
            # Kept for the record: the callback never settled it.
            _discrepancy(
                Discrepancy.Kind.SETTLED_LATE,
                locked,
                theirs=result.raw,
                note=_("No callback settled this payment; the reconciliation did."),
                now=now,
                run=run,
                resolved_at=now,
                resolution=Discrepancy.Resolution.AUTOMATIC,
            )
        return "settled"
    if payment.status == Payment.Status.PENDING and payment.expires_at and now > payment.expires_at + GRACE:
        Payment.objects.filter(pk=payment.pk, status=Payment.Status.PENDING).update(
            status=Payment.Status.EXPIRED, finished_at=now, settled_by="reconciliation"
        )
    return "matched"


@transaction.atomic
def resolve_discrepancy(discrepancy_id: int, actor, *, resolution: str, note: str) -> Discrepancy:
    discrepancy = (
        Discrepancy.objects.select_for_update(of=("self",)).select_related("agency").filter(pk=discrepancy_id).first()
    )
    if discrepancy is None:
        raise Invalid(_("There is no such discrepancy."))
    allowed = (
        _holds(actor, FINANCE_ROLES, discrepancy.agency)
        if discrepancy.agency_id
        else agencies_where(actor, [Role.PROVINCE_ADMIN]).exists()
    )
    if not allowed:
        raise NotAllowed(_("Only a centre head or the provincial administrator resolves discrepancies."))
    if discrepancy.resolved_at:
        raise Conflict(_("This discrepancy is already resolved."))
    if resolution not in Discrepancy.Resolution.values or resolution == Discrepancy.Resolution.AUTOMATIC:
        raise Invalid(_("Choose how it was resolved."), "resolution")
    note = " ".join((note or "").split())
    if not note:
        raise Invalid(_("Write what was checked or done."), "note")
    now = clock.now()
    Discrepancy.objects.filter(pk=discrepancy.pk).update(
        resolved_at=now, resolved_by=actor, resolution=resolution, resolution_note=note
    )
    _log(
        "discrepancy_resolved",
        at=now,
        gateway=discrepancy.gateway,
        invoice_id=discrepancy.invoice_id,
        payment_id=discrepancy.payment_id,
        actor=actor,
        data={"discrepancy": discrepancy.pk, "resolution": resolution, "note": note},
    )
    discrepancy.refresh_from_db()
    return discrepancy


# -- bank statements (VietQR) -------------------------------------------------------------------


@dataclass
class StatementOutcome:
    line: int
    amount: int
    reference: str
    result: str  # paid, duplicate, unmatched, amount_mismatch, not_due
    invoice: str = ""


def import_statement(rows, actor) -> list[StatementOutcome]:
    """Match the credits of a bank statement to open invoices by the reference in the transfer's
    content and the amount. Importing the same statement again changes nothing."""
    if not agencies_where(actor, FINANCE_ROLES).exists():
        raise NotAllowed(_("Only a centre head or the provincial administrator imports bank statements."))
    now = clock.now()
    outcomes = []
    for row in rows:
        digest = hashlib.sha256(f"{row.day}|{row.amount}|{row.description}".encode()).hexdigest()[:20]
        txn_ref = (row.bank_ref or f"S{digest}")[:40]
        references = row.references()
        invoice = Invoice.objects.select_related("agency").filter(reference__in=references).first()
        outcome = StatementOutcome(row.line, row.amount, txn_ref, "", invoice.reference if invoice else "")
        if (
            Payment.objects.filter(gateway="vietqr", txn_ref=txn_ref).exists()
            or Discrepancy.objects.filter(gateway="vietqr", txn_ref=txn_ref).exists()
        ):
            outcome.result = "duplicate"
        elif invoice is None:
            _discrepancy(
                Discrepancy.Kind.UNMATCHED_TRANSFER,
                None,
                gateway="vietqr",
                txn_ref=txn_ref,
                ours={},
                theirs={"line": row.line, "day": str(row.day), "amount": row.amount, "description": row.description},
                note=_("No invoice reference in the transfer's content."),
                now=now,
            )
            outcome.result = "unmatched"
        else:
            outcome.result = _statement_credit(invoice, row, txn_ref, actor, now)
        outcomes.append(outcome)
    return outcomes


def _statement_credit(invoice: Invoice, row, txn_ref: str, actor, now: dt.datetime) -> str:
    paid_at = dt.datetime.combine(row.day, dt.time(12), tzinfo=VN_TZ) if row.day else now
    with transaction.atomic():
        payment = Payment.objects.create(
            invoice=invoice,
            gateway="vietqr",
            method="transfer",
            txn_ref=txn_ref,
            amount=row.amount,
            created_at=now,
            recorded_by=_officer(actor),
            note=row.description[:300],
            gateway_data={"line": row.line, "description": row.description},
        )
        _log(
            "statement_line",
            at=now,
            gateway="vietqr",
            invoice=invoice,
            payment=payment,
            actor=_officer(actor),
            data={"line": row.line, "amount": row.amount, "description": row.description},
        )
        if row.amount != invoice.total:
            # Money arrived, but not the amount due: recorded, not applied, for an officer to settle.
            Payment.objects.filter(pk=payment.pk).update(
                status=Payment.Status.PAID, paid_at=paid_at, finished_at=now, settled_by="statement"
            )
            payment.refresh_from_db()
            _discrepancy(
                Discrepancy.Kind.AMOUNT_MISMATCH,
                payment,
                theirs={"line": row.line, "amount": row.amount, "description": row.description},
                note=_("Transferred %(theirs)s; the invoice is %(ours)s.")
                % {"theirs": format_dong(row.amount), "ours": format_dong(invoice.total)},
                now=now,
            )
            return "amount_mismatch"
        locked = (
            Payment.objects.select_for_update(no_key=True, of=("self", "invoice"))
            .select_related("invoice")
            .get(pk=payment.pk)
        )
        _apply(
            locked,
            GatewayResult(txn_ref=txn_ref, state=State.PAID, amount=row.amount, paid_at=paid_at),
            source="statement",
            now=now,
            raw={"line": row.line, "description": row.description},
        )
        locked.refresh_from_db()
        return "paid" if locked.applied else "not_due"


# -- read side ----------------------------------------------------------------------------------


def describe_bill(reference: str) -> dict | None:
    """An invoice as a payment platform that pulls bills would ask for it."""
    invoice = (
        Invoice.objects.select_related("dossier", "agency")
        .prefetch_related("lines")
        .filter(reference=reference)
        .first()
    )
    if invoice is None:
        return None
    return {
        "reference": invoice.reference,
        "status": invoice.status,
        "total": invoice.total,
        "payer": invoice.payer_name,
        "dossier": invoice.dossier.code,
        "agency": invoice.agency.identifier,
        "expires_at": invoice.expires_at.isoformat(),
        "lines": [
            {"kind": li.kind, "name": li.name, "amount": li.amount, "exemption": li.exemption_reason}
            for li in invoice.lines.all()
        ],
    }


def receipt_available(invoice: Invoice) -> bool:
    return invoice.status in (Invoice.Status.PAID, Invoice.Status.REFUNDED) and invoice.total > 0


def applied_payment(invoice: Invoice) -> Payment | None:
    return invoice.payments.filter(applied=True).first()


def today() -> dt.date:
    return timezone.localdate(clock.now())
