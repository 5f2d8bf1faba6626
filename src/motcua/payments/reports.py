"""What finance officers read: per collecting centre and day, what was invoiced, paid online, paid
in cash, is still pending, was refunded and is disputed; and the same as an Excel workbook."""

from __future__ import annotations

import datetime as dt
import io
from collections import defaultdict

from django.db.models import Count, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.agencies.models import Agency
from motcua.workdays.calendar import ZONE, days_bounds

from . import services
from .models import Discrepancy, Invoice, Payment, Refund

COLUMNS = ("invoiced_count", "invoiced", "paid_online", "paid_cash", "pending", "refunded", "disputed")


def daily_summary(user, first: dt.date, last: dt.date) -> list[dict]:
    """One row per collecting centre and day with any activity, newest day first (six queries)."""
    start, end = days_bounds(first, last)
    invoices = services.visible_invoices(user)
    rows: dict[tuple[int, dt.date], dict] = defaultdict(lambda: dict.fromkeys(COLUMNS, 0))

    def add(queryset, agency_field: str, day_field: str, column: str, value) -> None:
        for item in (
            queryset.annotate(day=TruncDate(day_field, tzinfo=ZONE))
            .values(agency_field, "day")
            .annotate(value=value)
            .order_by()
        ):
            rows[(item[agency_field], item["day"])][column] += item["value"] or 0

    issued = invoices.filter(issued_at__gte=start, issued_at__lt=end)
    add(issued, "agency", "issued_at", "invoiced_count", Count("id"))
    add(issued, "agency", "issued_at", "invoiced", Sum("total"))
    add(issued.filter(status=Invoice.Status.OPEN), "agency", "issued_at", "pending", Sum("total"))
    paid = Payment.objects.filter(invoice__in=invoices, status=Payment.Status.PAID, paid_at__gte=start, paid_at__lt=end)
    add(paid.exclude(gateway="cash"), "invoice__agency", "paid_at", "paid_online", Sum("amount"))
    add(paid.filter(gateway="cash"), "invoice__agency", "paid_at", "paid_cash", Sum("amount"))
    refunds = Refund.objects.filter(
        payment__invoice__in=invoices, status=Refund.Status.DONE, finished_at__gte=start, finished_at__lt=end
    )
    add(refunds, "payment__invoice__agency", "finished_at", "refunded", Sum("amount"))
    disputes = services.visible_discrepancies(user).filter(
        resolved_at__isnull=True, created_at__gte=start, created_at__lt=end
    )
    add(disputes.exclude(agency=None), "agency", "created_at", "disputed", Count("id"))
    names = dict(Agency.objects.filter(pk__in={a for a, _ in rows}).values_list("pk", "name"))
    return [
        {"agency_id": agency, "agency": names.get(agency, ""), "day": day, **values}
        for (agency, day), values in sorted(rows.items(), key=lambda item: (-item[0][1].toordinal(), item[0][0]))
    ]


def totals(rows: list[dict]) -> dict:
    return {column: sum(row[column] for row in rows) for column in COLUMNS}


def column_labels() -> list[str]:
    return [
        _("Invoices"),
        _("Invoiced (đồng)"),
        _("Paid online (đồng)"),
        _("Paid in cash (đồng)"),
        _("Still unpaid (đồng)"),
        _("Refunded (đồng)"),
        _("Open discrepancies"),
    ]


def workbook(user, first: dt.date, last: dt.date) -> bytes:
    """The summary and every payment of the period, as an .xlsx file."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = _("Summary")[:31]
    sheet.append(
        [_("Fees and payments from %(first)s to %(last)s") % {"first": f"{first:%d/%m/%Y}", "last": f"{last:%d/%m/%Y}"}]
    )
    sheet.append([])
    sheet.append([_("Day"), _("Collecting centre"), *column_labels()])
    for cell in sheet[3]:
        cell.font = Font(bold=True)
    rows = daily_summary(user, first, last)
    for row in rows:
        sheet.append([row["day"], row["agency"], *(row[c] for c in COLUMNS)])
        sheet.cell(row=sheet.max_row, column=1).number_format = "DD/MM/YYYY"
    total = totals(rows)
    sheet.append([_("Total"), "", *(total[c] for c in COLUMNS)])
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    for column, width in zip("ABCDEFGHI", (12, 48, 10, 16, 16, 16, 16, 14, 12), strict=True):
        sheet.column_dimensions[column].width = width

    details = book.create_sheet(_("Payments")[:31])
    details.append(
        [
            _("Paid at"),
            _("Collecting centre"),
            _("Dossier"),
            _("Invoice"),
            _("Gateway"),
            _("Order id"),
            _("Transaction"),
            _("Amount (đồng)"),
            _("Applied to the invoice"),
            _("Refund"),
        ]
    )
    for cell in details[1]:
        cell.font = Font(bold=True)
    start, end = days_bounds(first, last)
    payments = (
        Payment.objects.filter(
            invoice__in=services.visible_invoices(user), status=Payment.Status.PAID, paid_at__gte=start, paid_at__lt=end
        )
        .select_related("invoice__agency", "invoice__dossier")
        .prefetch_related("refunds")
        .order_by("paid_at", "pk")
    )
    for payment in payments.iterator(chunk_size=2000):
        refund = next(iter(payment.refunds.all()), None)
        details.append(
            [
                timezone.localtime(payment.paid_at).replace(tzinfo=None),
                payment.invoice.agency.name,
                payment.invoice.dossier.code,
                payment.invoice.reference,
                services.gateway_label(payment.gateway),
                payment.txn_ref,
                payment.gateway_transaction_no,
                payment.amount,
                _("yes") if payment.applied else _("no"),
                refund.get_status_display() if refund else "",
            ]
        )
        details.cell(row=details.max_row, column=1).number_format = "DD/MM/YYYY HH:MM"
    for column, width in zip("ABCDEFGHIJ", (17, 40, 24, 14, 16, 18, 14, 14, 10, 14), strict=True):
        details.column_dimensions[column].width = width
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def open_discrepancies(user, *, limit: int = 200):
    return (
        services.visible_discrepancies(user)
        .filter(resolved_at__isnull=True)
        .select_related("invoice__dossier", "agency", "payment")
        .order_by("-created_at")[:limit]
    )


def recent_resolved(user, *, limit: int = 50):
    return (
        services.visible_discrepancies(user)
        .filter(resolved_at__isnull=False)
        .select_related("invoice__dossier", "agency", "resolved_by")
        .order_by("-resolved_at")[:limit]
    )


KIND_HELP = {kind.value: kind.label for kind in Discrepancy.Kind}
