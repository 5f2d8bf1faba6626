"""The digitization page in a real browser: one page scanned, read, its values shown to check."""

import pytest
from playwright.sync_api import expect

from motcua.backoffice.tests import conftest as backoffice_fixtures
from motcua.dossiers.tests import conftest as dossier_fixtures

from .digitize_support import FORM_LINES, render

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("flushable_events"),
]
officers, receive = dossier_fixtures.officers, dossier_fixtures.receive
flushable_events = backoffice_fixtures.flushable_events
PASSWORD = "mat-khau-dai-1"


def test_digitize_one_component(live_server, officers, receive, desktop, screenshot, axe_violations):
    receptionist = officers["receptionist"]
    receptionist.set_password(PASSWORD)
    receptionist.save()
    dossier = receive()
    page, base = desktop, live_server.url
    page.goto(f"{base}/can-bo/dang-nhap/")
    page.get_by_label("Tên đăng nhập").fill("tiepnhan")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(f"{base}/can-bo/")

    page.goto(f"{base}/can-bo/ho-so/{dossier.pk}/")
    page.get_by_role("link", name="Số hóa thành phần hồ sơ giấy").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Số hóa thành phần hồ sơ giấy")
    assert axe_violations(page) == []

    page.get_by_label("Các trang đã quét").set_input_files(
        files=[{"name": "trang-1.png", "mimeType": "image/png", "buffer": render(FORM_LINES)}]
    )
    page.get_by_role("button", name="Số hóa", exact=True).click()
    expect(page.get_by_text("Đã số hóa", exact=True)).to_be_visible(timeout=30_000)
    expect(page.get_by_role("textbox", name="Số định danh cá nhân")).to_have_value("042190000123")
    expect(page.get_by_role("textbox", name="Họ và tên")).to_have_value("Nguyễn Thị Lan")
    assert axe_violations(page) == []
    screenshot(page, "digitize-component-desktop")
    page.set_viewport_size({"width": 360, "height": 740})  # a phone-sized window at the counter
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(page, "digitize-component-narrow")
