"""The online submission pages: every step saves, errors stay beside their fields with what was
typed, documents are uploaded or reused, and only the owner sees drafts and acknowledgements."""

import datetime as dt

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile

from motcua.catalog.models import RequiredDocument
from motcua.citizens.models import Profile
from motcua.dossiers import services
from motcua.dossiers.models import Dossier, Draft

pytestmark = pytest.mark.django_db
VN = dt.timezone(dt.timedelta(hours=7))
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def citizen(client=None, username="lan", phone="0912345678"):
    user = get_user_model().objects.create_user(username=username, password="x")
    Profile.objects.create(
        user=user,
        full_name="Nguyễn Thị Lan",
        phone=phone,
        id_number="042190000123",
        address="Số 5, đường Trần Phú, phường Thành Sen, Hà Tĩnh",
    )
    if client is not None:
        client.force_login(user)
    return user


def requirements():
    return list(RequiredDocument.objects.filter(version__procedure__code="1.001193").order_by("position"))


def test_procedure_page_offers_online_submission_only_when_it_is_offered(client, small_catalog):
    assert "Nộp hồ sơ trực tuyến" in client.get("/thu-tuc/1.001193/").content.decode()
    assert "Nộp hồ sơ trực tuyến" not in client.get("/thu-tuc/2.001035/").content.decode()


def test_whole_submission_through_the_pages(client, small_catalog, province):
    user = citizen(client)
    earlier = services.submit_online(
        "1.001193",
        province["thanh_sen_centre"],
        services.Applicant(kind="person", name="Nguyễn Thị Lan", id_number="042190000123", address="Hà Tĩnh"),
        [
            services.Upload(
                name="Giấy chứng sinh", form="original", required_document_id=requirements()[1].pk, content=PDF + b"1"
            )
        ],
        owner=user,
    )
    response = client.post("/thu-tuc/1.001193/".replace("thu-tuc", "nop-ho-so/bat-dau"))
    draft = Draft.objects.get(account=user)
    assert response["Location"] == f"/nop-ho-so/{draft.pk}/nguoi-nop/"
    page = client.get(response["Location"]).content.decode()
    assert 'value="042190000123"' in page and "Bước 1 trên 5" in page
    base = f"/nop-ho-so/{draft.pk}"
    # A wrong answer: the page comes back with the error beside the field and the typed value kept.
    page = client.post(
        f"{base}/nguoi-nop/",
        {"who": "person", "name": "Nguyễn Thị Lan", "id_number": "0421", "address": "Hà Tĩnh", "phone": "0912345678"},
    ).content.decode()
    assert "Số định danh cá nhân của bạn gồm 12 chữ số" in page
    assert 'value="0421"' in page and 'aria-invalid="true" aria-describedby="hint_id_number err_id_number"' in page
    response = client.post(
        f"{base}/nguoi-nop/",
        {
            "who": "person",
            "name": "Nguyễn Thị Lan",
            "id_number": "042190000123",
            "address": "Hà Tĩnh",
            "phone": "0912345678",
        },
    )
    assert response["Location"] == f"{base}/to-khai/"
    page = client.post(f"{base}/to-khai/", {"f_child_name": "Minh Anh 2", "f_child_sex": "Nữ"}).content.decode()
    assert "Tên của trẻ không được có chữ số." in page and 'value="Minh Anh 2"' in page
    assert 'id="id_f_child_sex_2" checked' in page
    response = client.post(
        f"{base}/to-khai/",
        {
            "f_child_name": "Trần Minh Anh",
            "f_child_birth_date": "2026-01-02",
            "f_child_sex": "Nữ",
            "f_birth_place": "Bệnh viện Đa khoa tỉnh Hà Tĩnh",
            "f_mother_name": "Nguyễn Thị Lan",
            "f_requester_phone": "0912345678",
        },
    )
    assert response["Location"] == f"{base}/giay-to/"
    first, second = requirements()
    page = client.get(f"{base}/giay-to/").content.decode()
    assert "Hoặc dùng lại giấy tờ từ hồ sơ trước" in page
    # A wrong file is refused and said so beside its document.
    bad = client.post(
        f"{base}/giay-to/{first.pk}/", {"action": "upload", "file": SimpleUploadedFile("x.pdf", b"GIF89a")}
    )
    assert bad.status_code == 422 and "không phải tệp PDF, PNG hoặc JPEG" in bad.content.decode()
    client.post(f"{base}/giay-to/{first.pk}/", {"action": "upload", "file": SimpleUploadedFile("tk.pdf", PDF)})
    client.post(f"{base}/giay-to/{second.pk}/", {"action": "reuse", "source": earlier.documents.get().pk})
    page = client.get(f"{base}/giay-to/").content.decode()
    assert "Đã tải lên: tk.pdf" in page and "Dùng lại từ hồ sơ" in page
    assert client.post(f"{base}/giay-to/", {"go": "next"})["Location"] == f"{base}/nhan-ket-qua/"
    response = client.post(
        f"{base}/nhan-ket-qua/",
        {"resolving_agency": province["thanh_sen"].pk, "return_method": "post", "return_address": "Số 9 Nguyễn Du"},
    )
    assert response["Location"] == f"{base}/xem-lai/"
    page = client.get(f"{base}/xem-lai/").content.decode()
    assert "Trần Minh Anh" in page and "Số 9 Nguyễn Du" in page
    with time_machine.travel(dt.datetime(2026, 1, 12, 20, 0, tzinfo=VN), tick=False):
        response = client.post(f"{base}/xem-lai/", {"go": "submit"})
    dossier = Dossier.objects.get(owner=user, form_data__child_name="Trần Minh Anh")
    assert response["Location"] == f"/nop-ho-so/da-nop/{dossier.pk}/"
    with time_machine.travel(dt.datetime(2026, 1, 12, 20, 1, tzinfo=VN), tick=False):
        page = client.get(response["Location"]).content.decode()
    assert "20:00" in page and "07:30" in page and "13/01/2026" in page
    assert dossier.return_method == "post" and dossier.return_address == "Số 9 Nguyễn Du"
    assert not Draft.objects.exists()


