"""A citizen on a phone submits a birth registration online with one upload and one document
reused from an earlier dossier; the receptionist then finds it in the reception queue."""

import re

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client
from playwright.sync_api import expect

from motcua.backoffice.tests.conftest import flushable_events  # noqa: F401 — fixture
from motcua.catalog.models import RequiredDocument
from motcua.citizens.models import Profile
from motcua.dossiers import services
from motcua.dossiers.models import Dossier
from motcua.dossiers.tests.conftest import PDF, officers  # noqa: F401 — fixture

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("flushable_events"),
]


def log_in_as(page, base, user):
    """The session of a logged-in user, put into the browser's cookie jar."""
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


def test_submit_online_on_a_phone_with_an_upload_and_a_reused_document(
    live_server, small_catalog, province, request, phone, screenshot, axe_violations, tmp_path
):
    base = live_server.url
    page = phone
    staff = request.getfixturevalue("officers")
    user = get_user_model().objects.create_user("lan", password="x")
    Profile.objects.create(
        user=user,
        full_name="Nguyễn Thị Lan",
        phone="0912345678",
        id_number="042190000123",
        address="Số 5, đường Trần Phú, phường Thành Sen, Hà Tĩnh",
    )
    certificate = RequiredDocument.objects.get(version__procedure__code="1.001193", name="Giấy chứng sinh")
    earlier = services.submit_online(
        "1.001193",
        province["thanh_sen_centre"],
        services.Applicant(kind="person", name="Nguyễn Thị Lan", id_number="042190000123", address="Hà Tĩnh"),
        [services.Upload(name="Giấy chứng sinh", form="original", required_document_id=certificate.pk, content=PDF)],
        owner=user,
        form_data={
            "child_name": "Trần Minh Khôi",
            "child_birth_date": "2024-03-01",
            "child_sex": "Nam",
            "birth_place": "Bệnh viện Đa khoa tỉnh Hà Tĩnh",
            "mother_name": "Nguyễn Thị Lan",
            "father_name": "Trần Văn Bình",
            "requester_phone": "0912345678",
        },
    )
    scan = tmp_path / "to-khai.pdf"
    scan.write_bytes(PDF + b"% to khai\n")
    not_a_scan = tmp_path / "to-khai.docx"
    not_a_scan.write_bytes(b"PK\x03\x04 a word file")

    log_in_as(page, base, user)
    page.goto(f"{base}/thu-tuc/1.001193/")
    page.get_by_role("button", name="Nộp hồ sơ trực tuyến").click()

    # 1. Who applies: pre-filled from the profile.
    page.wait_for_url(re.compile(r".*/nguoi-nop/$"))
    expect(page.get_by_label("Số định danh cá nhân")).to_have_value("042190000123")
    screenshot(page, "submit-1-applicant-phone")
    assert axe_violations(page) == []
    page.get_by_role("button", name="Lưu và tiếp tục").click()

    # 2. The form: a wrong answer is shown beside its field and nothing typed is lost.
    page.wait_for_url(re.compile(r".*/to-khai/$"))
    expect(page.get_by_label("Họ và tên người mẹ")).to_have_value("Nguyễn Thị Lan")
    page.get_by_label("Họ, chữ đệm và tên của trẻ").fill("Trần Minh Anh 2")
    page.get_by_label("Ngày, tháng, năm sinh của trẻ").fill("2026-01-02")
    page.get_by_label("Nữ").check()
    page.get_by_label("Nơi sinh").fill("Bệnh viện Đa khoa tỉnh Hà Tĩnh")
    page.get_by_role("button", name="Lưu và tiếp tục").click()
    expect(page.locator("#err_f_child_name")).to_have_text("Tên của trẻ không được có chữ số.")
    expect(page.get_by_label("Nơi sinh")).to_have_value("Bệnh viện Đa khoa tỉnh Hà Tĩnh")
    expect(page.get_by_label("Nữ")).to_be_checked()
    screenshot(page, "submit-2-form-error-phone")
    assert axe_violations(page) == []
    page.get_by_label("Họ, chữ đệm và tên của trẻ").fill("Trần Minh Anh")
    page.get_by_role("button", name="Lưu và tiếp tục").click()

    # 3. Documents: a wrong file is refused, a PDF is uploaded, the certificate is reused.
    page.wait_for_url(re.compile(r".*/giay-to/$"))
    declaration = page.locator("section.doc-card").nth(0)
    declaration.locator("input[type=file]").set_input_files(str(not_a_scan))
    declaration.get_by_role("button", name="Tải lên").click()
    expect(page.get_by_role("alert").first).to_contain_text("không phải tệp PDF, PNG hoặc JPEG")
    page.locator("section.doc-card").nth(0).locator("input[type=file]").set_input_files(str(scan))
    page.locator("section.doc-card").nth(0).get_by_role("button", name="Tải lên").click()
    expect(page.locator("section.doc-card").nth(0)).to_contain_text("Đã tải lên: to-khai.pdf")
    certificate_card = page.locator("section.doc-card").nth(1)
    expect(certificate_card).to_contain_text("Hoặc dùng lại giấy tờ từ hồ sơ trước")
    certificate_card.get_by_role("button", name="Dùng giấy tờ này").click()
    expect(page.locator("section.doc-card").nth(1)).to_contain_text("Dùng lại từ hồ sơ")
    screenshot(page, "submit-3-documents-phone")
    assert axe_violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.get_by_role("button", name="Lưu và tiếp tục").click()

    # 4. Getting the result: at a service centre chosen from the province's list.
    page.wait_for_url(re.compile(r".*/nhan-ket-qua/$"))
    page.get_by_label("Cơ quan nào giải quyết hồ sơ của bạn?").select_option(label="Ủy ban nhân dân phường Thành Sen")
    page.get_by_label("Tôi đến nhận tại trung tâm phục vụ hành chính công").check()
    page.get_by_label("Trung tâm nơi bạn đến nhận kết quả").select_option(
        label="Trung tâm Phục vụ hành chính công tỉnh Hà Tĩnh"
    )
    screenshot(page, "submit-4-return-phone")
    assert axe_violations(page) == []
    page.get_by_role("button", name="Lưu và tiếp tục").click()

    # 5. Review and submit.
    page.wait_for_url(re.compile(r".*/xem-lai/$"))
    expect(page.get_by_text("Trần Minh Anh", exact=True)).to_be_visible()
    screenshot(page, "submit-5-review-phone")
    assert axe_violations(page) == []
    page.get_by_role("button", name="Nộp hồ sơ", exact=True).click()

    page.wait_for_url(re.compile(r".*/nop-ho-so/da-nop/\d+/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Hồ sơ của bạn đã được nộp")
    expect(page.get_by_text("Thời điểm tiếp nhận chính thức được tính từ")).to_be_visible()
    screenshot(page, "submit-6-acknowledgement-phone")
    assert axe_violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    # The submitted draft is gone from the list of drafts.
    page.goto(f"{base}/nop-ho-so/")
    expect(page.get_by_text("Bạn chưa có hồ sơ nháp nào.")).to_be_visible()
    assert axe_violations(page) == []

    dossier = Dossier.objects.exclude(pk=earlier.pk).get(owner=user)
    assert dossier.form_data["child_name"] == "Trần Minh Anh"
    assert dossier.returning_agency == province["centre"]
    uploaded, reused = dossier.documents.order_by("required_document__position")
    assert reused.reused_from == earlier.documents.get() and reused.sha256 == earlier.documents.get().sha256
    assert uploaded.reused_from is None and uploaded.size == len(scan.read_bytes())

    # The receptionist of the commune's centre finds it waiting in the reception queue.
    log_in_as(page, base, staff["receptionist"])
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(f"{base}/can-bo/?tab=to_receive")
    row = page.get_by_role("row").filter(has_text="Nguyễn Thị Lan").filter(has_text="Thủ tục đăng ký khai sinh")
    expect(row).to_have_count(2)
    page.goto(f"{base}/can-bo/ho-so/{dossier.pk}/")
    expect(page.get_by_role("heading", name="Nội dung tờ khai trực tuyến")).to_be_visible()
    expect(page.locator(".online-form")).to_contain_text("Trần Minh Anh")
    expect(page.locator(".online-form")).to_contain_text("02/01/2026")
    expect(page.locator(".reused-documents")).to_contain_text("Giấy chứng sinh")
    screenshot(page, "submit-7-backoffice-dossier")
