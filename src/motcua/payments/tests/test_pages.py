"""The pages: the public pay page by its signed link, the return from VNPay (shows, never decides),
the PDF receipt; the finance officers' summary, Excel export, discrepancies and a dossier's fees;
and the API."""

import io
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.urls import reverse

from motcua.payments import services
from motcua.payments.contrib.vnpay import protocol
from motcua.payments.models import Discrepancy, Payment

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock_running")]


@pytest.fixture
def invoice(accept, invoice_of):
    return invoice_of(accept(fees_collected=0))


def pay_url(invoice):
    return reverse("payments:pay", args=[services.pay_token(invoice)])


def test_pay_page_shows_lines_methods_and_a_qr_code_made_here(client, invoice):
    response = client.get(pay_url(invoice))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Phí chứng thực hợp đồng" in page and "50.000 đ" in page and invoice.reference in page
    assert page.count('name="method"') == 3 and 'value="VNBANK"' in page and 'value="VNPAYQR"' in page
    assert "<svg" in page and "http" not in page.split("<svg", 1)[1].split("</svg>", 1)[0].replace(
        "http://www.w3.org", ""
    )
    assert f"{invoice.reference} NOP PHI" in page


def test_a_wrong_link_finds_nothing(client, invoice):
    assert client.get(reverse("payments:pay", args=[invoice.reference + ":forged"])).status_code == 404


def test_choosing_vnpay_redirects_to_the_gateway_with_a_signed_url(client, simulator, invoice):
    page = client.get(pay_url(invoice))
    assert page.status_code == 200
    response = client.post(reverse("payments:start_vnpay", args=[services.pay_token(invoice)]), {"method": "VNPAYQR"})
    assert response.status_code == 302
    location = response["Location"]
    assert location.startswith(simulator.url + "/paymentv2/vpcpay.html?")
    params = dict(parse_qsl(urlsplit(location).query))
    assert protocol.verify(params, protocol.DEMO_HASH_SECRET)
    assert params["vnp_Amount"] == "5000000" and params["vnp_BankCode"] == "VNPAYQR"
    assert params["vnp_ReturnUrl"] == "http://testserver/thanh-toan/vnpay/tra-ve/"
    assert params["vnp_OrderInfo"].isascii()
    assert Payment.objects.get(txn_ref=params["vnp_TxnRef"]).status == "pending"


def test_return_shows_and_asks_the_gateway_but_a_forged_return_changes_nothing(client, simulator, invoice):
    payment, started = services.start_payment(
        invoice.pk, "vnpay", return_url="http://testserver/thanh-toan/vnpay/tra-ve/", client_ip="127.0.0.1"
    )
    simulator.open_page(started.redirect_url)
    returned = simulator.press(payment.txn_ref, action="cancel")
    # A forged "success" return for the cancelled payment: not signed by the gateway.
    forged = {**returned, "vnp_ResponseCode": "00", "vnp_TransactionStatus": "00"}
    response = client.get("/thanh-toan/vnpay/tra-ve/", forged)
    assert response.status_code == 400
    # Signed by someone holding the secret but false: motcua asks the gateway, which says cancelled.
    lying = protocol.signed_query({k: v for k, v in forged.items() if k != "vnp_SecureHash"}, protocol.DEMO_HASH_SECRET)
    response = client.get("/thanh-toan/vnpay/tra-ve/?" + lying)
    assert response.status_code == 200
    payment.refresh_from_db()
    assert payment.status == "failed" and payment.settled_by == "query"
    invoice.refresh_from_db()
    assert invoice.status == "open"


def test_return_after_a_success_whose_ipn_is_late_settles_through_the_gateway(client, simulator, invoice):
    payment, started = services.start_payment(
        invoice.pk, "vnpay", return_url="http://testserver/thanh-toan/vnpay/tra-ve/", client_ip="127.0.0.1"
    )
    simulator.open_page(started.redirect_url)
    returned = simulator.press(payment.txn_ref, faults="drop")
    response = client.get("/thanh-toan/vnpay/tra-ve/", returned)
    assert response.status_code == 200
    payment.refresh_from_db()
    assert (payment.status, payment.settled_by) == ("paid", "query")
    status = client.get(reverse("payments:status", args=[services.pay_token(invoice)]))
    assert "bien-lai.pdf" in status.content.decode()


