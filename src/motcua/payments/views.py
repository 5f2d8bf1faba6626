"""Public payment pages (no login): the pay page reached by a signed link, the start of a VNPay
payment, the browser's return from the gateway (which only shows what motcua knows), VNPay's IPN
(which decides) and the electronic receipt."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from . import conf, services
from .contrib.vietqr.plugin import qr_svg, transfer_for
from .contrib.vnpay import protocol
from .models import Invoice, Payment
from .registry import registry


def _invoice(token: str) -> Invoice:
    invoice = services.invoice_for_token(token)
    if invoice is None:
        raise Http404(_("This payment link is not valid."))
    return invoice


def _client_ip(request) -> str:
    return request.META.get("REMOTE_ADDR") or "127.0.0.1"


def _locale() -> str:
    return "en" if translation.get_language() == "en" else "vn"


def _context(invoice: Invoice, token: str) -> dict:
    pending = invoice.payments.filter(status=Payment.Status.PENDING).exists()
    context = {
        "invoice": invoice,
        "token": token,
        "dossier": invoice.dossier,
        "lines": list(invoice.lines.all()),
        "payment": (payment := services.applied_payment(invoice)),
        "gateway_label": services.gateway_label(payment.gateway) if payment else "",
        "pending": pending,
        "payable": invoice.status == Invoice.Status.OPEN and invoice.total > 0,
        "receipt": services.receipt_available(invoice),
        "vnpay": registry["vnpay"],
    }
    if context["payable"]:
        transfer = transfer_for(invoice)
        context["transfer"] = transfer
        context["qr"] = mark_safe(qr_svg(transfer.payload, title=_("VietQR code for the transfer")))  # noqa: S308
    return context


@require_GET
def pay(request, token: str):
    invoice = _invoice(token)
    return render(request, "payments/pay.html", _context(invoice, token))


@require_GET
@never_cache
def status(request, token: str):
    """The part of the pay page that follows the payment (polled by htmx while one is pending)."""
    invoice = _invoice(token)
    return render(request, "payments/_status.html", _context(invoice, token))


@require_POST
def start_vnpay(request, token: str):
    invoice = _invoice(token)
    try:
        _payment, started = services.start_payment(
            invoice.pk,
            "vnpay",
            method=request.POST.get("method", ""),
            return_url=request.build_absolute_uri(reverse("payments:vnpay_return")),
            client_ip=_client_ip(request),
            locale=_locale(),
        )
    except services.PaymentError as exc:
        messages.error(request, exc.message)
        return redirect("payments:pay", token=token)
    return redirect(started.redirect_url)


@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def vnpay_ipn(request):
    """VNPay's server-to-server notification: the only thing that marks an online payment paid
    (with the periodic query and the reconciliation). Always answered 200 with VNPay's JSON."""
    params = request.GET if request.method == "GET" else request.POST
    _outcome, reply = services.handle_callback("vnpay", params)
    return JsonResponse(reply)


@require_GET
@never_cache
def vnpay_return(request):
    """Where VNPay sends the applicant back. It shows what motcua knows and decides nothing; if
    the gateway says success and no IPN has come yet, motcua asks the gateway itself (querydr)."""
    signed = protocol.verify(request.GET, conf.vnpay().hash_secret)
    txn_ref = request.GET.get("vnp_TxnRef", "")
    payment = (
        Payment.objects.select_related("invoice").filter(gateway="vnpay", txn_ref=txn_ref).first() if signed else None
    )
    if payment is None:
        return render(request, "payments/return.html", {"unreadable": True}, status=400)
    says_paid = request.GET.get("vnp_ResponseCode") == "00" and request.GET.get("vnp_TransactionStatus") == "00"
    recently = payment.last_queried_at and timezone.now() - payment.last_queried_at < dt.timedelta(minutes=1)
    if payment.status == Payment.Status.PENDING and says_paid and not recently:
        from . import tasks

        tasks.query_payment.enqueue(payment.pk)
        payment.refresh_from_db()
    token = services.pay_token(payment.invoice)
    return render(
        request,
        "payments/return.html",
        {
            "payment": payment,
            "invoice": payment.invoice,
            "token": token,
            "says_paid": says_paid,
            "code": request.GET.get("vnp_ResponseCode", ""),
        },
    )


@require_GET
def receipt(request, token: str):
    invoice = _invoice(token)
    if not services.receipt_available(invoice):
        raise Http404(_("There is no receipt: the fees are not paid."))
    from .receipts import receipt_pdf

    verify_url = request.build_absolute_uri(reverse("payments:pay", args=[token]))
    response = HttpResponse(receipt_pdf(invoice, verify_url=verify_url), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="bien-lai-{invoice.reference}.pdf"'
    return response
