"""The electronic receipt (biên lai điện tử) of paid fees, as PDF/A drawn by WeasyPrint.

It confirms the payment recorded by motcua (lines, amount, how and when it was paid, the gateway's
transaction number) and carries a QR code of the pay link, where anyone holding it can check the
payment. It is not a tax authority's coded e-receipt (Decree 123/2020): where the province issues
those, this receipt goes with it.
"""

from __future__ import annotations

import segno
from django.template.loader import render_to_string
from django.utils import timezone

from . import services
from .models import Invoice

PDF_VARIANT = "pdf/a-3b"


def receipt_pdf(invoice: Invoice, *, verify_url: str = "") -> bytes:
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    payment = services.applied_payment(invoice)
    context = {
        "invoice": invoice,
        "dossier": invoice.dossier,
        "lines": list(invoice.lines.all()),
        "payment": payment,
        "gateway": services.gateway_label(payment.gateway) if payment else "",
        "refund": payment.refunds.filter(status="done").first() if payment else None,
        "issued": timezone.localtime(),
        "qr": segno.make(verify_url, error="m").svg_data_uri(border=0) if verify_url else "",
        "verify_url": verify_url,
    }
    html = render_to_string("payments/receipt.html", context)
    # Only inline data: URIs are resolved: a receipt never reaches the network or the disk.
    fetcher = URLFetcher(allowed_protocols={"data"}, fail_on_errors=True)
    return HTML(string=html, base_url="data:,", url_fetcher=fetcher).write_pdf(pdf_variant=PDF_VARIANT)
