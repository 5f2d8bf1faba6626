"""Finance pages of the back office (/can-bo/tai-chinh/): the daily summary per collecting centre,
its Excel export, the discrepancies with a form to resolve each, a dossier's fees (record cash,
exempt a line, refunds), bank statement import, and running the reconciliation by hand.

Pages only: every change goes through `services`, which checks the officer's role and agency.
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from motcua.agencies.models import Assignment
from motcua.agencies.services import agencies_where
from motcua.dossiers.models import Dossier

from . import reports, services
from .contrib.vietqr.statement import StatementError, read_csv
from .models import Discrepancy, Invoice, Payment, PaymentEvent, Refund
from .registry import registry

MAX_STATEMENT_BYTES = 5 * 1024 * 1024
EVENT_LABELS = {
    "invoice_opened": gettext_lazy("Invoice made"),
    "cash_recorded": gettext_lazy("Cash recorded"),
    "payment_started": gettext_lazy("Payment started at the gateway"),
    "paid": gettext_lazy("Paid"),
    "failed": gettext_lazy("Payment failed"),
    "expired": gettext_lazy("Attempt expired"),
    "duplicate": gettext_lazy("Callback repeated, nothing changed"),
    "still_pending": gettext_lazy("Gateway: not finished yet"),
    "callback_rejected": gettext_lazy("Callback refused"),
    "amount_mismatch": gettext_lazy("Amounts differ"),
    "paid_not_due": gettext_lazy("Paid but not due: to be given back"),
    "queried": gettext_lazy("Gateway asked"),
    "query_failed": gettext_lazy("Gateway did not answer"),
    "refund_requested": gettext_lazy("Refund requested"),
    "refund_done": gettext_lazy("Refunded"),
    "refund_failed": gettext_lazy("Refund not sent yet"),
    "refund_refused": gettext_lazy("Refund refused by the gateway"),
    "line_exempted": gettext_lazy("Line exempted"),
    "invoice_cancelled": gettext_lazy("Invoice cancelled"),
    "invoice_expired": gettext_lazy("Invoice expired"),
    "statement_line": gettext_lazy("Bank statement line"),
    "discrepancy_resolved": gettext_lazy("Discrepancy resolved"),
}
SETTLED_LABELS = {
    "callback": gettext_lazy("by the gateway's callback"),
    "query": gettext_lazy("by asking the gateway"),
    "reconciliation": gettext_lazy("by the reconciliation"),
    "statement": gettext_lazy("by the bank statement"),
    "counter": gettext_lazy("at the counter"),
}


def _page(request, template: str, context: dict, status: int = 200):
    context.setdefault("section", "finance")
    if "my_roles" not in context:
        context["my_roles"] = set(Assignment.objects.filter(officer=request.user).values_list("role", flat=True))
    context["can_finance"] = agencies_where(request.user, services.FINANCE_ROLES).exists()
    return render(request, template, context, status=status)


def _period(request) -> tuple[dt.date, dt.date]:
    today = services.today()
    try:
        first = dt.date.fromisoformat(request.GET.get("from", ""))
    except ValueError:
        first = today
    try:
        last = dt.date.fromisoformat(request.GET.get("to", ""))
    except ValueError:
        last = first if request.GET.get("from") else today
    if last < first:
        first, last = last, first
    return first, min(last, first + dt.timedelta(days=366))


@login_required
@require_GET
def summary(request):
    first, last = _period(request)
    rows = reports.daily_summary(request.user, first, last)
    return _page(
        request,
        "payments/backoffice/summary.html",
        {
            "rows": rows,
            "totals": reports.totals(rows),
            "first": first,
            "last": last,
            "open_count": len(reports.open_discrepancies(request.user, limit=1000)),
            "export_url": f"{reverse('finance:export')}?from={first.isoformat()}&to={last.isoformat()}",
        },
    )


@login_required
@require_GET
def export(request):
    first, last = _period(request)
    response = HttpResponse(
        reports.workbook(request.user, first, last),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="thu-phi-{first:%Y%m%d}-{last:%Y%m%d}.xlsx"'
    return response


@login_required
@require_GET
def discrepancies(request):
    return _page(
        request,
        "payments/backoffice/discrepancies.html",
        {
            "open": reports.open_discrepancies(request.user),
            "resolved": reports.recent_resolved(request.user),
            "resolutions": [r for r in Discrepancy.Resolution if r != Discrepancy.Resolution.AUTOMATIC],
            "gateways": [g for g in registry if g.settles_itself],
            "yesterday": services.today() - dt.timedelta(days=1),
        },
    )


@login_required
@require_POST
def resolve(request, pk: int):
    try:
        services.resolve_discrepancy(
            pk, request.user, resolution=request.POST.get("resolution", ""), note=request.POST.get("note", "")
        )
        messages.success(request, _("The discrepancy is resolved."))
    except services.PaymentError as exc:
        messages.error(request, exc.message)
    return redirect("finance:discrepancies")


@login_required
@require_POST
def run_reconciliation(request):
    if not agencies_where(request.user, services.FINANCE_ROLES).exists():
        raise Http404
    try:
        day = dt.date.fromisoformat(request.POST.get("day", ""))
    except ValueError:
        messages.error(request, _("Choose the day to reconcile."))
        return redirect("finance:discrepancies")
    gateway = request.POST.get("gateway", "vnpay")
    if gateway not in registry:
        raise Http404
    run = services.reconcile(gateway, day)
    if run.status == run.Status.DONE:
        messages.success(
            request,
            _(
                "Reconciliation of %(day)s: %(ours)s of ours, %(matched)s matched, %(settled)s settled, "
                "%(found)s discrepancies."
            )
            % {
                "day": f"{day:%d/%m/%Y}",
                "ours": run.ours,
                "matched": run.matched,
                "settled": run.settled,
                "found": run.discrepancies,
            },
        )
    else:
        messages.error(request, _("The reconciliation could not finish: %(error)s") % {"error": run.error})
    return redirect("finance:discrepancies")


@login_required
@require_POST
def settle_now(request):
    """Ask the gateway now about every pending payment (what the periodic job does each minute)."""
    if not agencies_where(request.user, services.FINANCE_ROLES).exists():
        raise Http404
    counts = services.settle_pending(older_than=dt.timedelta(0))
    messages.success(request, _("Pending payments asked about: %(counts)s") % {"counts": counts or "0"})
    return redirect("finance:discrepancies")


@login_required
@require_GET
def find_dossier(request):
    code = (request.GET.get("code") or "").strip()
    if not code:
        return redirect("finance:summary")
    invoice = services.visible_invoices(request.user).filter(dossier__code=code).order_by("-issued_at").first()
    if invoice is None:
        messages.error(request, _("No dossier of your centres with this code has fees."))
        return redirect("finance:summary")
    return redirect("finance:dossier", dossier_id=invoice.dossier_id)


@login_required
@require_GET
def dossier(request, dossier_id: int):
    invoices = list(
        services.visible_invoices(request.user)
        .filter(dossier_id=dossier_id)
        .select_related("agency", "dossier__procedure_version")
        .prefetch_related("lines")
        .order_by("-issued_at")
    )
    if not invoices:
        if Dossier.objects.filter(pk=dossier_id).exists():
            return _page(request, "payments/backoffice/no_invoice.html", {"dossier_id": dossier_id}, status=404)
        raise Http404
    invoice = invoices[0]
    payments = list(invoice.payments.select_related("recorded_by").prefetch_related("refunds").order_by("created_at"))
    for payment in payments:
        payment.gateway_label = services.gateway_label(payment.gateway)
        payment.settled_label = SETTLED_LABELS.get(payment.settled_by, payment.settled_by)
        payment.refund = next(iter(payment.refunds.all()), None)
    events = list(PaymentEvent.objects.filter(invoice=invoice).select_related("actor").order_by("at", "id")[:200])
    for event in events:
        event.label = EVENT_LABELS.get(event.kind, event.kind)
    return _page(
        request,
        "payments/backoffice/dossier.html",
        {
            "invoice": invoice,
            "older": invoices[1:],
            "dossier": invoice.dossier,
            "lines": list(invoice.lines.all()),
            "payments": payments,
            "events": events,
            "pay_url": request.build_absolute_uri(reverse("payments:pay", args=[services.pay_token(invoice)])),
            "can_cash": services._holds(request.user, services.CASH_ROLES, invoice.agency),
            "can_refund": services._holds(request.user, services.FINANCE_ROLES, invoice.agency),
        },
    )


@login_required
@require_POST
def record_cash(request, dossier_id: int):
    invoice = _visible_invoice(request, dossier_id)
    try:
        amount = int((request.POST.get("amount") or "").replace(".", "").replace(",", "").strip())
    except ValueError:
        messages.error(request, _("Write the amount taken, in đồng."))
        return redirect("finance:dossier", dossier_id=dossier_id)
    try:
        services.record_cash(invoice.pk, request.user, amount=amount, note=request.POST.get("note", ""))
        messages.success(request, _("The cash payment is recorded; the receipt can be printed."))
    except services.PaymentError as exc:
        messages.error(request, exc.message)
    return redirect("finance:dossier", dossier_id=dossier_id)


@login_required
@require_POST
def exempt(request, dossier_id: int):
    invoice = _visible_invoice(request, dossier_id)
    try:
        services.exempt_line(
            invoice.pk, int(request.POST.get("line") or 0), request.user, reason=request.POST.get("reason", "")
        )
        messages.success(request, _("The line is exempted."))
    except (services.PaymentError, ValueError) as exc:
        messages.error(request, getattr(exc, "message", _("Choose a line.")))
    return redirect("finance:dossier", dossier_id=dossier_id)


@login_required
@require_POST
def order_refund(request, payment_id: int):
    payment = Payment.objects.filter(pk=payment_id, invoice__in=services.visible_invoices(request.user)).first()
    if payment is None:
        raise Http404
    try:
        services.order_refund(payment.pk, request.user, reason=request.POST.get("reason", ""))
        messages.success(request, _("The refund is requested."))
    except services.PaymentError as exc:
        messages.error(request, exc.message)
    return redirect("finance:dossier", dossier_id=payment.invoice.dossier_id)


@login_required
@require_POST
def refunded_by_hand(request, refund_id: int):
    refund = (
        Refund.objects.select_related("payment__invoice")
        .filter(pk=refund_id, payment__invoice__in=services.visible_invoices(request.user))
        .first()
    )
    if refund is None:
        raise Http404
    try:
        services.mark_refunded_by_hand(refund.pk, request.user, note=request.POST.get("note", ""))
        messages.success(request, _("The refund is recorded as given back."))
    except services.PaymentError as exc:
        messages.error(request, exc.message)
    return redirect("finance:dossier", dossier_id=refund.payment.invoice.dossier_id)


@login_required
def statement(request):
    """Import a bank statement (CSV) and match its transfers to invoices by reference and amount."""
    outcomes = None
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None or upload.size > MAX_STATEMENT_BYTES:
            messages.error(request, _("Choose the statement file (CSV, at most 5 MB)."))
        else:
            try:
                outcomes = services.import_statement(read_csv(upload.read()), request.user)
            except StatementError as exc:
                messages.error(request, str(exc))
            except services.PaymentError as exc:
                messages.error(request, exc.message)
    labels = {
        "paid": _("Paid: matched to the invoice"),
        "duplicate": _("Already imported"),
        "unmatched": _("No invoice: sent to the discrepancies"),
        "amount_mismatch": _("Amount differs: sent to the discrepancies"),
        "not_due": _("Invoice already paid or closed: the money will be given back"),
    }
    for outcome in outcomes or []:
        outcome.label = labels.get(outcome.result, outcome.result)
    return _page(request, "payments/backoffice/statement.html", {"outcomes": outcomes})


def _visible_invoice(request, dossier_id: int) -> Invoice:
    invoice = services.visible_invoices(request.user).filter(dossier_id=dossier_id).order_by("-issued_at").first()
    if invoice is None:
        raise Http404
    return invoice
