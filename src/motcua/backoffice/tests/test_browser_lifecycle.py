"""A dossier's life through the back office in a real browser: received at the counter, handed over
by the specialist, approved by the leader, returned by the receptionist."""

import re

import pytest
from playwright.sync_api import expect

from motcua.dossiers.tests.conftest import PDF

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("flushable_events"),
]

PASSWORD = "mat-khau-dai-1"


@pytest.fixture
def staff(officers):
    for user in officers.values():
        user.set_password(PASSWORD)
        user.save()
    return officers


def log_in(page, base, username):
    page.context.clear_cookies()
    page.goto(f"{base}/can-bo/dang-nhap/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(f"{base}/can-bo/")


def open_dossier(page, code):
    page.get_by_role("link", name=code).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(code)


def test_dossier_from_the_counter_to_the_returned_result(
    live_server, small_catalog, staff, desktop, phone, screenshot, axe_violations
):
    base = live_server.url
    page = desktop
    log_in(page, base, "tiepnhan")
    screenshot(page, "backoffice-queues-empty-desktop")
    page.get_by_role("link", name="Tiếp nhận hồ sơ").click()

    # The procedure, typed without accents, is suggested as one types.
    page.get_by_label("Thủ tục").fill("chung thuc giao dich")
    suggestion = page.get_by_role("link", name=re.compile("Chứng thực giao dịch"))
    expect(suggestion).to_be_visible()
    # Chosen from the keyboard, as at a busy counter.
    page.keyboard.press("ArrowDown")
    expect(suggestion).to_be_focused()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*procedure=2\.001035"))
    # Focus waits on the first document of the checklist.
    expect(page.get_by_label("Dự thảo hợp đồng, giao dịch")).to_be_focused()
    assert axe_violations(page) == []
    screenshot(page, "reception-form-desktop")

    page.get_by_label("Dự thảo hợp đồng, giao dịch").check()
    page.get_by_label("Bản quét").set_input_files(
        files=[{"name": "hop-dong.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    page.get_by_label("Số định danh cá nhân (12 số)").fill("04219000012")  # one digit short
    page.get_by_label("Họ và tên").fill("Nguyễn Thị Lan")
    page.get_by_label("Ngày sinh").fill("1990-05-01")
    page.get_by_label(re.compile(r"^Địa chỉ( \*)?$")).fill("Số 5, đường Trần Phú, phường Thành Sen")
    page.get_by_label("Điện thoại").fill("0912345678")
    page.get_by_role("button", name="Tiếp nhận (Mẫu 01)").click()

    # The mistake is shown at the field, with everything typed still there, but the scan must be chosen again.
    expect(page.locator("#err_applicant_id_number")).to_contain_text("12")
    expect(page.get_by_label("Họ và tên")).to_have_value("Nguyễn Thị Lan")
    expect(page.get_by_label("Dự thảo hợp đồng, giao dịch")).to_be_checked()
    expect(page.locator(".error-summary")).to_contain_text("chọn lại bản quét")
    assert axe_violations(page) == []
    screenshot(page, "reception-error-desktop")
    page.get_by_label("Số định danh cá nhân (12 số)").fill("042190000123")
    page.get_by_label("Bản quét").set_input_files(
        files=[{"name": "hop-dong.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    page.get_by_role("button", name="Tiếp nhận (Mẫu 01)").click()

    page.wait_for_url(re.compile(r".*/can-bo/ho-so/\d+/$"))
    code = page.get_by_role("heading", level=1).inner_text()
    assert re.fullmatch(r"H42\.18073-\d{6}-0001", code)
    expect(page.locator(".messages")).to_contain_text(f"Đã tiếp nhận hồ sơ {code}")
    expect(page.get_by_role("link", name="In Mẫu 01")).to_be_visible()
    assert axe_violations(page) == []
    screenshot(page, "dossier-received-desktop")

    # The same dossier on the receptionist's phone, with his actions.
    dossier_url = page.url
    log_in(phone, base, "tiepnhan")
    phone.goto(dossier_url)
    screenshot(phone, "dossier-received-phone")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    assert axe_violations(phone) == []

    # The receptionist hands the dossier over; the page updates without a reload.
    page.get_by_role("button", name="Hoàn thành và chuyển tiếp").click()
    expect(page.locator(".flash.ok")).to_contain_text("Đã hoàn thành bước của bạn")

    log_in(page, base, "chuyenvien")
    open_dossier(page, code)
    page.get_by_label("Ghi chú cho bước tiếp theo").fill("Hồ sơ hợp lệ, trình ký")
    page.get_by_role("button", name="Hoàn thành và chuyển tiếp").click()
    expect(page.locator(".flash.ok")).to_be_visible()

    log_in(page, base, "lanhdao")
    page.get_by_role("link", name=re.compile("Chờ ký duyệt")).click()
    expect(page.get_by_role("link", name=code)).to_be_visible()
    screenshot(page, "queue-to-sign-desktop")
    open_dossier(page, code)
    screenshot(page, "dossier-to-sign-desktop")
    page.get_by_role("button", name="Phê duyệt", exact=True).click()
    expect(page.locator(".flash.ok")).to_contain_text("Đã phê duyệt")
    expect(page.locator(".status")).to_have_text("Đã có kết quả")

    log_in(page, base, "tiepnhan")
    page.get_by_role("link", name=re.compile("Chờ trả kết quả")).click()
    open_dossier(page, code)
    page.get_by_role("button", name="Đã trả kết quả").click()
    expect(page.locator(".flash.ok")).to_contain_text("Đã trả kết quả")
    expect(page.get_by_role("cell", name="Hồ sơ hợp lệ, trình ký")).to_be_visible()
    screenshot(page, "dossier-returned-desktop")

    # The register of the centre, chosen by centre and days.
    page.get_by_role("link", name="Sổ theo dõi hồ sơ").click()
    expect(page.get_by_label("Trung tâm phục vụ hành chính công")).to_have_value(re.compile(r"\d+"))
    assert axe_violations(page) == []
    screenshot(page, "register-desktop")

    # The other pages on a phone: nothing wider than the screen.
    phone.goto(f"{base}/can-bo/")
    screenshot(phone, "queues-phone")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    phone.goto(f"{base}/can-bo/tiep-nhan/?procedure=1.001193")
    screenshot(phone, "reception-form-phone")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    assert axe_violations(phone) == []
    phone.goto(page.url)
    screenshot(phone, "dossier-returned-phone")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    assert axe_violations(phone) == []
