"""Officers see the messages that could not be sent and send them again, on a phone and a desktop."""

import pytest
from playwright.sync_api import expect

from motcua.backoffice.tests.conftest import flushable_events  # noqa: F401
from motcua.notifications.models import Message

from .conftest import set_fault

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("flushable_events"),
]

PASSWORD = "mat-khau-dai-1"


def test_officer_sends_a_failed_sms_again(
    live_server, sim, receive, officers, phone, desktop, screenshot, axe_violations
):
    set_fault(sim, gateway="104")
    dossier = receive()
    assert Message.objects.get(dossier=dossier, channel="sms").status == "failed"
    officer = officers["receptionist"]
    officer.set_password(PASSWORD)
    officer.save()
    for page, name in ((desktop, "desktop"), (phone, "phone")):
        page.goto(f"{live_server.url}/can-bo/dang-nhap/")
        page.get_by_label("Tên đăng nhập").fill("tiepnhan")
        page.get_by_label("Mật khẩu").fill(PASSWORD)
        page.get_by_role("button", name="Đăng nhập").click()
        page.wait_for_url(f"{live_server.url}/can-bo/")
        page.goto(f"{live_server.url}/can-bo/ho-so/{dossier.pk}/")
        expect(page.get_by_role("heading", name="Tin nhắn gửi người nộp hồ sơ")).to_be_visible()
        assert axe_violations(page) == []
        page.get_by_role("heading", name="Tin nhắn gửi người nộp hồ sơ").scroll_into_view_if_needed()
        screenshot(page, f"messages-dossier-{name}", full_page=False)
        page.goto(f"{live_server.url}/can-bo/tin-nhan/")
        expect(page.get_by_role("heading", level=1)).to_have_text("Tin nhắn gửi người nộp hồ sơ")
        expect(page.locator("tr.msg-failed")).to_contain_text("0912345678")
        assert axe_violations(page) == []
        screenshot(page, f"messages-list-{name}")

    set_fault(sim, gateway="")
    page = phone
    page.get_by_role("button", name="Gửi lại đến 0912345678").click()
    expect(page.get_by_role("status")).to_contain_text("Đã gửi lại tin nhắn đến 0912345678")
    expect(page.locator("tr.msg-failed")).to_have_count(0)
    screenshot(page, "messages-list-after-retry-phone")
    sim.wait_idle()
    assert Message.objects.get(dossier=dossier, channel="sms").status in ("sent", "delivered")