def test_receipt_is_a_pdf_with_the_payment(client, accept, invoice_of):
    from pypdf import PdfReader

    invoice = invoice_of(accept(fees_collected=50_000))
    response = client.get(reverse("payments:receipt", args=[services.pay_token(invoice)]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert invoice.reference in text and "50.000" in text and "Nguyễn Thị Lan" in text


def test_no_receipt_before_payment(client, invoice):
    assert client.get(reverse("payments:receipt", args=[services.pay_token(invoice)])).status_code == 404


def test_finance_summary_per_centre_and_day_and_its_excel_export(client, accept, invoice_of, finance):
    from openpyxl import load_workbook

    accept(fees_collected=50_000)  # paid in cash
    open_invoice = invoice_of(accept(fees_collected=0))
    client.force_login(finance["receptionist"])
    response = client.get(reverse("finance:summary"), {"from": "2026-01-12", "to": "2026-01-12"})
    assert response.status_code == 200
    (row,) = response.context["rows"]
    assert (row["invoiced_count"], row["invoiced"], row["paid_cash"], row["paid_online"], row["pending"]) == (
        2,
        100_000,
        50_000,
        0,
        50_000,
    )
    export = client.get(reverse("finance:export"), {"from": "2026-01-12", "to": "2026-01-12"})
    book = load_workbook(io.BytesIO(export.content))
    summary, payments = book.worksheets
    assert [c.value for c in summary[4]][1:5] == [row["agency"], 2, 100_000, 0]
    assert payments.max_row == 2 and payments["H2"].value == 50_000
    # Another commune's receptionist sees nothing of it.
    client.force_login(finance["other_receptionist"])
    assert client.get(reverse("finance:summary"), {"from": "2026-01-12"}).context["rows"] == []
    assert client.get(reverse("finance:dossier", args=[open_invoice.dossier_id])).status_code == 404


def test_receptionist_records_cash_on_the_dossier_page(client, invoice, finance):
    client.force_login(finance["receptionist"])
    page = client.get(reverse("finance:dossier", args=[invoice.dossier_id]))
    assert page.status_code == 200 and services.pay_token(invoice) in page.content.decode()
    response = client.post(reverse("finance:record_cash", args=[invoice.dossier_id]), {"amount": "50.000"})
    assert response.status_code == 302
    invoice.refresh_from_db()
    assert invoice.status == "paid"


def test_discrepancy_list_and_resolution_form(client, accept, invoice_of, finance):
    invoice_of(accept("1.013225", fees_collected=50_000))  # cash differs from the fees
    client.force_login(finance["head"])
    page = client.get(reverse("finance:discrepancies"))
    (discrepancy,) = page.context["open"]
    response = client.post(
        reverse("finance:resolve", args=[discrepancy.pk]),
        {"resolution": "corrected", "note": "Thu thêm 25.000 đ, biên lai 0013"},
    )
    assert response.status_code == 302
    discrepancy.refresh_from_db()
    assert discrepancy.resolution == "corrected" and discrepancy.resolved_by == finance["head"]


def test_statement_upload_page(client, invoice, finance):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(finance["head"])
    csv = f"date,amount,description,reference\n12/01/2026,50000,{invoice.reference},FT9\n".encode()
    response = client.post(reverse("finance:statement"), {"file": SimpleUploadedFile("sk.csv", csv, "text/csv")})
    assert response.status_code == 200
    assert [o.result for o in response.context["outcomes"]] == ["paid"]


def test_api_invoice_cash_summary_and_discrepancies(client, invoice, finance):
    client.force_login(finance["receptionist"])
    body = client.get(f"/api/v1/payments/invoices?dossier={invoice.dossier.code}").json()
    (only,) = body
    assert (only["reference"], only["status"], only["total"]) == (invoice.reference, "open", 50_000)
    assert only["pay_url"].endswith(pay_url(invoice))
    refused = client.post(
        f"/api/v1/payments/invoices/{invoice.reference}/cash",
        {"amount": 1},
        content_type="application/json",
    )
    assert refused.status_code == 422 and refused.json()["field"] == "amount"
    paid = client.post(
        f"/api/v1/payments/invoices/{invoice.reference}/cash", {"amount": 50_000}, content_type="application/json"
    )
    assert paid.status_code == 201 and paid.json()["applied"]
    rows = client.get("/api/v1/payments/summary?first=2026-01-12&last=2026-01-12").json()
    assert rows[0]["paid_cash"] == 50_000
    assert client.get("/api/v1/payments/discrepancies").json() == []
    client.force_login(finance["other_receptionist"])
    assert client.get(f"/api/v1/payments/invoices/{invoice.reference}").status_code == 404
    assert not Discrepancy.objects.exists()
