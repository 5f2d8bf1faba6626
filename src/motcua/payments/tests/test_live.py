"""Live: motcua serving HTTP in a process of its own, the VNPay simulator calling it back over
HTTP. An applicant pays through the pages end to end; two IPNs race for one order; and motcua is
killed (SIGKILL) between the gateway's success and the IPN, after which the periodic query
settles the payment."""

import datetime as dt
import re
from urllib.parse import parse_qsl, urlsplit

import pytest
import time_machine
from django.core.management import call_command

from motcua.dossiers.models import Event
from motcua.payments import services
from motcua.payments import simulator as sim
from motcua.payments.contrib.vnpay import protocol
from motcua.payments.models import Invoice, Payment, PaymentEvent

from .conftest import MONDAY, Simulator
from .live import Browser, MotcuaServer, SharedDatabase, free_port

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def live(province, small_catalog, officers, tmp_path, settings):
    """Committed fixtures shared with a motcua server process and a simulator calling it back."""
    with time_machine.travel(MONDAY, tick=True):
        port = free_port()
        gateway = sim.Gateway(
            tmn_code=protocol.DEMO_TMN_CODE,
            hash_secret=protocol.DEMO_HASH_SECRET,
            ipn_url=f"http://127.0.0.1:{port}/thanh-toan/vnpay/ipn/",
            timeout=3,
        )
        server = sim.start_in_thread(gateway)
        simulator = Simulator(gateway, server)
        settings.VNPAY_PAYMENT_URL = simulator.url + sim.PAY_PATH
        settings.VNPAY_API_URL = simulator.url + sim.API_PATH
        database = SharedDatabase(tmp_path)
        with database.use():
            motcua = MotcuaServer(
                database.url, port=port, simulator_url=simulator.url, at=MONDAY.isoformat(), tmp_path=tmp_path
            )
            try:
                yield motcua, simulator
            finally:
                motcua.stop()
                server.shutdown()
                server.server_close()


def received(officers, receive_code="2.001035"):
    """A dossier accepted at the counter with no fees taken (its invoice made after the commit)."""
    from motcua.dossiers import services as dossiers
    from motcua.dossiers.tests.conftest import PDF, person

    reception = dossiers.Reception(
        procedure_code=receive_code,
        applicant=person(),
        documents=[dossiers.Upload(name="Dự thảo hợp đồng", form="original", filename="hd.pdf", content=PDF)],
    )
    from motcua.agencies.models import Agency

    centre = Agency.objects.get(identifier="H42.18073.01")
    dossier = dossiers.receive_at_counter(officers["receptionist"], centre, reception, "receive")
    return Invoice.objects.get(dossier=dossier)


def start_through_the_pay_page(browser, motcua, invoice, method="VNBANK") -> str:
    """The applicant opens the link from his message and chooses a way to pay; returns the
    gateway's payment URL motcua redirects him to."""
    token = services.pay_token(invoice)
    status, _headers, page = browser.open(f"{motcua.url}/thanh-toan/{token}/")
    assert status == 200 and b"50.000" in page and b"VietQR" in page and b"<svg" in page
    status, headers, _body = browser.open(
        f"{motcua.url}/thanh-toan/{token}/vnpay/", {"csrfmiddlewaretoken": browser.csrf(page), "method": method}
    )
    assert status == 302, _body[:500]
    return headers["Location"]


def test_applicant_pays_through_the_pages_and_gets_the_receipt(live, officers):
    motcua, simulator = live
    with time_machine.travel(MONDAY + dt.timedelta(seconds=5), tick=True):
        invoice = received(officers)
        browser = Browser()
        pay_url = start_through_the_pay_page(browser, motcua, invoice)
        assert pay_url.startswith(simulator.url + "/paymentv2/vpcpay.html?")
        status, _h, page = browser.open(pay_url)
        assert status == 200 and "Thanh toán".encode() in page
        txn_ref = dict(parse_qsl(urlsplit(pay_url).query))["vnp_TxnRef"]
        returned = simulator.press(txn_ref)
        (ipn,) = simulator.ipns(txn_ref, wait=1)
        assert ipn["reply"] == {"RspCode": "00", "Message": "Confirm Success"}

        status, _h, page = browser.open(f"{motcua.url}/thanh-toan/vnpay/tra-ve/?{sim_query(returned)}")
        assert status == 200 and "xác nhận".encode() in page
        invoice.refresh_from_db()
        assert invoice.status == "paid"
        status, headers, pdf = browser.open(f"{motcua.url}/thanh-toan/{services.pay_token(invoice)}/bien-lai.pdf")
        assert status == 200 and headers["Content-Type"] == "application/pdf" and pdf.startswith(b"%PDF")


def sim_query(params: dict) -> str:
    return protocol.signed_query(params, protocol.DEMO_HASH_SECRET)


def test_two_callbacks_racing_pay_once(live, officers):
    motcua, simulator = live
    with time_machine.travel(MONDAY + dt.timedelta(seconds=5), tick=True):
        invoice = received(officers)
        payment, started = services.start_payment(
            invoice.pk, "vnpay", return_url=f"{motcua.url}/thanh-toan/vnpay/tra-ve/", client_ip="127.0.0.1"
        )
        simulator.open_page(started.redirect_url)
        simulator.press(payment.txn_ref, faults="race")
        ipns = simulator.ipns(payment.txn_ref, wait=2)
    assert sorted(i["reply"]["RspCode"] for i in ipns) == ["00", "02"]
    assert abs(ipns[0]["sent_at"] - ipns[1]["sent_at"]) < 0.5  # they did race
    payment.refresh_from_db()
    assert (payment.status, payment.applied) == ("paid", True)
    assert Payment.objects.filter(invoice=invoice, status="paid").count() == 1
    assert Event.objects.filter(dossier=invoice.dossier, action="pay").count() == 1
    assert list(PaymentEvent.objects.filter(payment=payment, source="callback").values_list("kind", flat=True)) in (
        ["paid", "duplicate"],
    )


def test_motcua_killed_between_the_gateways_success_and_the_ipn_is_settled_by_the_query(live, officers):
    motcua, simulator = live
    with time_machine.travel(MONDAY + dt.timedelta(seconds=5), tick=True):
        invoice = received(officers)
        browser = Browser()
        pay_url = start_through_the_pay_page(browser, motcua, invoice, method="VNPAYQR")
        txn_ref = dict(parse_qsl(urlsplit(pay_url).query))["vnp_TxnRef"]
        simulator.open_page(pay_url)
        simulator.press(txn_ref, faults="delay:1")  # the gateway took the money; its IPN is on its way
        motcua.kill()
        (ipn,) = simulator.ipns(txn_ref, wait=1)
        assert "reply" not in ipn and re.search("refused|reset|closed", ipn["error"], re.IGNORECASE), ipn
        payment = Payment.objects.get(txn_ref=txn_ref)
        assert payment.status == "pending"

    # motcua is back (another process); a few minutes later the periodic job asks the gateway.
    with time_machine.travel(MONDAY + dt.timedelta(minutes=5), tick=True):
        call_command("payments_settle", verbosity=0)
    payment.refresh_from_db()
    invoice.refresh_from_db()
    assert (payment.status, payment.settled_by, payment.applied, invoice.status) == ("paid", "query", True, "paid")
    assert Event.objects.filter(dossier=invoice.dossier, action="pay").count() == 1
