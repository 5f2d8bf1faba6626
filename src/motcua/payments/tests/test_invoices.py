"""Invoices from the fee schedule at receipt, cash at the counter, exemptions, procedures whose time
limit starts at payment, and what happens to the fees when a dossier is refused or withdrawn."""

import datetime as dt
from types import SimpleNamespace

import pytest
import time_machine

from motcua.catalog.models import ProcedureVersion
from motcua.dossiers import services as dossiers
from motcua.dossiers.models import Event
from motcua.payments import services
from motcua.payments.models import Discrepancy, Invoice, Payment, PaymentEvent, Refund

from .conftest import BIRTH, BUILDING, CONTRACT, MONDAY, at, person

pytestmark = pytest.mark.django_db


def lines(invoice):
    return list(invoice.lines.values_list("kind", "name", "scheduled_amount", "amount", "exemption_reason"))


def test_fee_lines_follow_the_channel_and_the_date_of_receipt(small_catalog):
    version = ProcedureVersion.objects.get(procedure__code=CONTRACT)
    counter = SimpleNamespace(procedure_version=version, channel="in_person")
    online = SimpleNamespace(procedure_version=version, channel="online")
    assert [line.amount for line in services.fee_lines(counter, dt.date(2026, 1, 12))] == [50_000]
    assert [line.amount for line in services.fee_lines(online, dt.date(2026, 1, 12))] == [25_000]
    # The cheaper online fee is in force from 1/1/2026 only.
    assert [line.amount for line in services.fee_lines(online, dt.date(2025, 12, 31))] == [50_000]


def test_invoice_is_made_at_acceptance_and_cash_taken_at_reception_pays_it(accept, invoice_of):
    invoice = invoice_of(accept(fees_collected=50_000))
    assert (invoice.status, invoice.total, invoice.agency.identifier) == ("paid", 50_000, "H42.18073.01")
    assert lines(invoice) == [("fee", "Phí chứng thực hợp đồng", 50_000, 50_000, "")]
    (payment,) = invoice.payments.all()
    assert (payment.gateway, payment.status, payment.applied, payment.settled_by) == ("cash", "paid", True, "counter")
    assert payment.recorded_by.username == "tiepnhan"


def test_cash_at_reception_differing_from_the_fees_is_shown_as_a_discrepancy(accept, invoice_of):
    invoice = invoice_of(accept(BUILDING, fees_collected=50_000))
    assert (invoice.status, invoice.total) == ("open", 75_000)
    discrepancy = Discrepancy.objects.get()
    assert (discrepancy.kind, discrepancy.invoice, discrepancy.agency) == ("cash_mismatch", invoice, invoice.agency)
    assert "50.000 đ" in discrepancy.note and "75.000 đ" in discrepancy.note


def test_online_dossier_gets_the_lower_online_amount(
    province, small_catalog, officers, django_capture_on_commit_callbacks
):
    ProcedureVersion.objects.filter(procedure__code=CONTRACT).update(channels=["in_person", "online"])
    with time_machine.travel(MONDAY, tick=False):
        submitted = dossiers.submit_online(CONTRACT, province["thanh_sen_centre"], person())
        with django_capture_on_commit_callbacks(execute=True):
            dossiers.receive_existing(submitted.pk, officers["receptionist"])
    invoice = Invoice.objects.get(dossier=submitted)
    assert (invoice.channel, invoice.total, invoice.status) == ("online", 25_000, "open")


def test_lines_the_schedule_exempts_keep_zero_and_the_reason(accept, invoice_of):
    invoice = invoice_of(accept(BIRTH, fees_collected=0))
    assert lines(invoice) == [("charge", "Lệ phí đăng ký khai sinh", 0, 0, "Miễn lệ phí khi đăng ký đúng hạn")]
    assert (invoice.total, invoice.status) == (0, "paid")
    assert not services.receipt_available(invoice)


def test_officer_exempts_a_line_for_a_group_the_procedure_names(accept, invoice_of, finance):
    invoice = invoice_of(accept(fees_collected=0))
    line = invoice.lines.get()
    with pytest.raises(services.Invalid):
        services.exempt_line(invoice.pk, line.pk, finance["receptionist"], reason="  ")
    with pytest.raises(services.NotAllowed):
        services.exempt_line(invoice.pk, line.pk, finance["specialist"], reason="Người khuyết tật")
    services.exempt_line(invoice.pk, line.pk, finance["receptionist"], reason="Người có công với cách mạng")
    invoice.refresh_from_db()
    assert (invoice.total, invoice.status) == (0, "paid")
    assert lines(invoice) == [("fee", "Phí chứng thực hợp đồng", 50_000, 0, "Người có công với cách mạng")]


