# ruff: noqa: F811 — the dossiers fixtures are imported here by name
"""On a phone: a citizen follows his dossier, answers a supplement request with uploads, looks a
dossier up by code and secret; an applicant rates the service on the counter's tablet."""

import pytest
from django.test import Client
from playwright.sync_api import expect

from motcua.agencies.models import Counter
from motcua.backoffice.tests.conftest import flushable_events  # noqa: F401
from motcua.dossiers.models import Dossier
from motcua.dossiers.tests.conftest import officers, receive  # noqa: F401
from motcua.feedback import services as feedback
from motcua.feedback.models import CounterDevice, Rating
from motcua.portal import tracking

from .tracking_helpers import PDF, approve, ask_supplement, citizen, own

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("flushable_events"),
]


def _log_in(page, live_server, user) -> None:
    client = Client()
    client.force_login(user)
    cookie = client.cookies["sessionid"]
    page.context.add_cookies([{"name": "sessionid", "value": cookie.value, "url": live_server.url}])


def test_citizen_follows_and_supplements(live_server, receive, officers, phone, screenshot, axe_violations, tmp_path):
    lan = citizen("lan")
    dossier = own(receive(), lan)
    ask_supplement(dossier, officers)
    _log_in(phone, live_server, lan)
    phone.goto(f"{live_server.url}/ho-so/")
    expect(phone.get_by_text("Gửi giấy tờ còn thiếu")).to_be_visible()
    screenshot(phone, "track-my-dossiers-phone")
    assert axe_violations(phone) == []
    phone.get_by_role("link", name=dossier.procedure_version.name).click()
    phone.wait_for_url(f"**/ho-so/{dossier.pk}/")
    expect(phone.get_by_role("heading", name="Quá trình xử lý")).to_be_visible()
    assert phone.locator("#timeline[hx-trigger^='every']").count() == 1
    screenshot(phone, "track-dossier-supplement-phone")
    assert axe_violations(phone) == []
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    scan = tmp_path / "so-ho-khau.pdf"
    scan.write_bytes(PDF)
    photo = tmp_path / "anh.png"
    photo.write_bytes(b"\x89PNG\r\n\x1a\n" + b"0" * 64)
    phone.get_by_label("Bản sao sổ hộ khẩu").set_input_files(str(scan))
    phone.get_by_label("Ảnh chân dung").set_input_files(str(photo))
    phone.get_by_role("button", name="Gửi giấy tờ").click()
    expect(phone.get_by_text("Đã gửi giấy tờ bổ sung")).to_be_visible()
    expect(phone.get_by_text("Đã nhận giấy tờ bổ sung")).to_be_visible()
    screenshot(phone, "track-dossier-supplemented-phone")
    assert axe_violations(phone) == []
    assert Dossier.objects.get(pk=dossier.pk).status == "supplemented"


def test_lookup_on_a_phone(live_server, receive, phone, screenshot, axe_violations):
    tracking.rendered.clear()
    tracking.pages.clear()
    dossier = receive()
    phone.goto(f"{live_server.url}/tra-cuu/")
    assert axe_violations(phone) == []
    phone.get_by_label("Mã hồ sơ").fill(dossier.code)
    phone.get_by_label("Mã tra cứu (6 ký tự)").fill("WRONG1")
    phone.get_by_role("button", name="Tra cứu", exact=True).click()
    expect(phone.get_by_role("alert")).to_contain_text("Không tìm thấy hồ sơ")
    screenshot(phone, "track-lookup-wrong-phone")
    assert axe_violations(phone) == []
    phone.get_by_label("Mã tra cứu (6 ký tự)").fill(dossier.secret)
    phone.get_by_role("button", name="Tra cứu", exact=True).click()
    expect(phone.get_by_text("Nguyễn T** L**")).to_be_visible()
    assert "Nguyễn Thị Lan" not in phone.content()
    screenshot(phone, "track-lookup-phone")
    assert axe_violations(phone) == []
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360


def test_rating_on_the_counter_tablet(live_server, receive, officers, province, phone, screenshot, axe_violations):
    dossier = receive()
    approve(dossier, officers, result=PDF)
    counter = Counter.objects.create(centre=province["thanh_sen_centre"], number=1, name="Quầy số 1")
    device = CounterDevice.objects.create(counter=counter)
    phone.goto(f"{live_server.url}/danh-gia/quay/{device.token}/")
    expect(phone.get_by_text("Đang chờ")).to_be_visible()
    assert axe_violations(phone) == []
    # The officer presses "Mời đánh giá"; the tablet shows the dossier on its next poll.
    feedback.invite(device.pk, Dossier.objects.get(pk=dossier.pk), officers["receptionist"])
    expect(phone.get_by_role("heading", name=f"Hồ sơ {dossier.code}")).to_be_visible(timeout=10_000)
    phone.locator("label[for=liked-yes]").click()
    phone.get_by_role("group", name="Thái độ của cán bộ, công chức").get_by_text("Rất hài lòng").click()
    phone.get_by_label("Ý kiến của ông/bà (không bắt buộc)").fill("Cán bộ nhiệt tình")
    screenshot(phone, "rating-tablet-phone")
    assert axe_violations(phone) == []
    phone.get_by_role("button", name="Gửi đánh giá").click()
    expect(phone.get_by_text("Cảm ơn ông/bà đã đánh giá.")).to_be_visible()
    screenshot(phone, "rating-tablet-thanks-phone")
    rating = Rating.objects.get(dossier=dossier)
    assert (rating.liked, rating.score_attitude, rating.channel) == (True, 2, "counter")
