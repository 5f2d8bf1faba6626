"""Digitization at reception: checks before anything is stored, the OCR job, failure and retry,
exemptions, confirmation of read values, signing."""

from __future__ import annotations

import io

import pytest
from django.test import override_settings
from django.utils import translation
from PIL import Image
from pypdf import PdfReader, PdfWriter

from motcua.core.errors import Conflict, Invalid, NotAllowed
from motcua.documents import digitization, store
from motcua.documents.models import Blob, Digitization, ScannedPage
from motcua.dossiers.tests import conftest as dossier_fixtures

from .digitize_support import FORM_LINES, render

pytestmark = pytest.mark.django_db
officers, receive = dossier_fixtures.officers, dossier_fixtures.receive


@pytest.fixture(autouse=True)
def _english():
    """Refusals are matched in English; the OCR job writes its messages in Vietnamese."""
    with translation.override("en"):
        yield


@pytest.fixture
def component(receive):
    dossier = receive()
    return dossier.documents.get()


def _pdf(pages: int = 1, password: str | None = None) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(595, 842)
    if password:
        writer.encrypt(password)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _nothing_stored(blobs_before: int) -> None:
    assert Blob.objects.count() == blobs_before
    assert not Digitization.objects.exists()
    assert not ScannedPage.objects.exists()


# -- refusals: nothing stored ---------------------------------------------------------------------


def _bomb_png() -> bytes:
    """A PNG of 20 000 × 20 000 white pixels: a few hundred kilobytes that decode to 400 MB."""
    out = io.BytesIO()
    Image.new("1", (20000, 20000), 1).save(out, "PNG")
    return out.getvalue()


def _truncated_jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (800, 600), (200, 10, 10)).save(out, "JPEG")
    return out.getvalue()[:2000]


@pytest.mark.parametrize(
    ("pages", "message"),
    [
        ([], "Choose the scanned pages"),
        ([("trang1.jpg", b"<html>not an image</html>")], "is not a JPEG or PNG image or a PDF file"),
        ([("trang1.png", b"")], "is empty"),
        ([("trang1.jpg", "truncated")], "is damaged"),
        ([("hoso.pdf", b"%PDF-1.4\n garbage without any object")], "damaged PDF"),
        ([("hoso.pdf", "encrypted")], "protected by a password"),
        ([("lon.png", "bomb")], "too many pixels"),
        ([("a.png", "ok"), ("b.pdf", "encrypted")], "protected by a password"),
    ],
)
def test_bad_pages_are_refused_and_nothing_is_stored(component, officers, pages, message):
    made = {"truncated": _truncated_jpeg, "encrypted": lambda: _pdf(1, "bí mật"), "bomb": _bomb_png}
    made["ok"] = lambda: render(["Trang 1"], size=(600, 300))
    pages = [(name, made[content]() if isinstance(content, str) else content) for name, content in pages]
    before = Blob.objects.count()
    with pytest.raises(Invalid, match=message) as refused:
        digitization.start(component, pages, officers["receptionist"])
    assert refused.value.field == "pages"
    _nothing_stored(before)


def test_an_image_is_checked_by_its_content_not_its_name(component, officers, django_capture_on_commit_callbacks):
    # A PNG named .jpg is a PNG; a PDF named .png is a PDF.
    with override_settings(MOTCUA_TESSERACT="/nonexistent/tesseract"), django_capture_on_commit_callbacks(execute=True):
        job = digitization.start(
            component, [("anh.jpg", render(["x"], size=(300, 200))), ("trang.png", _pdf(2))], officers["receptionist"]
        )
    assert [p.blob.content_type for p in job.pages.order_by("number")] == ["image/png", "application/pdf"]
    assert job.pages_total == 3


@override_settings(MOTCUA_SCAN_MAX_PAGES=2)
def test_page_limit_counts_the_pages_inside_pdfs(component, officers):
    before = Blob.objects.count()
    with pytest.raises(Invalid, match="At most 2 pages"):
        digitization.start(component, [("a.pdf", _pdf(3))], officers["receptionist"])
    _nothing_stored(before)


