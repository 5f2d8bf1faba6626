"""The API of fees and payments (mounted at /api/v1/payments), for officers' programs and pages.

Officers call it with an API token or their session (see `motcua.api.auth`). An invoice is shown
only to officers of the centre that collects it (receptionists, centre heads, inspectors, the
provincial administrator); to anyone else it does not exist (404). Refusals answer
`{"detail": <English message>, "field": <input at fault or null>}` with 403, 409 or 422.
VNPay's IPN is not here: it is a plain GET at /thanh-toan/vnpay/ipn/, as VNPay calls it.
"""

from __future__ import annotations

import datetime as dt

from django.http import Http404
from django.urls import reverse
from django.utils import translation
from ninja import Field, Router, Schema, Status
from ninja.responses import Response

from motcua.api.auth import officer_auth

from . import reports, services
from .models import Discrepancy, Invoice

router = Router(auth=officer_auth)
ERRORS = (403, 409, 422)


class Error(Schema):
    detail: str = Field(description="What is wrong, in English.")
    field: str | None = None


class LineOut(Schema):
    kind: str = Field(description="fee (phí) or charge (lệ phí)")
    name: str
    scheduled_amount: int = Field(description="In the fee schedule, in đồng.")
    amount: int = Field(description="Due, in đồng (0 when exempted).")
    exemption_reason: str


class PaymentOut(Schema):
    gateway: str
    method: str
    txn_ref: str = Field(description="The order id the gateway knows (VNPay's vnp_TxnRef).")
    amount: int
    status: str = Field(description="pending, paid, failed or expired")
    applied: bool = Field(description="This payment settles the invoice.")
    created_at: dt.datetime
    paid_at: dt.datetime | None
    settled_by: str = Field(description="callback, query, reconciliation, statement or counter")
    gateway_transaction_no: str
    refund_status: str | None = None


class InvoiceOut(Schema):
    reference: str
    dossier: str | None
    agency: str = Field(description="Identifier of the collecting centre.")
    channel: str
    status: str = Field(description="open, paid, expired, refunded or cancelled")
    total: int = Field(description="In đồng.")
    issued_at: dt.datetime
    expires_at: dt.datetime
    paid_at: dt.datetime | None
    clock_waits: bool = Field(description="The dossier's time limit starts when this is paid.")
    pay_url: str = Field(description="The public pay page, to send to the applicant.")
    lines: list[LineOut]
    payments: list[PaymentOut]


class CashIn(Schema):
    amount: int = Field(ge=0, description="Cash taken, in đồng: the invoice's total.")
    note: str = Field("", max_length=300)


class SummaryRow(Schema):
    day: dt.date
    agency: str
    invoiced_count: int
    invoiced: int
    paid_online: int
    paid_cash: int
    pending: int
    refunded: int
    disputed: int


class DiscrepancyOut(Schema):
    id: int
    gateway: str
    kind: str
    txn_ref: str
    invoice: str | None
    note: str
    ours: dict
    theirs: dict
    created_at: dt.datetime
    resolved_at: dt.datetime | None
    resolution: str
    resolution_note: str


class ResolveIn(Schema):
    resolution: str = Field(description="confirmed, corrected, refunded or written_off")
    note: str = Field(max_length=2000)


def _invoice_out(request, invoice: Invoice) -> dict:
    payments = list(invoice.payments.prefetch_related("refunds").order_by("created_at"))
    return {
        "reference": invoice.reference,
        "dossier": invoice.dossier.code,
        "agency": invoice.agency.identifier,
        "channel": invoice.channel,
        "status": invoice.status,
        "total": invoice.total,
        "issued_at": invoice.issued_at,
        "expires_at": invoice.expires_at,
        "paid_at": invoice.paid_at,
        "clock_waits": invoice.clock_waits,
        "pay_url": request.build_absolute_uri(reverse("payments:pay", args=[services.pay_token(invoice)])),
        "lines": list(invoice.lines.all()),
        "payments": [
            {
                **{f: getattr(p, f) for f in PaymentOut.model_fields if f != "refund_status"},
                "refund_status": next((r.status for r in p.refunds.all()), None),
            }
            for p in payments
        ],
    }


def _visible(request):
    return services.visible_invoices(request.auth).select_related("dossier", "agency").prefetch_related("lines")


@router.get("/invoices", response=list[InvoiceOut], summary="The invoices of a dossier")
def invoices_of_dossier(request, dossier: str):
    """`dossier` is the dossier's code."""
    return [_invoice_out(request, i) for i in _visible(request).filter(dossier__code=dossier).order_by("-issued_at")]


@router.get("/invoices/{reference}", response=InvoiceOut, summary="One invoice", url_name="invoice")
def invoice(request, reference: str):
    found = _visible(request).filter(reference=reference).first()
    if found is None:
        raise Http404("No such invoice.")
    return _invoice_out(request, found)


@router.post(
    "/invoices/{reference}/cash",
    response={201: PaymentOut, **dict.fromkeys(ERRORS, Error)},
    summary="Record cash taken at the counter",
)
def record_cash(request, reference: str, payload: CashIn):
    found = services.visible_invoices(request.auth).filter(reference=reference).first()
    if found is None:
        raise Http404("No such invoice.")
    with translation.override("en"):
        try:
            payment = services.record_cash(found.pk, request.auth, amount=payload.amount, note=payload.note)
        except services.PaymentError as exc:
            return Response({"detail": exc.message, "field": exc.field}, status=exc.status)
    return Status(201, {f: getattr(payment, f) for f in PaymentOut.model_fields if f != "refund_status"})


@router.get("/summary", response=list[SummaryRow], summary="Per collecting centre and day")
def summary(request, first: dt.date, last: dt.date):
    """Invoiced, paid online, paid in cash, still unpaid, refunded (đồng) and open discrepancies."""
    if last < first or (last - first).days > 366:
        return Response({"detail": "Ask for at most a year, first before last.", "field": "last"}, status=422)
    return [{**row, "agency": row["agency"]} for row in reports.daily_summary(request.auth, first, last)]


@router.get("/discrepancies", response=list[DiscrepancyOut], summary="Discrepancies, newest first")
def discrepancies(request, open: bool = True, before: int | None = None):
    """Keyset pagination: pass the last id seen as `before`."""
    rows = services.visible_discrepancies(request.auth).select_related("invoice").order_by("-id")
    if open:
        rows = rows.filter(resolved_at__isnull=True)
    if before:
        rows = rows.filter(id__lt=before)
    return [_discrepancy_out(d) for d in rows[:100]]


def _discrepancy_out(d: Discrepancy) -> dict:
    return {
        **{f: getattr(d, f) for f in DiscrepancyOut.model_fields if f != "invoice"},
        "invoice": d.invoice.reference if d.invoice_id else None,
    }


@router.post(
    "/discrepancies/{discrepancy_id}/resolve",
    response={200: DiscrepancyOut, **dict.fromkeys(ERRORS, Error)},
    summary="Resolve a discrepancy",
)
def resolve(request, discrepancy_id: int, payload: ResolveIn):
    if not services.visible_discrepancies(request.auth).filter(pk=discrepancy_id).exists():
        raise Http404("No such discrepancy.")
    with translation.override("en"):
        try:
            done = services.resolve_discrepancy(
                discrepancy_id, request.auth, resolution=payload.resolution, note=payload.note
            )
        except services.PaymentError as exc:
            return Response({"detail": exc.message, "field": exc.field}, status=exc.status)
    return _discrepancy_out(done)
