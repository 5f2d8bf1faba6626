"""A commune leader opens the index dashboard in a real browser, on a 360-pixel phone and on a
desktop, picks March 2026, clicks the on-time figure and finds the late dossiers, each with the step
that made it late; axe-core finds nothing serious on these pages nor on the public transparency page."""

import pytest
from playwright.sync_api import expect

from motcua.backoffice.tests.conftest import flushable_events  # noqa: F401 — fixture
from motcua.metrics import facts, seeds
from motcua.metrics.models import Group, Indicator, Scheme

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("flushable_events"),
]

PASSWORD = "mat-khau-dai-1"


@pytest.fixture
def march(march_dossiers, officers):
    # The schemes come with a data migration, which an earlier test's flush may have emptied.
    seeds.load(Scheme, Group, Indicator)
    facts.store(d.pk for d in march_dossiers.values())
    leader = officers["leader"]
    leader.set_password(PASSWORD)
    leader.save()
    return march_dossiers


def log_in(page, base):
    page.context.clear_cookies()
    page.goto(f"{base}/can-bo/dang-nhap/")
    page.get_by_label("Tên đăng nhập").fill("lanhdao")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(f"{base}/can-bo/")


def open_march(page, base):
    page.goto(f"{base}/can-bo/chi-so/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Chỉ số phục vụ người dân, doanh nghiệp")
    page.get_by_label("Kỳ báo cáo", exact=True).select_option(label="Tháng 3")
    page.get_by_label("Năm", exact=True).fill("2026")
    page.get_by_role("button", name="Xem").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Ủy ban nhân dân phường Thành Sen — Tháng 3/2026")


def test_a_leader_follows_the_on_time_figure_to_the_late_dossiers(
    live_server, march, phone, desktop, screenshot, axe_violations
):
    base = live_server.url
    for page, device in ((phone, "phone"), (desktop, "desktop")):
        log_in(page, base)
        open_march(page, base)
        # 2.1: 5 of 8 on time.
        expect(page.get_by_text("5/8 hồ sơ (đã kết thúc xử lý trong kỳ")).to_be_visible()
        expect(page.get_by_role("img", name="Tổng điểm và tỷ lệ đúng hạn theo từng tháng")).to_be_visible()
        assert axe_violations(page) == []
        screenshot(page, f"metrics-dashboard-{device}")

        page.get_by_role("link", name="3 hồ sơ trễ hạn").click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("Hồ sơ trễ hạn")
        for name in "FDC":
            expect(page.get_by_role("link", name=march[name].code)).to_be_visible()
        expect(page.get_by_role("link", name=march["A"].code)).to_have_count(0)
        # D was never taken up: its reception step at the centre is still waiting, past its due time.
        d_row = page.get_by_role("row").filter(has=page.get_by_role("link", name=march["D"].code))
        expect(d_row).to_contain_text("Tiếp nhận — Trung tâm Phục vụ hành chính công phường Thành Sen")
        expect(d_row).to_contain_text("chưa xong")
        assert axe_violations(page) == []
        screenshot(page, f"metrics-late-dossiers-{device}")

        page.get_by_role("link", name=march["D"].code).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(march["D"].code)


def test_the_transparency_page_on_a_phone_and_a_desktop(live_server, march, phone, desktop, screenshot, axe_violations):
    for page, device in ((phone, "phone"), (desktop, "desktop")):
        page.goto(f"{live_server.url}/minh-bach/")
        expect(page.get_by_role("heading", level=1)).to_have_text("Chất lượng phục vụ của các cơ quan")
        expect(page.get_by_role("rowheader", name="Ủy ban nhân dân phường Thành Sen")).to_be_visible()
        expect(page.get_by_text("/ 100 điểm Chỉ số phục vụ người dân, doanh nghiệp").first).to_be_visible()
        assert axe_violations(page) == []
        screenshot(page, f"metrics-transparency-{device}")