@override_settings(MOTCUA_SCAN_MAX_FILE_BYTES=1000)
def test_file_size_limit(component, officers):
    with pytest.raises(Invalid, match="larger than"):
        digitization.start(component, [("a.png", render(["x"], size=(600, 300)))], officers["receptionist"])
    assert not Digitization.objects.exists()


def test_only_officers_handling_the_dossier_may_digitize(component, officers):
    with pytest.raises(NotAllowed):
        digitization.start(component, [("a.pdf", _pdf())], officers["other_receptionist"])
    assert not Digitization.objects.exists()


# -- the OCR job ----------------------------------------------------------------------------------


def test_one_page_is_read_into_a_searchable_pdf(component, officers, django_capture_on_commit_callbacks):
    page = render(FORM_LINES)
    with django_capture_on_commit_callbacks(execute=True):
        job = digitization.start(component, [("to-khai.png", page)], officers["receptionist"])
    job.refresh_from_db()
    assert job.status == Digitization.Status.DONE, job.error
    assert (job.pages_done, job.pages_total) == (1, 1)
    assert job.digitized_by == officers["receptionist"] and job.digitized_at is not None
    assert "Nguyễn Thị Lan" in job.text and "042190000123" in job.text
    reader = PdfReader(io.BytesIO(store.read(job.pdf)))
    assert len(reader.pages) == 1
    assert "042190000123" in reader.pages[0].extract_text()  # the text layer is searchable
    found = {(s.kind, s.value) for s in digitization.suggestions(job)}
    assert {("id_number", "042190000123"), ("name", "Nguyễn Thị Lan"), ("birth_date", "01/05/1990")} <= found
    assert ("decision_date", "12/03/2025") in found
    assert job.warnings == []


def test_progress_is_saved_after_each_page(component, officers, monkeypatch, django_capture_on_commit_callbacks):
    from motcua.documents import ocr

    seen = []

    def fake_page(image, dpi=None):
        seen.append(Digitization.objects.get().pages_done)
        one = PdfWriter()
        one.add_blank_page(595, 842)
        out = io.BytesIO()
        one.write(out)
        return ocr.PageResult(out.getvalue(), f"Trang {len(seen)}")

    monkeypatch.setattr(ocr, "ocr_page", fake_page)
    pages = [(f"{i}.png", render([str(i)], size=(400, 200))) for i in range(3)]
    with django_capture_on_commit_callbacks(execute=True):
        job = digitization.start(component, pages, officers["receptionist"])
    job.refresh_from_db()
    assert seen == [0, 1, 2]
    assert (job.status, job.pages_done, job.percent) == ("done", 3, 100)
    assert len(PdfReader(io.BytesIO(store.read(job.pdf))).pages) == 3


def test_pages_out_of_order_are_flagged_not_refused(
    component, officers, monkeypatch, django_capture_on_commit_callbacks
):
    from motcua.documents import ocr

    printed = iter(["Tờ khai\nTrang 2/2", "Họ và tên\nTrang 1/2"])

    def fake_page(image, dpi=None):
        one = PdfWriter()
        one.add_blank_page(595, 842)
        out = io.BytesIO()
        one.write(out)
        return ocr.PageResult(out.getvalue(), next(printed))

    monkeypatch.setattr(ocr, "ocr_page", fake_page)
    pages = [("a.png", render(["a"], size=(400, 200))), ("b.png", render(["b"], size=(400, 200)))]
    with django_capture_on_commit_callbacks(execute=True):
        job = digitization.start(component, pages, officers["receptionist"])
    job.refresh_from_db()
    assert job.status == "done"
    assert job.warnings == [{"code": "out_of_order", "pages": [[1, 2], [2, 1]]}]


