"""The digitization page of the back office, through the Django test client (in Vietnamese)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from motcua.documents.models import Digitization
from motcua.dossiers.tests import conftest as dossier_fixtures

from .digitize_support import FORM_LINES, render

pytestmark = pytest.mark.django_db
officers, receive = dossier_fixtures.officers, dossier_fixtures.receive


@pytest.fixture
def dossier(receive):
    return receive()


def _url(name, dossier, document=None):
    args = [dossier.pk] if document is None else [dossier.pk, document.pk]
    return reverse(f"digitize:{name}", args=args)


def test_the_dossier_page_links_to_digitization(client, officers, dossier):
    client.force_login(officers["receptionist"])
    page = client.get(reverse("backoffice:dossier", args=[dossier.pk]))
    assert _url("dossier", dossier) in page.content.decode()


def test_officers_outside_the_dossier_do_not_see_it(client, officers, dossier):
    client.force_login(officers["other_receptionist"])
    assert client.get(_url("dossier", dossier)).status_code == 404
    document = dossier.documents.get()
    page = SimpleUploadedFile("a.png", render(["x"], size=(300, 200)), "image/png")
    assert client.post(_url("scan", dossier, document), {"pages": [page]}).status_code == 404
    assert not Digitization.objects.exists()


def test_a_viewer_who_may_not_act_sees_no_forms(client, officers, dossier):
    client.force_login(officers["leader"])  # sees the dossier (resolving agency), does not digitize
    page = client.get(_url("dossier", dossier))
    assert page.status_code == 200
    assert 'name="pages"' not in page.content.decode()
    document = dossier.documents.get()
    refused = client.post(_url("exempt", dossier, document), {"reason": "shown_only"})
    assert refused.status_code == 403
    assert not Digitization.objects.exists()


def test_scan_read_confirm_and_sign_through_the_page(client, officers, dossier, django_capture_on_commit_callbacks):
    client.force_login(officers["receptionist"])
    document = dossier.documents.get()
    page = client.get(_url("dossier", dossier))
    assert page.status_code == 200 and "Số hóa thành phần hồ sơ giấy" in page.content.decode()

    upload = SimpleUploadedFile("trang1.png", render(FORM_LINES), "image/png")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_url("scan", dossier, document), {"pages": [upload]}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    job = Digitization.objects.get()
    assert job.status == "done", job.error
    block = client.get(_url("component", dossier, document), headers={"HX-Request": "true"}).content.decode()
    assert "hx-trigger" not in block  # polling stops once done
    assert "042190000123" in block and "Nguyễn Thị Lan" in block and "khớp với hồ sơ" in block

    client.post(
        _url("confirm", dossier, document),
        {"confirm": ["0"], "kind-0": "id_number", "value-0": "042190000123"},
        headers={"HX-Request": "true"},
    )
    job.refresh_from_db()
    assert job.confirmed["values"] == {"id_number": "042190000123"}

    signed = client.post(_url("sign", dossier, document), headers={"HX-Request": "true"})
    assert signed.status_code == 200
    job.refresh_from_db()
    assert job.signed_pdf is None and job.unsigned_note  # this officer has no key
    assert job.unsigned_note in signed.content.decode()

    pdf = client.get(_url("pdf", dossier, document))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")


def test_a_running_job_is_polled_with_its_progress(client, officers, dossier):
    client.force_login(officers["receptionist"])
    document = dossier.documents.get()
    Digitization.objects.create(document=document, status="running", pages_total=4, pages_done=1)
    block = client.get(_url("component", dossier, document), headers={"HX-Request": "true"}).content.decode()
    assert 'hx-trigger="every 2s"' in block
    assert f'<progress id="c-{document.pk}-progress" max="4" value="1">' in block
    assert "Đã nhận dạng 1/4 trang" in block
    assert 'name="pages"' not in block  # no new scan while reading


def test_a_refused_scan_shows_the_message_linked_to_the_field(client, officers, dossier):
    client.force_login(officers["receptionist"])
    document = dossier.documents.get()
    fake = SimpleUploadedFile("anh.jpg", b"MZ\x90\x00 not an image", "image/jpeg")
    response = client.post(_url("scan", dossier, document), {"pages": [fake]})
    assert response.status_code == 422
    html = response.content.decode()
    assert "không phải là ảnh JPEG, PNG hoặc tệp PDF" in html
    assert f'aria-describedby="c-{document.pk}-pages-hint c-{document.pk}-err"' in html
    assert not Digitization.objects.exists()


def test_exempt_through_the_page(client, officers, dossier):
    client.force_login(officers["receptionist"])
    document = dossier.documents.get()
    response = client.post(_url("exempt", dossier, document), {"reason": "shown_only", "note": "Xem bản chính"})
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "Giấy tờ chỉ xuất trình, không lưu" in page and "Xem bản chính" in page


def test_a_failed_reading_is_explained_and_can_be_retried(client, officers, dossier):
    client.force_login(officers["receptionist"])
    document = dossier.documents.get()
    job = Digitization.objects.create(document=document, status="failed", pages_total=1, error="Máy chủ thiếu OCR.")
    page = client.get(_url("dossier", dossier)).content.decode()
    assert "Máy chủ thiếu OCR." in page and _url("retry", dossier, document) in page
    # Queued again (the task runs when the request's transaction commits); the block polls.
    response = client.post(_url("retry", dossier, document), headers={"HX-Request": "true"})
    job.refresh_from_db()
    assert (job.status, job.error) == ("queued", "")
    assert 'hx-trigger="every 2s"' in response.content.decode()
