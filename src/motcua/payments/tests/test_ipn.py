"""VNPay's IPN against the simulator: the applicant pays on the simulator's page over HTTP, the
simulator signs the IPN (with the faults it is told), and motcua's IPN view receives it. Each bad
input and fault ends with the right reply code and final state: nothing paid twice, nothing lost."""

from urllib.parse import parse_qsl, urlsplit

import pytest

from motcua.dossiers.models import Event
from motcua.payments import services
from motcua.payments.contrib.vnpay import protocol
from motcua.payments.models import Discrepancy, Invoice, Payment, PaymentEvent, Refund

from .conftest import BUILDING

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock_running")]

RETURN_URL = "http://testserver/thanh-toan/vnpay/tra-ve/"


def start(invoice, method="VNBANK"):
    payment, started = services.start_payment(
        invoice.pk, "vnpay", method=method, return_url=RETURN_URL, client_ip="127.0.0.1"
    )
    return payment, started.redirect_url


def pay(simulator, url, action="pay", faults=""):
    """The applicant's browser: the gateway's page, then a button."""
    page = simulator.open_page(url)
    assert "Thanh toán" in page and "Hủy" in page
    txn_ref = dict(parse_qsl(urlsplit(url).query))["vnp_TxnRef"]
    return simulator.press(txn_ref, action, faults)


def deliver(client, ipn) -> str:
    response = client.get("/thanh-toan/vnpay/ipn/?" + ipn["query"])
    assert response.status_code == 200
    return response.json()["RspCode"]


def signed_ipn(payment, **changes) -> str:
    """An IPN as the gateway would sign it (for orders the simulator never saw)."""
    params = {
        "vnp_Amount": str(payment.amount * 100),
        "vnp_BankCode": "NCB",
        "vnp_OrderInfo": "Nop phi",
        "vnp_PayDate": "20260112091000",
        "vnp_ResponseCode": "00",
        "vnp_TmnCode": protocol.DEMO_TMN_CODE,
        "vnp_TransactionNo": "14999999",
        "vnp_TransactionStatus": "00",
        "vnp_TxnRef": payment.txn_ref,
        **changes,
    }
    return protocol.signed_query(params, protocol.DEMO_HASH_SECRET)


@pytest.fixture
def invoice(accept, invoice_of):
    dossier = accept()  # 2.001035 at the counter, nothing taken: 50.000 đ to pay
    found = invoice_of(dossier)
    assert (found.status, found.total) == ("open", 50_000)
    return found


def test_ipn_success_marks_paid_once_and_the_payment_joins_the_timeline(client, simulator, invoice):
    payment, url = start(invoice)
    assert "vnp_Amount=5000000" in url and "vnp_BankCode=VNBANK" in url
    returned = pay(simulator, url)
    assert returned["vnp_ResponseCode"] == "00"
    payment.refresh_from_db()
    assert payment.status == "pending"  # the browser's return decides nothing

    (ipn,) = simulator.ipns(payment.txn_ref, wait=1)
    assert deliver(client, ipn) == "00"

    payment.refresh_from_db()
    invoice.refresh_from_db()
    assert (payment.status, payment.applied, payment.settled_by) == ("paid", True, "callback")
    assert payment.gateway_transaction_no and payment.last_callback["vnp_TxnRef"] == payment.txn_ref
    assert invoice.status == "paid"
    (event,) = Event.objects.filter(dossier=invoice.dossier, action="pay")
    assert "50.000 đ" in event.note and payment.gateway_transaction_no in event.note
    assert PaymentEvent.objects.filter(payment=payment, kind="paid").exists()


def test_duplicate_and_replayed_ipns_are_answered_already_confirmed(client, simulator, invoice):
    payment, url = start(invoice)
    pay(simulator, url, faults="twice,replay:1")
    ipns = simulator.ipns(payment.txn_ref, wait=3)
    assert [i["kind"] for i in ipns] == ["ipn", "duplicate", "replay"]
    assert [deliver(client, i) for i in ipns] == ["00", "02", "02"]
    assert deliver(client, ipns[0]) == "02"  # replayed again, later

    assert Payment.objects.filter(invoice=invoice, status="paid").count() == 1
    assert Event.objects.filter(dossier=invoice.dossier, action="pay").count() == 1
    assert PaymentEvent.objects.filter(payment=payment, kind="duplicate").count() == 3