def test_receptionist_records_cash_exactly_once(accept, invoice_of, finance):
    invoice = invoice_of(accept(fees_collected=0))
    with pytest.raises(services.Invalid, match=r"50\.000 đ"):
        services.record_cash(invoice.pk, finance["receptionist"], amount=40_000)
    with pytest.raises(services.NotAllowed):
        services.record_cash(invoice.pk, finance["other_receptionist"], amount=50_000)
    payment = services.record_cash(invoice.pk, finance["receptionist"], amount=50_000, note="Biên lai giấy 0012")
    assert (payment.gateway, payment.applied) == ("cash", True)
    with pytest.raises(services.Conflict):
        services.record_cash(invoice.pk, finance["receptionist"], amount=50_000)
    assert Event.objects.filter(dossier=invoice.dossier, action="pay", actor=finance["receptionist"]).exists()


@pytest.fixture
def clock_after_payment(small_catalog):
    ProcedureVersion.objects.filter(procedure__code=BUILDING).update(clock_after_payment=True)


@pytest.mark.usefixtures("clock_after_payment")
def test_time_limit_starts_only_when_the_fees_are_paid(accept, invoice_of, finance):
    dossier = accept(BUILDING, when=at(2026, 1, 12, 9, 0), fees_collected=0)
    assert (dossier.clock_started_at, dossier.due_at, dossier.index_due_at) == (None, None, None)
    assert set(dossier.steps.values_list("due_at", flat=True)) == {None}
    invoice = invoice_of(dossier)
    assert invoice.clock_waits

    with time_machine.travel(at(2026, 1, 14, 10, 0), tick=False):
        services.record_cash(invoice.pk, finance["receptionist"], amount=75_000)
    dossier.refresh_from_db()
    assert dossier.clock_started_at == at(2026, 1, 14, 10, 0)
    # 15 working days from Wednesday 14/01 10:00.
    assert dossier.due_at == at(2026, 2, 4, 10, 0)
    assert dossier.original_due_at == dossier.index_due_at == dossier.due_at
    steps = list(dossier.steps.order_by("stage", "position"))
    assert all(s.due_at is not None and s.due_at <= dossier.due_at for s in steps)
    assert steps[-1].due_at == dossier.due_at
    event = Event.objects.get(dossier=dossier, action="pay")
    assert dt.datetime.fromisoformat(event.data["due_at"]) == dossier.due_at


@pytest.mark.usefixtures("clock_after_payment")
def test_fees_paid_at_the_counter_start_the_clock_at_acceptance(accept):
    dossier = accept(BUILDING, when=at(2026, 1, 12, 9, 0), fees_collected=75_000)
    assert dossier.clock_started_at == at(2026, 1, 12, 9, 0) and dossier.due_at is not None


@pytest.mark.usefixtures("clock_running")
def test_withdrawal_after_online_payment_refunds_through_the_gateway(
    accept, invoice_of, finance, simulator, client, django_capture_on_commit_callbacks
):
    dossier = accept(fees_collected=0)
    invoice = invoice_of(dossier)
    payment, started = services.start_payment(
        invoice.pk, "vnpay", method="VNBANK", return_url="http://testserver/r/", client_ip="127.0.0.1"
    )
    simulator.open_page(started.redirect_url)
    simulator.press(payment.txn_ref)
    (ipn,) = simulator.ipns(payment.txn_ref, wait=1)
    assert client.get("/thanh-toan/vnpay/ipn/?" + ipn["query"]).json()["RspCode"] == "00"

    with django_capture_on_commit_callbacks(execute=True):
        dossiers.withdraw(dossier.pk, finance["receptionist"], reasons="Người dân xin rút hồ sơ")
    refund = Refund.objects.get(payment=payment)
    assert (refund.cause, refund.status, refund.by_hand, refund.amount) == ("withdraw", "done", False, 50_000)
    invoice.refresh_from_db()
    assert invoice.status == "refunded"
    assert simulator.state()["transactions"][payment.txn_ref]["refunded"] == 50_000 * 100
    assert PaymentEvent.objects.filter(refund=refund, kind="refund_done").exists()


