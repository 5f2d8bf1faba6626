"""Payments whose callback never came converge anyway: the periodic query (querydr) settles them,
a gateway that is down only delays it, and the nightly reconciliation compares every transaction
of the day with the gateway's list and shows each discrepancy to the finance officers."""

import datetime as dt
from urllib.parse import parse_qsl, urlsplit

import pytest
import time_machine

from motcua.payments import services, tasks
from motcua.payments.contrib.vnpay import protocol
from motcua.payments.models import Discrepancy, Invoice, Payment, PaymentEvent, ReconciliationRun

from .conftest import MONDAY

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock_running")]
NOW = dt.timedelta(0)


def start(invoice):
    payment, started = services.start_payment(
        invoice.pk, "vnpay", method="VNBANK", return_url="http://testserver/r/", client_ip="127.0.0.1"
    )
    return payment, started.redirect_url


def pay(simulator, url, action="pay", faults="drop"):
    simulator.open_page(url)
    return simulator.press(dict(parse_qsl(urlsplit(url).query))["vnp_TxnRef"], action, faults)


@pytest.fixture
def invoice(accept, invoice_of):
    return invoice_of(accept())


def test_dropped_ipn_is_settled_by_the_periodic_query_only_after_a_few_minutes(simulator, invoice):
    payment, url = start(invoice)
    pay(simulator, url, faults="drop")
    assert simulator.ipns(payment.txn_ref, wait=1)[0]["kind"] == "dropped"
    assert services.settle_pending() == {}  # too young to ask about
    with time_machine.travel(MONDAY + dt.timedelta(minutes=4), tick=True):
        assert tasks.settle_pending_payments.enqueue().return_value == {"paid": 1}
    payment.refresh_from_db()
    invoice.refresh_from_db()
    assert (payment.status, payment.settled_by, invoice.status) == ("paid", "query", "paid")
    assert payment.gateway_transaction_no == simulator.state()["transactions"][payment.txn_ref]["transaction_no"]


@pytest.mark.parametrize("fault", ["500", "timeout", "stopped"])
def test_gateway_down_leaves_the_payment_pending_and_a_later_query_settles_it(simulator, invoice, fault):
    payment, url = start(invoice)
    pay(simulator, url, faults="drop")
    if fault == "stopped":
        saved = services.conf.vnpay().api_url
        from django.conf import settings

        settings.VNPAY_API_URL = "http://127.0.0.1:9/merchant_webapi/api/transaction"  # nothing listens
    else:
        simulator.faults(api=fault)
    assert services.settle_pending(older_than=NOW) == {"unavailable": 1}
    payment.refresh_from_db()
    assert (payment.status, payment.queries) == ("pending", 1)
    failed = PaymentEvent.objects.get(kind="query_failed", payment=payment)
    assert failed.data["error"]

    # The gateway is back: the next query (VNPay refuses the same query within 5 minutes) settles.
    if fault == "stopped":
        settings.VNPAY_API_URL = saved
    else:
        simulator.faults(api="")
    assert services.settle_pending(older_than=NOW) == {}
    with time_machine.travel(MONDAY + dt.timedelta(minutes=6), tick=True):
        assert services.settle_pending(older_than=NOW) == {"paid": 1}
    invoice.refresh_from_db()
    assert invoice.status == "paid"


def test_abandoned_attempt_expires_after_the_gateways_deadline(simulator, invoice):
    payment, url = start(invoice)
    simulator.open_page(url)  # the applicant looked, and closed the page
    assert services.settle_pending(older_than=NOW) == {"pending": 1}
    with time_machine.travel(MONDAY + dt.timedelta(minutes=45), tick=True):
        assert services.settle_pending(older_than=NOW) == {"expired": 1}
    payment.refresh_from_db()
    invoice.refresh_from_db()
    assert (payment.status, invoice.status) == ("expired", "open")


def test_expired_invoice_waits_for_pending_attempts(simulator, invoice):
    payment, _url = start(invoice)
    later = MONDAY + dt.timedelta(days=31)
    assert services.expire_invoices(later) == 0  # an attempt is still pending: first ask the gateway
    Payment.objects.filter(pk=payment.pk).update(status="expired")
    assert services.expire_invoices(later) == 1
    invoice.refresh_from_db()
    assert invoice.status == "expired"
    with pytest.raises(services.Conflict):
        start(invoice)