def test_bad_signature_is_refused_and_the_query_settles_it(client, simulator, invoice):
    payment, url = start(invoice)
    pay(simulator, url, faults="bad_signature")
    (ipn,) = simulator.ipns(payment.txn_ref, wait=1)
    assert deliver(client, ipn) == "97"
    payment.refresh_from_db()
    assert payment.status == "pending"
    rejected = PaymentEvent.objects.get(kind="callback_rejected")
    assert rejected.data["why"] == "signature" and rejected.data["raw"]["vnp_TxnRef"] == payment.txn_ref

    # Nothing lost: the periodic query asks the gateway, which says paid.
    assert services.settle_pending(older_than=services.dt.timedelta(0)) == {"paid": 1}
    payment.refresh_from_db()
    assert (payment.status, payment.settled_by, payment.applied) == ("paid", "query", True)


def test_wrong_amount_is_refused_recorded_and_the_true_amount_settles_it(client, simulator, invoice):
    payment, url = start(invoice)
    pay(simulator, url, faults="wrong_amount")
    (ipn,) = simulator.ipns(payment.txn_ref, wait=1)
    assert deliver(client, ipn) == "04"
    payment.refresh_from_db()
    assert payment.status == "pending"
    discrepancy = Discrepancy.objects.get(kind="amount_mismatch")
    assert discrepancy.payment == payment and discrepancy.theirs["vnp_Amount"] == str(60_000 * 100)

    services.settle_pending(older_than=services.dt.timedelta(0))
    invoice.refresh_from_db()
    assert invoice.status == "paid"


def test_unknown_order_and_another_terminal_are_not_found(client, invoice):
    ghost = Payment(txn_ref="MCNOSUCHORDER", amount=50_000)
    assert client.get("/thanh-toan/vnpay/ipn/?" + signed_ipn(ghost)).json() == {
        "RspCode": "01",
        "Message": "Order not found",
    }
    payment, _url = start(invoice)
    other = signed_ipn(payment, vnp_TmnCode="SOMEONE1")
    assert client.get("/thanh-toan/vnpay/ipn/?" + other).json()["RspCode"] == "01"
    payment.refresh_from_db()
    assert payment.status == "pending"


def test_out_of_order_stale_callback_after_success_changes_nothing(client, simulator, invoice):
    payment, url = start(invoice)
    pay(simulator, url, faults="out_of_order")
    final, stale = simulator.ipns(payment.txn_ref, wait=2)
    assert stale["kind"] == "stale"
    assert [deliver(client, final), deliver(client, stale)] == ["00", "02"]
    payment.refresh_from_db()
    assert payment.status == "paid"


def test_stale_callback_first_then_success_ends_paid(client, simulator, invoice):
    payment, url = start(invoice)
    pay(simulator, url, faults="out_of_order")
    final, stale = simulator.ipns(payment.txn_ref, wait=2)
    assert [deliver(client, stale), deliver(client, final)] == ["00", "00"]
    payment.refresh_from_db()
    assert (payment.status, payment.applied) == ("paid", True)


def test_a_failure_then_a_success_for_the_same_order_ends_paid(client, invoice):
    """Order-independent: the signed success is the truth even after a failure was recorded."""
    payment, _url = start(invoice)
    failure = signed_ipn(payment, vnp_ResponseCode="24", vnp_TransactionStatus="02", vnp_TransactionNo="0")
    assert client.get("/thanh-toan/vnpay/ipn/?" + failure).json()["RspCode"] == "00"
    payment.refresh_from_db()
    assert payment.status == "failed"
    assert client.get("/thanh-toan/vnpay/ipn/?" + failure).json()["RspCode"] == "02"
    assert client.get("/thanh-toan/vnpay/ipn/?" + signed_ipn(payment)).json()["RspCode"] == "00"
    payment.refresh_from_db()
    invoice.refresh_from_db()
    assert (payment.status, payment.applied, invoice.status) == ("paid", True, "paid")
    # ...and a late failure never takes it back.
    assert client.get("/thanh-toan/vnpay/ipn/?" + failure).json()["RspCode"] == "02"


