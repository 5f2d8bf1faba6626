"""The WSGI layer that answers gateway callbacks ahead of Django's request stack (ADR 0010): the same
answers and changes as the Django view, the view's headers, the request signals, and everything
else left to Django."""

import io
import json
from urllib.parse import urlencode

import pytest
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections
from django.urls import set_script_prefix
from django.utils import translation

from motcua.dossiers.models import Event
from motcua.payments import services
from motcua.payments.callbacks import GatewayCallbacks
from motcua.payments.models import Discrepancy, Invoice, Payment, PaymentEvent

from .test_ipn import RETURN_URL, signed_ipn

pytestmark = [pytest.mark.django_db(transaction=False), pytest.mark.usefixtures("clock_running")]

IPN = "/thanh-toan/vnpay/ipn/"


def call(app, path, query="", method="GET", body=b""):
    """One request through the WSGI application, as a server would make it."""
    environ = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": "testserver",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(body),
        "CONTENT_LENGTH": str(len(body)),
        "CONTENT_TYPE": "application/x-www-form-urlencoded",
    }
    started = {}

    def start_response(status, headers):
        started["status"], started["headers"] = status, dict(headers)

    content = b"".join(app(environ, start_response))
    return started["status"], started["headers"], content


@pytest.fixture
def app():
    # As Django's test client does: the test's transaction holds the connection, so the request
    # signals must not close it.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield GatewayCallbacks(WSGIHandler())
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@pytest.fixture
def payment(accept, invoice_of):
    invoice = invoice_of(accept())
    found, _started = services.start_payment(
        invoice.pk, "vnpay", method="VNBANK", return_url=RETURN_URL, client_ip="127.0.0.1"
    )
    return found


def test_a_success_is_answered_and_recorded_as_through_the_view(app, payment):
    status, headers, body = call(app, IPN, signed_ipn(payment))
    assert status == "200 OK"
    assert json.loads(body) == {"RspCode": "00", "Message": "Confirm Success"}
    assert headers["Content-Type"] == "application/json"
    assert "no-store" in headers["Cache-Control"] and headers["Content-Length"] == str(len(body))

    payment.refresh_from_db()
    assert (payment.status, payment.applied, payment.settled_by) == ("paid", True, "callback")
    assert Invoice.objects.get(pk=payment.invoice_id).status == "paid"
    assert Event.objects.filter(dossier_id=payment.invoice.dossier_id, action="pay").count() == 1
    assert PaymentEvent.objects.filter(payment=payment, kind="paid").count() == 1

    # The replay: "02", nothing more.
    status, _headers, body = call(app, IPN, signed_ipn(payment))
    assert json.loads(body)["RspCode"] == "02"
    assert Event.objects.filter(dossier_id=payment.invoice.dossier_id, action="pay").count() == 1


def test_bad_signature_and_unknown_order_get_the_views_codes(app, client, payment):
    tampered = signed_ipn(payment).replace("vnp_Amount=5000000", "vnp_Amount=100")
    unknown = signed_ipn(payment, vnp_TxnRef="NO-SUCH-ORDER")
    cases = ((tampered, "97"), (unknown, "01"))
    for query, code in cases:
        _status, _headers, body = call(app, IPN, query)
        assert json.loads(body)["RspCode"] == code
    for query, code in cases:  # the Django view agrees (its client reconnects the request signals)
        assert client.get(f"{IPN}?{query}").json()["RspCode"] == code
    assert Payment.objects.get(pk=payment.pk).status == "pending"


def test_what_a_callback_writes_is_in_vietnamese_whatever_the_thread_served_before(app, payment):
    # A server thread keeps the language of the last page it served (say, in English); the layer
    # has no locale middleware, so it says which language the records are written in.
    with translation.override("en"):
        _status, _headers, body = call(app, IPN, signed_ipn(payment, vnp_Amount="100"))
        assert json.loads(body)["RspCode"] == "04"
        assert translation.get_language() == "en"  # left as it was found
    assert Discrepancy.objects.get(txn_ref=payment.txn_ref).note == "Cổng thanh toán báo 1 đ cho giao dịch 50.000 đ."


def test_the_request_signals_are_sent_around_a_callback(app, payment):
    seen = []

    def started(**kwargs):
        seen.append("started")

    def finished(**kwargs):
        seen.append("finished")

    signals.request_started.connect(started)
    signals.request_finished.connect(finished)
    try:
        call(app, IPN, signed_ipn(payment))
    finally:
        signals.request_started.disconnect(started)
        signals.request_finished.disconnect(finished)
    assert seen == ["started", "finished"]


def test_everything_else_goes_to_django(app, payment):
    # A POST to the callback URL: Django's view (VNPay sends GET; the view takes both).
    status, headers, body = call(app, IPN, method="POST", body=signed_ipn(payment).encode())
    assert status == "200 OK" and json.loads(body)["RspCode"] == "00"
    assert "csrftoken" not in headers.get("Set-Cookie", "")
    # More fields than any gateway sends: Django's own limits decide.
    flood = urlencode({f"f{n}": "x" for n in range(2000)})
    status, _headers, _body = call(app, IPN, flood)
    assert status.startswith("400")
    # Any other page.
    status, headers, body = call(app, "/tra-cuu/")
    assert status == "200 OK" and headers["Content-Type"].startswith("text/html")
    status, _headers, _body = call(app, "/thanh-toan/vnpay/ipn")  # not the callback URL
    assert not status.startswith("200")


def test_the_callback_path_is_found_under_a_sub_path_deployment():
    set_script_prefix("/motcua/")  # as Django's handler sets it for SCRIPT_NAME=/motcua
    try:
        assert GatewayCallbacks(WSGIHandler()).routes() == {IPN: "vnpay"}
    finally:
        set_script_prefix("/")
