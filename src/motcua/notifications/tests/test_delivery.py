"""Messages of a dossier's life reach a real SMTP server and the SMS gateway over HTTP; failures
are retried with backoff, then shown to officers, who can send them again."""

import datetime as dt
import json
import threading
import urllib.request

import pytest
import time_machine
from django.utils import translation

from motcua.dossiers import services as dossiers
from motcua.notifications import services, simulator, tasks
from motcua.notifications.models import DeliveryReport, Message

from .conftest import at, set_fault

pytestmark = pytest.mark.django_db


def messages(**filters):
    return list(Message.objects.filter(**filters).order_by("id"))


def test_a_received_dossier_tells_the_applicant_by_email_and_sms(sim, receive, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        dossier = receive()
    sim.wait_idle()
    email, sms = messages(dossier=dossier, purpose="receive")
    assert (email.channel, email.recipient, email.status) == ("email", "lan@example.com", "sent")
    assert (sms.channel, sms.recipient, sms.status) == ("sms", "0912345678", "sent")
    [mail] = sim.state()["emails"]
    assert mail["to"] == ["lan@example.com"] and dossier.code in mail["subject"]
    assert mail["subject"] == f"[{dossier.code}] Hồ sơ của ông/bà đã được tiếp nhận"
    assert "Kính gửi ông/bà Nguyễn Thị Lan," in mail["body"]
    assert f"Mã hồ sơ: {dossier.code}" in mail["body"]
    assert "14/01/2026 09:00" in mail["body"]  # the appointment, Vietnamese time
    assert dossier.secret in mail["body"] and "http://127.0.0.1:9/tra-cuu/" in mail["body"]
    [text] = sim.state()["sms"]
    assert text["phone"] == "0912345678" and dossier.code in text["content"]
    assert text["content"].isascii()  # folded: no accents by default

    with django_capture_on_commit_callbacks(execute=True), time_machine.travel(at(2026, 1, 12, 10, 0), tick=False):
        dossiers.withdraw(dossier.pk, None, reasons="Tôi nộp nhầm thủ tục")
    subjects = [m["subject"] for m in sim.state()["emails"]]
    assert subjects[-1] == f"[{dossier.code}] Hồ sơ của ông/bà đã dừng theo đề nghị"


def test_actions_of_officers_alone_tell_nobody(sim, receive, officers, django_capture_on_commit_callbacks):
    dossier = receive()
    with django_capture_on_commit_callbacks(execute=True), time_machine.travel(at(2026, 1, 12, 10, 0), tick=False):
        dossiers.complete_step(dossier.pk, officers["receptionist"])
    assert not Message.objects.exclude(purpose="receive").exists()


def test_messages_are_in_vietnamese_whatever_the_officers_language(receive):
    with translation.override("en"):
        dossier = receive()
    email = Message.objects.get(dossier=dossier, channel="email")
    assert email.subject.endswith("Hồ sơ của ông/bà đã được tiếp nhận")
    assert "Ngày hẹn trả kết quả: 14/01/2026 09:00." in email.body


def test_a_supplement_request_lists_what_is_missing_and_until_when(receive):
    dossier = receive(outcome="supplement", reasons="Thiếu giấy tờ", items=["Bản sao CCCD", "Giấy ủy quyền"])
    email = Message.objects.get(dossier=dossier, channel="email")
    assert "Bản sao CCCD; Giấy ủy quyền" in email.body and "Thiếu giấy tờ" in email.body
    assert "/2026 " in email.body.split("trước")[-1]  # the deadline, dd/mm/yyyy HH:MM


def test_unicode_sms_keeps_accents_and_stays_within_three_parts(settings, receive):
    settings.NOTIFICATIONS_SMS_UNICODE = True
    dossier = receive()
    sms = Message.objects.get(dossier=dossier, channel="sms")
    assert "Hồ sơ" in sms.body and len(sms.body) <= 3 * 67


def test_sms_is_delivered_and_the_gateways_report_is_recorded(sim, settings, live_server):
    settings.MOTCUA_SITE_URL = live_server.url
    message = services.send_one_time_code("+84 912 345 678", "123456", "login")
    tasks.deliver.enqueue(message.pk)  # outside a transaction, on_commit ran at once already
    sim.wait_idle()
    message.refresh_from_db()
    assert message.status == "delivered" and message.delivered_at and message.provider_message_id
    [text] = sim.state()["sms"]
    assert text["phone"] == "0912345678" and text["RequestId"] == f"motcua-{message.pk}"
    assert "123456" in text["content"] and "5 phut" in text["content"]
    [callback] = sim.state()["callbacks"]
    assert callback["http"] == 200 and json.loads(callback["reply"]) == {"result": "updated"}
    # The same report again changes nothing; a wrong token is not found.
    url = callback["url"]
    with urllib.request.urlopen(url) as response:  # noqa: S310 - the test's live server
        assert json.loads(response.read()) == {"result": "unchanged"}
    assert DeliveryReport.objects.filter(message=message).count() == 2
    bad = url.replace("/test-token/", "/wrong/")
    with pytest.raises(urllib.error.HTTPError) as error:
        urllib.request.urlopen(bad)  # noqa: S310
    assert error.value.code == 404


def test_a_failed_delivery_report_marks_the_message_failed(sim, client):
    set_fault(sim, delivery="failed")
    message = services.send_one_time_code("0912345678", "654321", "login")
    services.deliver(message.pk)
    sim.wait_idle()
    [text] = sim.state()["sms"]
    params = {"SMSID": text["SMSID"], "SendStatus": "5", "SendSuccess": "0", "SendFailed": "1", "RequestId": ""}
    assert client.get("/thong-bao/esms/test-token/", params).json() == {"result": "updated"}
    message.refresh_from_db()
    assert message.status == "failed" and message.last_error == "eSMS SendStatus 5, failed 1"
    # A late "delivered" for an SMS already reported failed is believed: the phone did get it.
    params.update(SendSuccess="1", SendFailed="0")
    assert client.get("/thong-bao/esms/test-token/", params).json() == {"result": "updated"}
    message.refresh_from_db()
    assert message.status == "delivered"


@pytest.mark.parametrize("fault", ["500", "timeout", "103"])
def test_a_gateway_that_fails_is_retried_later_with_backoff(sim, fault):
    set_fault(sim, gateway=fault)
    start = at(2026, 1, 12, 9, 0)
    with time_machine.travel(start, tick=False):
        message = services.send_one_time_code("0912345678", "111111", "login")
        assert services.deliver(message.pk) == "queued"
        assert services.deliver(message.pk) == "skipped"  # not due yet
    message.refresh_from_db()
    assert message.attempts == 1 and message.next_attempt_at == start + dt.timedelta(minutes=1)
    assert message.last_error
    set_fault(sim, gateway="")
    with time_machine.travel(start + dt.timedelta(minutes=2), tick=False):
        assert tasks.send_due_messages.call() == 1
    message.refresh_from_db()
    assert message.status == "sent" and message.attempts == 2 and message.last_error == ""
    assert len(sim.state()["sms"]) == 1


def test_after_the_last_retry_the_message_fails(sim):
    set_fault(sim, gateway="500")
    when = at(2026, 1, 12, 9, 0)
    with time_machine.travel(when, tick=False):
        message = services.send_one_time_code("0912345678", "222222", "login")
    for wait in (0, 1, 5, 15, 60):
        when += dt.timedelta(minutes=wait)
        with time_machine.travel(when, tick=False):
            services.deliver(message.pk)
    message.refresh_from_db()
    assert (message.status, message.attempts, message.next_attempt_at) == ("failed", 5, None)
    assert "500" in message.last_error


def test_a_refused_message_fails_at_once_and_an_officer_sends_it_again(
    sim, receive, officers, client, django_capture_on_commit_callbacks
):
    set_fault(sim, gateway="104")  # brandname refused
    with django_capture_on_commit_callbacks(execute=True):
        dossier = receive()
    sms = Message.objects.get(dossier=dossier, channel="sms")
    assert sms.status == "failed" and sms.attempts == 1 and "104" in sms.last_error
    client.force_login(officers["receptionist"])
    page = client.get("/can-bo/tin-nhan/").content.decode()
    assert dossier.code in page and "Gửi lại" in page and "104" in page
    assert page.index("0912345678") < page.index("lan@example.com")  # failures first
    detail = client.get(f"/can-bo/ho-so/{dossier.pk}/").content.decode()
    assert "Tin nhắn gửi người nộp" in detail and "Không gửi được" in detail
    set_fault(sim, gateway="")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/can-bo/tin-nhan/{sms.pk}/gui-lai/")
    assert response.status_code == 302
    sms.refresh_from_db()
    assert sms.status == "sent" and len(sim.state()["sms"]) == 1
    # Another centre's officer neither sees nor retries it.
    client.force_login(officers["other_receptionist"])
    assert dossier.code not in client.get("/can-bo/tin-nhan/").content.decode()
    assert client.post(f"/can-bo/tin-nhan/{sms.pk}/gui-lai/").status_code == 403


def test_a_message_left_sending_by_a_dead_worker_is_sent_by_the_sweep(sim):
    message = services.send_one_time_code("0912345678", "333333", "login")
    now = at(2026, 1, 12, 9, 0)
    Message.objects.filter(pk=message.pk).update(status="sending", attempts=1, next_attempt_at=now)
    with time_machine.travel(now - dt.timedelta(minutes=1), tick=False):
        assert tasks.send_due_messages.call() == 0  # its claim has not lapsed yet
    with time_machine.travel(now + dt.timedelta(seconds=1), tick=False):
        assert tasks.send_due_messages.call() == 1
    message.refresh_from_db()
    assert message.status == "sent" and message.attempts == 2


def test_the_gateway_never_sends_the_same_message_twice(sim):
    """A second attempt after a lost answer: the gateway knows the RequestId and sends nothing."""
    message = services.send_one_time_code("0912345678", "444444", "login")
    services.deliver(message.pk)
    Message.objects.filter(pk=message.pk).update(status="queued", next_attempt_at=None)
    services.deliver(message.pk)
    assert len(sim.state()["sms"]) == 1
    message.refresh_from_db()
    assert message.status == "sent" and message.attempts == 2


@pytest.mark.django_db(transaction=True)
def test_two_workers_racing_for_one_message_send_it_once(sim):
    message = services.send_one_time_code("someone@example.com", "555555", "login")
    Message.objects.filter(pk=message.pk).update(status="queued", next_attempt_at=None, attempts=0)
    sim.emails.clear()
    barrier, results = threading.Barrier(2), []

    def worker():
        from django.db import OperationalError, connection

        barrier.wait()
        try:
            results.append(services.deliver(message.pk))
        except OperationalError:
            # SQLite's in-memory test database may refuse the second writer outright: it sends nothing.
            results.append("skipped")
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == ["sent", "skipped"]
    assert len(sim.state()["emails"]) == 1
    message.refresh_from_db()
    assert message.attempts == 1


def test_one_time_code_by_email(sim, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        message = services.send_one_time_code("an@example.com", "987654", "register")
    message.refresh_from_db()
    assert message.status == "sent" and message.dossier is None and message.purpose == "register"
    [mail] = sim.state()["emails"]
    assert mail["subject"] == "Mã xác thực của bạn"
    assert mail["body"].strip() == (
        "Mã xác thực motcua của bạn là 987654, có hiệu lực 5 phút. Không chia sẻ mã này cho ai."
    )


def test_a_destination_that_is_neither_phone_nor_address_is_refused(db):
    from motcua.core.errors import Invalid

    with pytest.raises(Invalid):
        services.send_one_time_code("12345", "111111", "login")
    assert not Message.objects.exists()


def test_simulator_inbox_lists_newest_first(sim):
    gateway = simulator.Gateway(delivery_delay=0)
    assert "Chưa có tin nhắn" in simulator._inbox(gateway)
    services.deliver(services.send_one_time_code("0912345678", "121212", "login").pk)
    services.deliver(services.send_one_time_code("b@example.com", "343434", "login").pk)
    page = urllib.request.urlopen(sim.url + "/").read().decode()  # noqa: S310
    assert page.index("343434") < page.index("121212")


def test_a_channel_that_breaks_leaves_the_message_queued_for_a_retry(db, settings):
    settings.ESMS_URL = "https://rest.esms.example"  # a real gateway without keys: a setup mistake
    settings.ESMS_API_KEY = settings.ESMS_SECRET_KEY = ""
    message = services.send_one_time_code("0912345678", "565656", "login")
    assert services.deliver(message.pk) == "queued"
    message.refresh_from_db()
    assert message.status == "queued" and "ESMS_API_KEY" in message.last_error