def test_cancelled_attempt_and_paid_attempt_in_reverse_order(client, simulator, invoice):
    first, first_url = start(invoice)
    pay(simulator, first_url, action="cancel")
    second, second_url = start(invoice, method="VNPAYQR")
    pay(simulator, second_url)
    (cancelled,) = simulator.ipns(first.txn_ref, wait=1)
    (paid,) = simulator.ipns(second.txn_ref, wait=1)
    assert [deliver(client, paid), deliver(client, cancelled)] == ["00", "00"]
    first.refresh_from_db()
    second.refresh_from_db()
    invoice.refresh_from_db()
    assert (first.status, first.response_code) == ("failed", "24")
    assert (second.status, second.applied, invoice.status) == ("paid", True, "paid")


def test_two_paid_attempts_pay_the_invoice_once_and_the_second_is_refunded(
    client, simulator, invoice, django_capture_on_commit_callbacks
):
    first, first_url = start(invoice)
    second, second_url = start(invoice)
    pay(simulator, first_url)
    pay(simulator, second_url)
    with django_capture_on_commit_callbacks(execute=True):
        codes = [deliver(client, simulator.ipns(p.txn_ref, wait=1)[0]) for p in (first, second)]
    assert codes == ["00", "00"]
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.applied, second.applied) == (True, False)
    refund = Refund.objects.get()
    assert (refund.payment, refund.cause, refund.status, refund.amount) == (second, "double_payment", "done", 50_000)
    assert simulator.state()["transactions"][second.txn_ref]["refunded"] == 50_000 * 100
    assert Discrepancy.objects.filter(kind="double_payment", payment=second).exists()
    invoice.refresh_from_db()
    assert invoice.status == "paid"  # the first payment still pays it


def test_callback_for_an_expired_invoice_is_already_confirmed_and_the_money_goes_back(
    client, simulator, invoice, django_capture_on_commit_callbacks
):
    payment, url = start(invoice)
    simulator.open_page(url)
    # The invoice's deadline passes while the applicant is on the gateway's page.
    Invoice.objects.filter(pk=invoice.pk).update(status="expired")
    simulator.press(payment.txn_ref)
    (ipn,) = simulator.ipns(payment.txn_ref, wait=1)
    with django_capture_on_commit_callbacks(execute=True):
        assert deliver(client, ipn) == "02"
    payment.refresh_from_db()
    invoice.refresh_from_db()
    assert (payment.status, payment.applied, invoice.status) == ("paid", False, "expired")
    refund = Refund.objects.get(payment=payment)
    assert (refund.cause, refund.status) == ("closed_invoice", "done")
    assert Discrepancy.objects.filter(kind="closed_invoice").exists()
    assert deliver(client, ipn) == "02"
    assert Refund.objects.count() == 1


def test_failed_payment_leaves_the_invoice_open(client, simulator, accept, invoice_of):
    invoice = invoice_of(accept(BUILDING))
    payment, url = start(invoice, method="INTCARD")
    pay(simulator, url, action="insufficient")
    (ipn,) = simulator.ipns(payment.txn_ref, wait=1)
    assert deliver(client, ipn) == "00"
    payment.refresh_from_db()
    invoice.refresh_from_db()
    assert (payment.status, payment.response_code, invoice.status) == ("failed", "51", "open")


def test_ipn_when_motcua_fails_answers_99_so_the_gateway_retries(client, simulator, invoice, monkeypatch):
    payment, url = start(invoice)
    pay(simulator, url)
    (ipn,) = simulator.ipns(payment.txn_ref, wait=1)

    def broken(*args, **kwargs):
        raise services.IntegrityError("database went away")

    monkeypatch.setattr(services, "_settle_callback", broken)
    assert deliver(client, ipn) == "99"
    monkeypatch.undo()
    assert deliver(client, ipn) == "00"


def test_the_callbacks_lean_read_gives_the_same_payment_as_the_orm(invoice):
    payment, _url = start(invoice)
    lean = services._lock_payment(gateway="vnpay", txn_ref=payment.txn_ref)
    full = Payment.objects.select_related("invoice").get(pk=payment.pk)
    for field in Payment._meta.concrete_fields:  # the others load on use
        assert getattr(lean, field.attname) == getattr(full, field.attname), field.name
    for field in Invoice._meta.concrete_fields:
        assert getattr(lean.invoice, field.attname) == getattr(full.invoice, field.attname), field.name