def test_refusal_after_cash_payment_asks_the_counter_to_give_it_back(
    accept, invoice_of, finance, django_capture_on_commit_callbacks
):
    dossier = accept(fees_collected=50_000)
    invoice = invoice_of(dossier)
    with time_machine.travel(at(2026, 1, 12, 10, 0), tick=False), django_capture_on_commit_callbacks(execute=True):
        dossiers.complete_step(dossier.pk, finance["receptionist"])
        dossiers.refuse(dossier.pk, finance["leader"], reasons="Hợp đồng không hợp lệ")
    refund = Refund.objects.get()
    assert (refund.cause, refund.status, refund.by_hand) == ("refuse", "requested", True)
    with pytest.raises(services.NotAllowed):
        services.mark_refunded_by_hand(refund.pk, finance["other_receptionist"])
    services.mark_refunded_by_hand(refund.pk, finance["receptionist"], note="Trả tiền mặt tại quầy 2")
    refund.refresh_from_db()
    invoice.refresh_from_db()
    assert (refund.status, refund.finished_by, invoice.status) == ("done", finance["receptionist"], "refunded")


def test_unpaid_invoice_is_cancelled_when_the_dossier_is_withdrawn(
    accept, invoice_of, finance, django_capture_on_commit_callbacks
):
    dossier = accept(fees_collected=0)
    with django_capture_on_commit_callbacks(execute=True):
        dossiers.withdraw(dossier.pk, finance["receptionist"])
    invoice = invoice_of(dossier)
    assert invoice.status == "cancelled" and not Refund.objects.exists()


def test_fees_of_a_dossier_closed_just_before_a_crash_are_settled_by_the_periodic_job(accept, invoice_of, finance):
    open_one, paid_one = accept(fees_collected=0), accept(fees_collected=50_000)
    with time_machine.travel(at(2026, 1, 12, 10, 0), tick=False):
        for dossier in (open_one, paid_one):
            dossiers.withdraw(dossier.pk, finance["receptionist"])  # on_commit never ran
    assert invoice_of(open_one).status == "open"
    with time_machine.travel(at(2026, 1, 12, 10, 1), tick=False):
        assert services.close_invoices_of_finished_dossiers() == 2
        assert services.close_invoices_of_finished_dossiers() == 0
    assert invoice_of(open_one).status == "cancelled"
    assert Refund.objects.get().payment.invoice == invoice_of(paid_one)


def test_no_refund_where_the_rules_keep_the_fees(
    accept, invoice_of, finance, settings, django_capture_on_commit_callbacks
):
    settings.PAYMENTS_REFUND_ON = "withdraw"
    dossier = accept(fees_collected=50_000)
    with time_machine.travel(at(2026, 1, 12, 10, 0), tick=False), django_capture_on_commit_callbacks(execute=True):
        dossiers.complete_step(dossier.pk, finance["receptionist"])
        dossiers.refuse(dossier.pk, finance["leader"], reasons="Không đủ điều kiện")
    assert not Refund.objects.exists()
    assert invoice_of(dossier).status == "paid"
    with time_machine.travel(at(2026, 1, 12, 10, 1), tick=False):
        assert services.close_invoices_of_finished_dossiers() == 0


@pytest.mark.usefixtures("clock_running")
def test_cash_after_an_online_attempt_then_the_online_success_is_refunded(
    accept, invoice_of, finance, simulator, client, django_capture_on_commit_callbacks
):
    invoice = invoice_of(accept(fees_collected=0))
    payment, started = services.start_payment(
        invoice.pk, "vnpay", return_url="http://testserver/r/", client_ip="127.0.0.1"
    )
    simulator.open_page(started.redirect_url)
    services.record_cash(invoice.pk, finance["receptionist"], amount=50_000)
    simulator.press(payment.txn_ref, bank="VCB")
    (ipn,) = simulator.ipns(payment.txn_ref, wait=1)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.get("/thanh-toan/vnpay/ipn/?" + ipn["query"]).json()["RspCode"] == "00"
    payment.refresh_from_db()
    assert (payment.status, payment.applied, payment.bank_code) == ("paid", False, "VCB")
    assert Refund.objects.get().payment == payment
    assert Payment.objects.filter(invoice=invoice, applied=True).get().gateway == "cash"


def test_the_payments_log_cannot_be_changed(accept, invoice_of):
    from django.db import DatabaseError, transaction

    invoice = invoice_of(accept(fees_collected=50_000))
    event = PaymentEvent.objects.filter(invoice=invoice).first()
    with pytest.raises(DatabaseError), transaction.atomic():
        PaymentEvent.objects.filter(pk=event.pk).update(kind="edited")
    with pytest.raises(DatabaseError), transaction.atomic():
        PaymentEvent.objects.filter(pk=event.pk).delete()


def test_pay_links_are_signed(accept, invoice_of):
    invoice = invoice_of(accept(fees_collected=0))
    token = services.pay_token(invoice)
    assert services.invoice_for_token(token) == invoice
    assert services.invoice_for_token(token[:-2] + "xx") is None
    assert services.invoice_for_token(invoice.reference) is None
