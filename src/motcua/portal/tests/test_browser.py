"""A citizen on a phone finds a procedure by typing without accents and opens its page."""

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_citizen_searches_without_accents_and_opens_the_procedure(
    live_server, small_catalog, phone, screenshot, axe_violations
):
    phone.goto(f"{live_server.url}/thu-tuc/")
    assert axe_violations(phone) == []
    phone.get_by_label("Tìm thủ tục").fill("dang ky khai sinh")
    # Results follow the typing without a page load.
    expect(phone.locator(".result")).to_have_count(1)
    result = phone.get_by_role("link", name="Thủ tục đăng ký khai sinh")
    screenshot(phone, "catalogue-search-phone")
    result.click()
    phone.wait_for_url("**/thu-tuc/1.001193/")
    assert phone.get_by_role("heading", level=1).inner_text() == "Thủ tục đăng ký khai sinh"
    assert phone.get_by_role("cell", name="Giấy chứng sinh").is_visible()
    assert "Dự kiến có kết quả" in phone.content()
    screenshot(phone, "procedure-page-phone")
    assert axe_violations(phone) == []
    # Nothing on the page is wider than the phone's screen.
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360


def test_large_text_mode_and_english(live_server, small_catalog, phone):
    phone.goto(f"{live_server.url}/")
    phone.get_by_role("button", name="Chữ lớn").click()
    assert phone.evaluate("document.documentElement.classList.contains('large-text')")
    phone.reload()
    assert phone.evaluate("document.documentElement.classList.contains('large-text')")
    phone.get_by_role("button", name="English").click()
    phone.get_by_role("heading", name="Find an administrative procedure").wait_for()
