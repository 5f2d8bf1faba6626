"""On a phone, without an account: scan a counter's QR code, send anonymous feedback to the centre's
suggestion box, follow it by its code, read the answer once published and find it in the list."""

import re

import pytest
from django.test import Client
from playwright.sync_api import expect

from motcua.agencies.models import Assignment, Role
from motcua.backoffice.tests.conftest import flushable_events  # noqa: F401
from motcua.feedback import items
from motcua.feedback.models import FeedbackItem
from motcua.feedback.rules import _WORDS

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("flushable_events"),
]


def _solve(label: str) -> str:
    question = label.split(":", 1)[1].strip().lower()
    first, _, rest = question.partition(" cộng ")
    return str(_WORDS.index(first) + _WORDS.index(rest.split(" bằng")[0].strip()))


def test_anonymous_feedback_through_the_counter_qr_code(
    live_server, province, phone, desktop, screenshot, axe_violations
):
    from django.contrib.auth import get_user_model

    centre = province["thanh_sen_centre"]
    head = get_user_model().objects.create(username="truongtt", last_name="Hồ Thị", first_name="Thu")
    Assignment.objects.create(officer=head, agency=centre, role=Role.CENTRE_HEAD)

    phone.goto(f"{live_server.url}/phan-anh/hop-thu/{centre.pk}/")
    expect(phone.get_by_role("heading", name="Hòm thư góp ý")).to_be_visible()
    screenshot(phone, "feedback-box-phone")
    assert axe_violations(phone) == []
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360

    # Sent with nothing filled in: refused, the error named and linked to its field.
    phone.get_by_role("button", name="Gửi", exact=True).click()
    expect(phone.locator("#err_challenge")).to_be_visible()
    screenshot(phone, "feedback-box-error-phone")
    assert axe_violations(phone) == []
    assert not FeedbackItem.objects.exists()

    phone.get_by_label("Hành vi, thái độ của cán bộ").check()
    phone.get_by_label("Tiêu đề").fill("Cán bộ quầy số 2 không hướng dẫn")
    phone.get_by_label("Sự việc thế nào, và ông/bà kiến nghị gì?").fill(
        "Tôi hỏi về giấy tờ cần nộp nhưng cán bộ quầy số 2 không hướng dẫn, bảo tôi tự tìm hiểu."
    )
    phone.get_by_label("Gửi không ghi tên (tôi sẽ theo dõi bằng mã)").check()
    label = phone.locator("label[for=fb_challenge]").inner_text()
    phone.locator("#fb_challenge").fill(_solve(label))
    phone.get_by_role("button", name="Gửi", exact=True).click()

    expect(phone.get_by_text("Xin giữ mã này để theo dõi")).to_be_visible()
    item = FeedbackItem.objects.get()
    assert (item.channel, item.anonymous, item.agency_id) == ("qr_box", True, centre.pk)
    expect(phone.locator(".fb-code-value")).to_have_text(item.code)
    screenshot(phone, "feedback-box-sent-phone")
    assert axe_violations(phone) == []
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    # Large-text mode (the header's button) still fits the screen.
    phone.get_by_role("button", name="Chữ lớn").click()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(phone, "feedback-box-sent-large-phone")
    phone.get_by_role("button", name="Chữ lớn").click()

    # The centre's head finds it in his queue; he answers and publishes; the sender comes back.
    client = Client()
    client.force_login(head)
    desktop.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    desktop.goto(f"{live_server.url}/can-bo/phan-anh/")
    desktop.get_by_role("link", name=item.code).click()
    expect(desktop.get_by_role("heading", name="Phân loại")).to_be_visible()
    screenshot(desktop, "feedback-desk-item-desktop")
    assert axe_violations(desktop) == []
    desktop.goto(f"{live_server.url}/can-bo/phan-anh/hop-thu/")
    expect(desktop.get_by_role("img", name=re.compile("Mã QR"))).to_be_visible()
    screenshot(desktop, "feedback-desk-boxes-desktop")
    assert axe_violations(desktop) == []
    items.classify(item.pk, head, kind="conduct")
    items.draft_answer(item.pk, head, answer="Trung tâm đã nhắc nhở cán bộ quầy số 2 và xin lỗi ông/bà.")
    items.approve(item.pk, head)
    items.publish(item.pk, head)
    phone.goto(f"{live_server.url}/phan-anh/theo-doi/")
    phone.get_by_label("Mã phản ánh").fill(item.code)
    phone.get_by_role("button", name="Tra cứu").click()
    expect(phone.get_by_text("Trung tâm đã nhắc nhở cán bộ quầy số 2")).to_be_visible()
    phone.get_by_role("button", name="Có, hữu ích").click()
    expect(phone.get_by_text("Xin cảm ơn ý kiến của ông/bà.")).to_be_visible()
    screenshot(phone, "feedback-follow-answer-phone")
    assert axe_violations(phone) == []

    phone.goto(f"{live_server.url}/phan-anh/?q=huong+dan")
    expect(phone.get_by_role("link", name=re.compile("quầy số 2"))).to_be_visible()
    screenshot(phone, "feedback-published-list-phone")
    assert axe_violations(phone) == []
