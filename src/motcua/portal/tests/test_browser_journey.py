# ruff: noqa: F811 — fixtures are imported here by name
"""The whole journey of a person who has never used the portal, on a phone: sign up, submit a
birth registration with one upload and one document reused from an earlier dossier, see it
received in the back office, answer the supplement request, get the electronic result, rate the
service. Every status change reaches her by SMS; axe-core finds nothing serious on her pages."""

import re

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from motcua.backoffice.tests.conftest import at, flushable_events, monday, travel  # noqa: F401 — fixtures
from motcua.catalog.models import RequiredDocument
from motcua.citizens.models import Profile
from motcua.citizens.tests.test_browser import last_code
from motcua.dossiers import services
from motcua.dossiers.models import Dossier
from motcua.dossiers.tests.conftest import PDF, officers  # noqa: F401 — fixture
from motcua.feedback.models import Rating
from motcua.notifications.models import Message

from .tracking_helpers import approve

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("flushable_events"),
]
PHONE = "0987654321"


def log_in_as(page, base, user):
    client = Client()
    client.force_login(user)
    page.context.clear_cookies()
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": base,
            }
        ]
    )


def test_first_time_user_from_sign_up_to_rating(
    live_server, small_catalog, province, officers, monday, travel, phone, desktop, screenshot, axe_violations, tmp_path
):
    base = live_server.url
    page = phone

    # Sign up with a phone number and the code sent by SMS.
    page.goto(f"{base}/")
    page.get_by_role("link", name="Đăng ký").click()
    page.get_by_label("Số điện thoại di động hoặc e-mail").fill(PHONE)
    page.get_by_label("Họ và tên").fill("Nguyễn Thị Mai")
    page.get_by_label("Mật khẩu").fill("Hoa-sen-2026")
    page.get_by_role("button", name="Tiếp tục").click()
    page.get_by_label("Mã xác nhận").fill(last_code(PHONE))
    page.get_by_role("button", name="Xác nhận").click()
    page.wait_for_url(f"{base}/tai-khoan/")
    user = Profile.objects.get(phone=PHONE).user

    # Last year she registered her first child's birth; its birth certificate can be reused.
    certificate = RequiredDocument.objects.get(version__procedure__code="1.001193", name="Giấy chứng sinh")
    earlier = services.submit_online(
        "1.001193",
        province["thanh_sen_centre"],
        services.Applicant(kind="person", name="Nguyễn Thị Mai", id_number="042190000123", address="Hà Tĩnh"),
        [services.Upload(name="Giấy chứng sinh", form="original", required_document_id=certificate.pk, content=PDF)],
        owner=user,
    )

    # Submit online: who applies, the form, the documents, how to get the result, review.
    page.goto(f"{base}/thu-tuc/1.001193/")
    page.get_by_role("button", name="Nộp hồ sơ trực tuyến").click()
    page.wait_for_url(re.compile(r".*/nguoi-nop/$"))
    expect(page.get_by_label("Họ và tên")).to_have_value("Nguyễn Thị Mai")
    page.get_by_label("Số định danh cá nhân").fill("042190000123")
    page.get_by_label("Địa chỉ").fill("Số 5, đường Trần Phú, phường Thành Sen, Hà Tĩnh")
    page.get_by_role("button", name="Lưu và tiếp tục").click()

    page.wait_for_url(re.compile(r".*/to-khai/$"))
    page.get_by_label("Họ, chữ đệm và tên của trẻ").fill("Trần Minh Anh")
    page.get_by_label("Ngày, tháng, năm sinh của trẻ").fill("2026-01-02")
    page.get_by_label("Nữ").check()
    page.get_by_label("Nơi sinh").fill("Bệnh viện Đa khoa tỉnh Hà Tĩnh")
    page.get_by_label("Họ và tên người mẹ").fill("Nguyễn Thị Mai")
    page.get_by_role("button", name="Lưu và tiếp tục").click()

    page.wait_for_url(re.compile(r".*/giay-to/$"))
    scan = tmp_path / "to-khai.pdf"
    scan.write_bytes(PDF + b"% to khai\n")
    page.locator("section.doc-card").nth(0).locator("input[type=file]").set_input_files(str(scan))
    page.locator("section.doc-card").nth(0).get_by_role("button", name="Tải lên").click()
    expect(page.locator("section.doc-card").nth(0)).to_contain_text("Đã tải lên: to-khai.pdf")
    page.locator("section.doc-card").nth(1).get_by_role("button", name="Dùng giấy tờ này").click()
    expect(page.locator("section.doc-card").nth(1)).to_contain_text("Dùng lại từ hồ sơ")
    page.get_by_role("button", name="Lưu và tiếp tục").click()

    page.wait_for_url(re.compile(r".*/nhan-ket-qua/$"))
    page.get_by_label("Cơ quan nào giải quyết hồ sơ của bạn?").select_option(label="Ủy ban nhân dân phường Thành Sen")
    page.get_by_role("button", name="Lưu và tiếp tục").click()
    page.wait_for_url(re.compile(r".*/xem-lai/$"))
    page.get_by_role("button", name="Nộp hồ sơ", exact=True).click()
    page.wait_for_url(re.compile(r".*/nop-ho-so/da-nop/\d+/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Hồ sơ của bạn đã được nộp")
    screenshot(page, "journey-1-submitted-phone")
    assert axe_violations(page) == []
    dossier = Dossier.objects.exclude(pk=earlier.pk).get(owner=user)
    assert dossier.documents.filter(reused_from__isnull=False).count() == 1

    # The receptionist of the commune's centre receives it from the reception queue.
    log_in_as(desktop, base, officers["receptionist"])
    desktop.goto(f"{base}/can-bo/?tab=to_receive")
    desktop.get_by_role("row").filter(has_text="Trần Minh Anh").or_(
        desktop.get_by_role("row").filter(has_text="Nguyễn Thị Mai")
    ).first.wait_for()
    desktop.goto(f"{base}/can-bo/ho-so/{dossier.pk}/")
    expect(desktop.locator(".online-form")).to_contain_text("Trần Minh Anh")
    screenshot(desktop, "journey-2-to-receive-desktop")
    desktop.get_by_role("button", name="Tiếp nhận", exact=True).click()
    expect(desktop.get_by_role("heading", level=1)).to_have_text(re.compile(r"H42\.18073-260112-\d{4}"))
    screenshot(desktop, "journey-2-received-desktop")
    dossier.refresh_from_db()
    assert dossier.status == "received"

    # The specialist asks for a missing paper; she answers on her phone, once.
    travel(at(2026, 1, 12, 14, 0))
    services.complete_step(dossier.pk, officers["receptionist"])
    services.request_supplement(
        dossier.pk, officers["specialist"], items=["Giấy xác nhận cư trú"], reasons="Thiếu giấy xác nhận cư trú"
    )
    page.goto(f"{base}/ho-so/")
    page.get_by_role("link", name=dossier.procedure_version.name).first.click()
    page.wait_for_url(f"**/ho-so/{dossier.pk}/")
    expect(page.get_by_text("Giấy xác nhận cư trú").first).to_be_visible()
    residence = tmp_path / "cu-tru.pdf"
    residence.write_bytes(PDF + b"% cu tru\n")
    page.get_by_label("Giấy xác nhận cư trú").set_input_files(str(residence))
    page.get_by_role("button", name="Gửi giấy tờ").click()
    expect(page.get_by_text("Đã nhận giấy tờ bổ sung")).to_be_visible()
    screenshot(page, "journey-3-supplemented-phone")
    assert axe_violations(page) == []

    # The leader approves with the electronic result; she downloads it and rates the service.
    approve(Dossier.objects.get(pk=dossier.pk), officers, result=PDF + b"% ket qua\n", when=at(2026, 1, 13, 9, 0))
    travel(at(2026, 1, 13, 10, 0))
    page.reload()
    result = page.get_by_role("link", name=re.compile("kết quả", re.I)).filter(has_text="PDF").first
    with page.expect_download() as download:
        result.click()
    assert download.value.path().read_bytes().endswith(b"% ket qua\n")
    page.locator("label[for=liked-yes]").click()
    page.get_by_role("group", name="Thái độ của cán bộ, công chức").get_by_text("Rất hài lòng").click()
    page.get_by_role("button", name="Gửi đánh giá").click()
    expect(page.get_by_text(re.compile("Cảm ơn"))).to_be_visible()
    screenshot(page, "journey-4-rated-phone")
    assert axe_violations(page) == []
    rating = Rating.objects.get(dossier=dossier)
    assert rating.liked and rating.channel == "online"

    # Each change reached her by SMS, in Vietnamese, with the dossier's code.
    told = set(Message.objects.filter(dossier=dossier, recipient=PHONE).values_list("purpose", flat=True))
    assert {"submit", "receive", "request_supplement", "supplement", "approve"} <= told