def test_nobody_else_reaches_a_draft_or_an_acknowledgement(client, small_catalog, province):
    owner = citizen()
    draft = Draft.objects.create(account=owner, procedure_version=requirements()[0].version)
    dossier = services.submit_online(
        "1.001193",
        province["thanh_sen_centre"],
        services.Applicant(kind="person", name="Lan", id_number="042190000123", address="Hà Tĩnh"),
        owner=owner,
    )
    citizen(client, "binh", "0987654321")
    assert client.get(f"/nop-ho-so/{draft.pk}/nguoi-nop/").status_code == 404
    assert client.post(f"/nop-ho-so/{draft.pk}/xoa/").status_code == 404
    assert client.get(f"/nop-ho-so/da-nop/{dossier.pk}/").status_code == 404
    assert Draft.objects.filter(pk=draft.pk).exists()


def test_drafts_list_resumes_and_deletes(client, small_catalog):
    user = citizen(client)
    client.post("/nop-ho-so/bat-dau/1.001193/")
    draft = Draft.objects.get(account=user)
    page = client.get("/nop-ho-so/").content.decode()
    assert "Thủ tục đăng ký khai sinh" in page and f"/nop-ho-so/{draft.pk}/nguoi-nop/" in page
    client.post(f"/nop-ho-so/{draft.pk}/xoa/")
    assert not Draft.objects.exists()


def test_a_representative_chooses_the_organisation_on_the_first_step(client, small_catalog):
    from django.utils import timezone

    from motcua.citizens.models import Representation

    user = citizen(client)
    Representation.objects.create(
        user=user, tax_code="3000123456", name="Công ty TNHH Hồng Lam", verified_at=timezone.now()
    )
    Representation.objects.create(user=user, tax_code="3000999999", name="Công ty chưa xác minh")
    client.post("/nop-ho-so/bat-dau/1.001193/")
    draft = Draft.objects.get(account=user)
    page = client.get(f"/nop-ho-so/{draft.pk}/nguoi-nop/").content.decode()
    assert "Cho Công ty TNHH Hồng Lam (mã số thuế 3000123456), do tôi đại diện" in page
    assert "Công ty chưa xác minh" not in page
    data = {"name": "Nguyễn Thị Lan", "id_number": "042190000123", "address": "Hà Tĩnh", "phone": "0912345678"}
    # Someone else's tax code typed into the request is refused like any wrong answer.
    page = client.post(f"/nop-ho-so/{draft.pk}/nguoi-nop/", {**data, "who": "org:3000999999"}).content.decode()
    assert "Hãy chọn một tổ chức mà bạn là người đại diện." in page
    response = client.post(f"/nop-ho-so/{draft.pk}/nguoi-nop/", {**data, "who": "org:3000123456"})
    assert response["Location"].endswith("/to-khai/")
    draft.refresh_from_db()
    assert (draft.applicant["kind"], draft.applicant["tax_code"]) == ("organisation", "3000123456")


def test_save_and_finish_later_keeps_the_answers_and_goes_to_the_drafts(client, small_catalog):
    user = citizen(client)
    client.post("/nop-ho-so/bat-dau/1.001193/")
    draft = Draft.objects.get(account=user)
    response = client.post(f"/nop-ho-so/{draft.pk}/to-khai/", {"f_child_name": "Minh Anh", "go": "later"})
    assert response["Location"] == "/nop-ho-so/"
    draft.refresh_from_db()
    assert draft.form_data["child_name"] == "Minh Anh"
    assert "Hồ sơ nháp đã được lưu" in client.get("/nop-ho-so/").content.decode()


def test_logged_out_visitors_are_sent_to_the_login_page(client, small_catalog):
    response = client.post("/nop-ho-so/bat-dau/1.001193/")
    assert response.status_code == 302 and response["Location"].startswith("/tai-khoan/dang-nhap/?next=")