def test_missing_ocr_fails_with_a_message_and_can_be_retried(component, officers, django_capture_on_commit_callbacks):
    page = render(FORM_LINES[:4])
    with override_settings(MOTCUA_TESSERACT="/nonexistent/tesseract"):
        with django_capture_on_commit_callbacks(execute=True):
            job = digitization.start(component, [("a.png", page)], officers["receptionist"])
        job.refresh_from_db()
        assert job.status == Digitization.Status.FAILED
        assert "tesseract" in job.error and "Hồ sơ vẫn được tiếp tục" in job.error
        assert job.pdf is None and job.pages.count() == 1  # the pages are kept for the retry
        component.dossier.refresh_from_db()
        assert component.dossier.status == "received"  # the dossier goes on
    with django_capture_on_commit_callbacks(execute=True):
        digitization.retry(job, officers["receptionist"])
    job.refresh_from_db()
    assert job.status == Digitization.Status.DONE, job.error
    assert job.attempts == 2 and "Nguyễn Thị Lan" in job.text
    with pytest.raises(Conflict):
        digitization.retry(job, officers["receptionist"])


def test_a_failing_ocr_program_marks_the_job_failed(component, officers, tmp_path, django_capture_on_commit_callbacks):
    broken = tmp_path / "tesseract"
    broken.write_text("#!/bin/sh\necho 'Error in pixReadMem: image damaged' >&2\nexit 1\n")
    broken.chmod(0o755)
    with override_settings(MOTCUA_TESSERACT=str(broken)), django_capture_on_commit_callbacks(execute=True):
        job = digitization.start(component, [("a.png", render(["x"], size=(400, 200)))], officers["receptionist"])
    job.refresh_from_db()
    assert job.status == "failed" and "image damaged" in job.error


def test_a_scanned_pdf_is_read_from_its_page_image_without_a_rasteriser(
    component, officers, django_capture_on_commit_callbacks
):
    scan = io.BytesIO()
    Image.open(io.BytesIO(render(FORM_LINES))).save(scan, "PDF", resolution=300)
    with override_settings(MOTCUA_PDFTOPPM="/nonexistent/pdftoppm"), django_capture_on_commit_callbacks(execute=True):
        job = digitization.start(component, [("scan.pdf", scan.getvalue())], officers["receptionist"])
    job.refresh_from_db()
    assert job.status == "done" and job.warnings == []
    assert "042190000123" in job.text
    assert "042190000123" in PdfReader(io.BytesIO(store.read(job.pdf))).pages[0].extract_text()


def test_pdf_pages_are_rasterised_when_poppler_is_installed(
    component, officers, tmp_path, django_capture_on_commit_callbacks
):
    (tmp_path / "page.png").write_bytes(render(FORM_LINES[:5]))
    rasteriser = tmp_path / "pdftoppm"  # stands in for poppler: gives the page image it was asked for
    rasteriser.write_text('#!/bin/sh\nfor last; do :; done\ncp "$(dirname "$0")/page.png" "$last.png"\n')
    rasteriser.chmod(0o755)
    with override_settings(MOTCUA_PDFTOPPM=str(rasteriser)), django_capture_on_commit_callbacks(execute=True):
        job = digitization.start(component, [("hoso.pdf", _pdf(1))], officers["receptionist"])
    job.refresh_from_db()
    assert job.status == "done", job.error
    assert "042190000123" in job.text and job.warnings == []


def test_a_pdf_without_a_rasteriser_is_kept_as_it_is(component, officers, django_capture_on_commit_callbacks):
    with override_settings(MOTCUA_PDFTOPPM="/nonexistent/pdftoppm"), django_capture_on_commit_callbacks(execute=True):
        job = digitization.start(component, [("hoso.pdf", _pdf(2))], officers["receptionist"])
    job.refresh_from_db()
    assert job.status == "done"
    assert len(PdfReader(io.BytesIO(store.read(job.pdf))).pages) == 2
    assert job.warnings == [{"code": "not_read", "pages": [1, 2]}]


def test_scanning_again_while_reading_is_refused(component, officers):
    job = digitization.start(component, [("a.pdf", _pdf())], officers["receptionist"])  # not run: no commit
    assert job.status == "queued"
    with pytest.raises(Conflict):
        digitization.start(component, [("b.pdf", _pdf())], officers["receptionist"])
    with pytest.raises(Conflict):
        digitization.mark_exempt(component, officers["receptionist"], "shown_only")


