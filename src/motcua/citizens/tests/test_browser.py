"""On a phone: sign up with a phone number, read the code from the text message, enter it, land
logged in; and log in through the identity provider. axe-core finds nothing serious on any page."""

import re

import pytest
from django.test import override_settings

from motcua.citizens import oidc_provider
from motcua.citizens.models import Profile

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def last_code(phone: str) -> str:
    from motcua.notifications.models import Message

    message = Message.objects.filter(recipient=phone).order_by("-created_at", "-pk").first()
    return re.search(r"\b(\d{6})\b", message.body).group(1)


def test_sign_up_on_a_phone(live_server, phone, screenshot, axe_violations):
    page = phone
    page.goto(f"{live_server.url}/")
    page.get_by_role("link", name="Đăng ký").click()
    assert axe_violations(page) == []
    screenshot(page, "accounts-1-sign-up")

    page.get_by_label("Số điện thoại di động hoặc e-mail").fill("0987 654 321")
    page.get_by_label("Họ và tên").fill("Nguyễn Thị Mai")
    page.get_by_label("Mật khẩu").fill("123")
    page.get_by_role("button", name="Tiếp tục").click()
    # A weak password: said next to the field, what was typed is still there.
    assert page.locator("#err_password").is_visible()
    assert page.get_by_label("Họ và tên").input_value() == "Nguyễn Thị Mai"
    assert axe_violations(page) == []
    screenshot(page, "accounts-2-sign-up-error")

    page.get_by_label("Mật khẩu").fill("Hoa-sen-2026")
    page.get_by_role("button", name="Tiếp tục").click()
    code_input = page.get_by_label("Mã xác nhận")
    assert code_input.get_attribute("inputmode") == "numeric"
    assert code_input.get_attribute("autocomplete") == "one-time-code"
    assert "098****321" in page.content()
    assert axe_violations(page) == []
    screenshot(page, "accounts-3-code")

    code_input.fill(last_code("0987654321"))
    page.get_by_role("button", name="Xác nhận").click()
    page.wait_for_url(f"{live_server.url}/tai-khoan/")
    assert page.get_by_role("heading", name="Tài khoản của tôi").is_visible()
    assert page.get_by_role("link", name="Hồ sơ của tôi").is_visible()
    assert Profile.objects.get(phone="0987654321").full_name == "Nguyễn Thị Mai"
    assert axe_violations(page) == []
    screenshot(page, "accounts-4-account")

    page.get_by_role("link", name="Doanh nghiệp, tổ chức tôi đại diện").click()
    assert axe_violations(page) == []
    screenshot(page, "accounts-5-organisations")

    page.get_by_role("button", name="Đăng xuất").first.click()
    page.get_by_role("link", name="Đăng nhập").first.click()
    assert axe_violations(page) == []
    screenshot(page, "accounts-6-login")
    page.get_by_role("link", name="Quên mật khẩu?").click()
    assert axe_violations(page) == []
    screenshot(page, "accounts-7-forgot")


def test_log_in_with_the_identity_provider_on_a_phone(live_server, phone, screenshot, axe_violations):
    callback = f"{live_server.url}/tai-khoan/dinh-danh/ve/"
    idp = oidc_provider.Provider(clients={"motcua-test": oidc_provider.Client("motcua-test", "s3cret", [callback])})
    server = oidc_provider.start_in_thread(idp)
    try:
        with override_settings(
            MOTCUA_OIDC_ISSUER=idp.issuer, MOTCUA_OIDC_CLIENT_ID="motcua-test", MOTCUA_OIDC_CLIENT_SECRET="s3cret"
        ):
            page = phone
            page.goto(f"{live_server.url}/tai-khoan/dang-nhap/")
            assert axe_violations(page) == []
            screenshot(page, "accounts-8-login-with-vneid")
            page.get_by_role("link", name="Đăng nhập bằng tài khoản định danh điện tử (VNeID)").click()
            page.get_by_label(re.compile("Trần Thị Bình")).check()
            screenshot(page, "accounts-9-provider")
            page.get_by_role("button", name="Đồng ý").click()
            page.wait_for_url(f"{live_server.url}/tai-khoan/")
            assert page.get_by_label("Số định danh cá nhân").input_value() == "042185004321"
            assert axe_violations(page) == []
            screenshot(page, "accounts-10-linked-account")
            page.get_by_role("link", name="Doanh nghiệp, tổ chức tôi đại diện").click()
            assert page.get_by_text("Hợp tác xã Nông nghiệp Thạch Hà").is_visible()
            screenshot(page, "accounts-11-verified-organisation")
    finally:
        server.shutdown()
        server.server_close()