def test_reconciliation_settles_what_no_callback_settled_and_reports_differences(simulator, accept, invoice_of):
    matched_invoice, settled_invoice, ours_only_invoice = (invoice_of(accept()) for _ in range(3))
    matched, url = start(matched_invoice)
    pay(simulator, url, faults="")
    services.handle_callback("vnpay", dict(parse_qsl(simulator.ipns(matched.txn_ref, wait=1)[0]["query"])))
    settled, url = start(settled_invoice)
    pay(simulator, url, faults="drop")
    cancelled, url = start(ours_only_invoice)
    pay(simulator, url, action="cancel", faults="drop")
    # Marked paid here without the gateway knowing (a bug, or someone's hand in the database).
    Payment.objects.filter(pk=cancelled.pk).update(status="paid", paid_at=MONDAY)
    # A payment on our terminal that motcua never started.
    stranger = protocol.payment_params(
        tmn_code=protocol.DEMO_TMN_CODE,
        amount=10_000,
        txn_ref="MCSTRANGER01",
        order_info="x",
        return_url="http://testserver/r/",
        ip="127.0.0.1",
        created=MONDAY,
        expires=MONDAY + dt.timedelta(hours=1),
    )
    pay(simulator, protocol.payment_url(simulator.url + "/paymentv2/vpcpay.html", stranger, protocol.DEMO_HASH_SECRET))

    run = services.reconcile("vnpay", MONDAY.date())
    assert (run.status, run.ours, run.theirs, run.matched, run.settled, run.discrepancies) == ("done", 3, 4, 1, 1, 2)
    settled.refresh_from_db()
    assert (settled.status, settled.settled_by, settled.applied) == ("paid", "reconciliation", True)
    kinds = dict(Discrepancy.objects.values_list("kind", "txn_ref"))
    assert kinds == {
        "settled_late": settled.txn_ref,
        "missing_at_gateway": cancelled.txn_ref,
        "missing_here": "MCSTRANGER01",
    }
    assert Discrepancy.objects.get(kind="settled_late").resolution == "automatic"

    # Running it again repeats nothing still open.
    again = services.reconcile("vnpay", MONDAY.date())
    assert (again.matched, again.discrepancies) == (2, 2)
    assert Discrepancy.objects.count() == 3


def test_reconciliation_with_the_list_unavailable_fails_visibly(simulator, invoice):
    simulator.faults(api="500")
    run = services.reconcile("vnpay", MONDAY.date())
    assert run.status == ReconciliationRun.Status.FAILED and "500" in run.error


def test_finance_officer_resolves_a_discrepancy_with_a_note(simulator, invoice, finance):
    payment, url = start(invoice)
    pay(simulator, url, faults="wrong_amount")
    services.handle_callback("vnpay", dict(parse_qsl(simulator.ipns(payment.txn_ref, wait=1)[0]["query"])))
    discrepancy = Discrepancy.objects.get()
    with pytest.raises(services.NotAllowed):
        services.resolve_discrepancy(discrepancy.pk, finance["receptionist"], resolution="confirmed", note="ok")
    with pytest.raises(services.Invalid):
        services.resolve_discrepancy(discrepancy.pk, finance["head"], resolution="confirmed", note=" ")
    done = services.resolve_discrepancy(
        discrepancy.pk, finance["head"], resolution="confirmed", note="Checked with VNPay: 50.000 đ"
    )
    assert (done.resolved_by, done.resolution) == (finance["head"], "confirmed")
    with pytest.raises(services.Conflict):
        services.resolve_discrepancy(discrepancy.pk, finance["admin"], resolution="corrected", note="again")
    assert PaymentEvent.objects.filter(kind="discrepancy_resolved").exists()


def test_invoice_missing_after_a_crash_is_made_by_the_periodic_job(receive, invoice_of):
    dossier = receive(fees_collected=0)  # on_commit never ran: as if the process died right after
    assert invoice_of(dossier) is None
    with time_machine.travel(MONDAY + dt.timedelta(minutes=1), tick=False):
        assert services.open_missing_invoices() == 1
        assert services.open_missing_invoices() == 0
    assert invoice_of(dossier).status == Invoice.Status.OPEN