# -- exemption, confirmation, signing -------------------------------------------------------------


def test_exempt_component_is_marked_with_its_reason(component, officers):
    with pytest.raises(Invalid) as refused:
        digitization.mark_exempt(component, officers["receptionist"], "because")
    assert refused.value.field == "reason"
    job = digitization.mark_exempt(component, officers["receptionist"], "shared_database", "  Dữ liệu   dân cư ")
    assert (job.exempt, job.exempt_reason, job.exempt_note, job.status) == (
        True,
        "shared_database",
        "Dữ liệu dân cư",
        "",
    )
    assert job.digitized_by == officers["receptionist"]
    assert digitization.counts(component.dossier) == {"digitized": 0, "exempt": 1, "components": 1}


def test_confirmed_values_are_kept_only_when_the_officer_confirms(
    component, officers, monkeypatch, django_capture_on_commit_callbacks
):
    with override_settings(MOTCUA_PDFTOPPM="/nonexistent/pdftoppm"), django_capture_on_commit_callbacks(execute=True):
        job = digitization.start(component, [("a.pdf", _pdf())], officers["receptionist"])
    job.refresh_from_db()
    assert job.confirmed == {}
    with pytest.raises(Invalid):
        digitization.confirm(job, officers["receptionist"], {"password": "x"})
    digitization.confirm(job, officers["receptionist"], {"id_number": "042190000123", "name": ""})
    job.refresh_from_db()
    assert job.confirmed["values"] == {"id_number": "042190000123"}


def test_signing_without_a_key_leaves_the_copy_unsigned_and_says_so(
    component, officers, django_capture_on_commit_callbacks
):
    with override_settings(MOTCUA_PDFTOPPM="/nonexistent/pdftoppm"), django_capture_on_commit_callbacks(execute=True):
        job = digitization.start(component, [("a.pdf", _pdf())], officers["receptionist"])
    job.refresh_from_db()
    job = digitization.sign(job, officers["receptionist"])
    assert job.signed_pdf is None and "you have no signing key" in job.unsigned_note


def test_the_officer_signs_the_digitized_copy_with_his_key(
    component, officers, tmp_path, django_capture_on_commit_callbacks
):
    from pyhanko.pdf_utils.reader import PdfFileReader

    from .signing_support import Authority

    receptionist = officers["receptionist"]
    Authority(tmp_path).give_key(receptionist, "Lê Văn Tiếp")
    with override_settings(MOTCUA_PDFTOPPM="/nonexistent/pdftoppm"), django_capture_on_commit_callbacks(execute=True):
        job = digitization.start(component, [("a.pdf", _pdf())], receptionist)
    job.refresh_from_db()
    job = digitization.sign(job, receptionist, location="Thành Sen")
    assert job.signed_pdf is not None and job.signed_by == receptionist and job.unsigned_note == ""
    assert job.pdf.sha256 != job.signed_pdf.sha256  # the unsigned copy stays as it was
    signatures = PdfFileReader(io.BytesIO(store.read(job.signed_pdf))).embedded_signatures
    assert len(signatures) == 1
    assert signatures[0].sig_object["/Reason"] == "Số hóa"
    assert signatures[0].sig_object["/Location"] == "Thành Sen"


def test_a_job_whose_worker_stopped_can_be_started_again(component, officers, django_capture_on_commit_callbacks):
    import datetime as dt

    from motcua.core import clock

    with override_settings(MOTCUA_PDFTOPPM="/nonexistent/pdftoppm"):
        job = digitization.start(component, [("a.pdf", _pdf())], officers["receptionist"])  # queued, never run
        with pytest.raises(Conflict):
            digitization.retry(job, officers["receptionist"])  # still fresh: the worker may be on it
        Digitization.objects.filter(pk=job.pk).update(status="running", updated_at=clock.now() - dt.timedelta(hours=1))
        job.refresh_from_db()
        with django_capture_on_commit_callbacks(execute=True):
            digitization.retry(job, officers["receptionist"])
    job.refresh_from_db()
    assert job.status == "done"
