"""Exports of the register and the statistics: who may ask, what is refused, the files written by
the task (opened again with openpyxl and pypdf), their progress, failures, starting again, the
page that asks for them and follows them, and the whole journey in a browser."""

import datetime as dt
import io
import os
import re
import unicodedata
from pathlib import Path

import openpyxl
import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.test import override_settings
from django.urls import reverse
from pypdf import PdfReader

from motcua.agencies.models import Assignment, Role
from motcua.backoffice.tests import conftest as backoffice_fixtures
from motcua.core.errors import Conflict, Invalid, NotAllowed
from motcua.dossiers import forms
from motcua.dossiers.tests import conftest as dossier_fixtures
from motcua.dossiers.tests.conftest import at
from motcua.metrics import exports, reports
from motcua.metrics.models import Export
from motcua.metrics.tests import test_reports
from motcua.metrics.tests.test_reports import FEB_10

officers, receive = dossier_fixtures.officers, dossier_fixtures.receive
flushable_events = backoffice_fixtures.flushable_events
january = test_reports.january

PASSWORD = "mat-khau-dai-1"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def clock_at_feb_10():
    with time_machine.travel(FEB_10, tick=False):
        yield


@pytest.fixture
def head(province):
    """The head of the Thành Sen centre: its register and its statistics."""
    user = get_user_model().objects.create_user("truongtt", first_name="Hà", last_name="Lê Thu", password=PASSWORD)
    Assignment.objects.create(officer=user, agency=province["thanh_sen_centre"], role=Role.CENTRE_HEAD)
    return user


@pytest.fixture
def inspector(province):
    user = get_user_model().objects.create_user("thanhtra")
    Assignment.objects.create(officer=user, agency=province["root"], role=Role.INSPECTOR)
    return user


def ask(user, kind, format, agency, first="2026-01-01", last="2026-01-31", *, capture):
    """Ask for an export and let the task run once the transaction commits (tests run tasks inline)."""
    with capture(execute=True):
        export = exports.request(user, kind, format, agency.pk, first, last)
    export.refresh_from_db()
    return export


def workbook(export):
    with export.file.open("rb") as handle:
        return openpyxl.load_workbook(io.BytesIO(handle.read()))


def pdf_text(export):
    """The PDF's text, NFC, whitespace collapsed (kept in MOTCUA_FORMS_DIR, when set, to look at)."""
    with export.file.open("rb") as handle:
        content = handle.read()
    if os.environ.get("MOTCUA_FORMS_DIR"):
        folder = Path(os.environ["MOTCUA_FORMS_DIR"])
        folder.mkdir(parents=True, exist_ok=True)
        (folder / export.filename).write_bytes(content)
    reader = PdfReader(io.BytesIO(content))
    text = " ".join(page.extract_text() for page in reader.pages)
    return " ".join(unicodedata.normalize("NFC", text).split()), reader


def row(sheet, number):
    return [cell.value for cell in sheet[number]]


# -- refusals -------------------------------------------------------------------------------------------


BAD_REQUESTS = [
    # (kind, format, agency key, first, last, field, words of the message)
    ("statistics", "xlsx", "thanh_sen", "2026-01-31", "2026-01-01", "last", "ngày cuối không được trước ngày đầu"),
    ("statistics", "xlsx", "thanh_sen", "2025-01-01", "2026-01-01", "last", "tối đa một năm"),
    ("statistics", "xlsx", "thanh_sen", "2026-02-30", "2026-03-01", "first", "Nhập ngày đầu"),
    ("statistics", "xlsx", "thanh_sen", "2026-01-01", "", "last", "Nhập ngày cuối"),
    ("statistics", "xlsx", "thanh_sen", "2026-03-01", "2026-03-31", "first", "chưa bắt đầu"),
    ("statistics", "xlsx", None, "2026-01-01", "2026-01-31", "agency", "Chọn một cơ quan"),
    ("statistics", "docx", "thanh_sen", "2026-01-01", "2026-01-31", "format", "Excel hoặc PDF"),
    ("ledger", "xlsx", "thanh_sen", "2026-01-01", "2026-01-31", "kind", "Chọn loại báo cáo"),
    ("register", "xlsx", "thanh_sen", "2026-01-01", "2026-01-31", "agency", "hãy chọn một trung tâm"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("kind", "format", "agency", "first", "last", "field", "words"), BAD_REQUESTS)
def test_bad_input_is_refused_clearly_and_creates_nothing(
    province, inspector, clock_at_feb_10, kind, format, agency, first, last, field, words
):
    agency_id = province[agency].pk if agency else 999_999
    with pytest.raises(Invalid) as refusal:
        exports.request(inspector, kind, format, agency_id, first, last)
    assert refusal.value.field == field and words in refusal.value.message
    assert not Export.objects.exists()


@pytest.mark.django_db
def test_an_agency_id_that_is_not_a_number_is_an_unknown_agency(inspector, clock_at_feb_10):
    with pytest.raises(Invalid, match="Chọn một cơ quan"):
        exports.request(inspector, "statistics", "xlsx", "H42' OR 1=1", "2026-01-01", "2026-01-31")
    assert not Export.objects.exists()


@pytest.mark.django_db
def test_a_whole_year_is_allowed(province, inspector, clock_at_feb_10, django_capture_on_commit_callbacks):
    export = ask(
        inspector,
        "statistics",
        "xlsx",
        province["root"],
        "2025-01-01",
        "2025-12-31",
        capture=django_capture_on_commit_callbacks,
    )
    assert export.status == Export.Status.DONE and export.params["period"] == "Năm 2025"


@pytest.mark.django_db
def test_only_heads_and_receptionists_of_the_centre_export_its_register(province, officers, head, clock_at_feb_10):
    centre = province["thanh_sen_centre"]
    for user in (officers["other_receptionist"], officers["leader"], officers["specialist"]):
        with pytest.raises(NotAllowed, match="Chỉ lãnh đạo và công chức tiếp nhận"):
            exports.request(user, "register", "xlsx", centre.pk, "2026-01-01", "2026-01-31")
    assert not Export.objects.exists()
    assert exports.request(head, "register", "xlsx", centre.pk, "2026-01-01", "2026-01-31").status == "queued"
    assert exports.request(officers["receptionist"], "register", "pdf", centre.pk, "2026-01-01", "2026-01-31")


@pytest.mark.django_db
def test_statistics_are_for_heads_leaders_administrators_and_inspectors_of_the_agency(
    province, officers, head, inspector, clock_at_feb_10
):
    refused = [
        (officers["receptionist"], "thanh_sen_centre"),  # a receptionist keeps the register only
        (officers["leader"], "root"),  # a commune's leader does not see the province
        (officers["other_leader"], "thanh_sen"),  # nor another commune
        (head, "thanh_sen"),  # the centre's head does not see the People's Committee above it
    ]
    for user, agency in refused:
        with pytest.raises(NotAllowed, match="Chỉ lãnh đạo trung tâm, lãnh đạo, quản trị cấp tỉnh và thanh tra"):
            exports.request(user, "statistics", "pdf", province[agency].pk, "2026-01-01", "2026-01-31")
    assert not Export.objects.exists()
    allowed = [(officers["leader"], "thanh_sen"), (head, "thanh_sen_centre"), (inspector, "tran_phu")]
    for user, agency in allowed:
        exports.request(user, "statistics", "pdf", province[agency].pk, "2026-01-01", "2026-01-31")
    assert Export.objects.filter(status="queued").count() == 3


# -- the files --------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_register_in_excel_cell_by_cell(
    january, province, head, clock_at_feb_10, django_capture_on_commit_callbacks
):
    export = ask(head, "register", "xlsx", province["thanh_sen_centre"], capture=django_capture_on_commit_callbacks)
    assert export.status == Export.Status.DONE and export.error == ""
    assert (export.done, export.total) == (10, 10)
    assert export.filename == "so-theo-doi-H42.18073.01-20260101-20260131.xlsx"
    assert export.started_at == export.finished_at == FEB_10
    book = workbook(export)
    assert book.sheetnames == ["Sổ theo dõi hồ sơ"]
    sheet = book.active
    assert sheet["A1"].value == "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG PHƯỜNG THÀNH SEN"
    assert sheet["A2"].value == "SỔ THEO DÕI HỒ SƠ"
    assert sheet["A3"].value == "Từ ngày 01/01/2026 đến ngày 31/01/2026"
    assert row(sheet, 5) == [
        "STT",
        "Mã hồ sơ",
        "Tên TTHC",
        "Tên tổ chức, cá nhân",
        "Địa chỉ/SĐT",
        "Cơ quan chủ trì giải quyết",
        "Nhận hồ sơ",
        "Hẹn trả kết quả",
        "Trả kết quả",
        "Phương thức nhận kết quả",
        "Ký nhận",
    ]
    assert row(sheet, 6) == [f"({n})" for n in range(1, 12)]
    procedure = "Chứng thực giao dịch liên quan đến tài sản là động sản, quyền sử dụng đất, nhà ở"
    contact = "Số 5, đường Trần Phú, phường Thành Sen, Hà Tĩnh / 0912345678"
    commune = "Ủy ban nhân dân phường Thành Sen"
    counter = "Trực tiếp tại Bộ phận Tiếp nhận và Trả kết quả"
    # I: received Mon 05/01 09:00, due Wed 07/01 09:00, closed without its supplement.
    assert row(sheet, 7) == [
        1, "H42.18073-260105-0001", procedure, "Nguyễn Thị Lan", contact, commune,
        dt.datetime(2026, 1, 5, 9, 0), dt.datetime(2026, 1, 7, 9, 0), "Dừng giải quyết (không bổ sung)", counter, None,
    ]  # fmt: skip
    # C: the first of Monday 12/01, returned Wednesday 14/01 at 08:00.
    assert row(sheet, 8) == [
        2, "H42.18073-260112-0001", procedure, "Nguyễn Thị Lan", contact, commune,
        dt.datetime(2026, 1, 12, 9, 0), dt.datetime(2026, 1, 14, 9, 0), dt.datetime(2026, 1, 14, 8, 0), counter, None,
    ]  # fmt: skip
    assert sheet["G8"].number_format == sheet["I8"].number_format == "DD/MM/YYYY HH:MM"
    # G refused after appraisal (row 11), H withdrawn (row 12), E with its new date after the apology (row 13).
    assert (sheet["A11"].value, sheet["I11"].value) == (5, "Từ chối giải quyết")
    assert (sheet["A12"].value, sheet["I12"].value) == (6, "Dừng giải quyết (theo đề nghị)")
    assert (sheet["B13"].value, sheet["H13"].value, sheet["I13"].value) == (
        "H42.18073-260119-0001",
        dt.datetime(2026, 1, 23, 17, 0),
        None,
    )
    # K, accepted online on Thursday 29/01, its result to be sent online.
    assert row(sheet, 16)[:2] == [10, "H42.18073-260129-0001"]
    assert row(sheet, 16)[6] == dt.datetime(2026, 1, 29, 9, 0)
    assert row(sheet, 16)[9] == "Trực tuyến, trên Cổng Dịch vụ công"
    assert row(sheet, 17) == [None] * 11
    assert sheet["A18"].value == (
        "Lập từ sổ theo dõi điện tử trên Hệ thống thông tin giải quyết thủ tục hành chính lúc 10/02/2026 12:00."
    )
    assert sheet.max_row == 18
    assert sheet.freeze_panes == "C7"  # the number, the code and the headings stay in view


@pytest.mark.django_db
def test_progress_is_saved_every_chunk_not_every_row(
    january, province, head, clock_at_feb_10, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(exports, "PROGRESS_EVERY", 4)
    seen = []
    original_write = exports.Progress._write

    def write(self, **fields):
        original_write(self, **fields)
        stored = Export.objects.get(pk=self.export.pk)
        seen.append((stored.status, stored.done, stored.total))

    monkeypatch.setattr(exports.Progress, "_write", write)
    export = ask(head, "register", "xlsx", province["thanh_sen_centre"], capture=django_capture_on_commit_callbacks)
    # Counted first (10 rows), then saved after each chunk of 4: three writes for ten rows.
    assert seen == [("running", 0, 10), ("running", 4, 10), ("running", 8, 10), ("running", 10, 10)]
    assert (export.status, export.done, export.total) == ("done", 10, 10)
    assert exports.percent(export) == 100
    assert [cell.value for cell in workbook(export).active["A"][6:16]] == list(range(1, 11))


@pytest.mark.django_db
def test_the_register_as_pdf(january, province, officers, clock_at_feb_10, django_capture_on_commit_callbacks):
    export = ask(
        officers["receptionist"],
        "register",
        "pdf",
        province["thanh_sen_centre"],
        capture=django_capture_on_commit_callbacks,
    )
    assert export.status == "done" and export.filename.endswith("-20260101-20260131.pdf")
    text, reader = pdf_text(export)
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (842, 595)  # A4 landscape
    for expected in (
        "SỔ THEO DÕI HỒ SƠ",
        "Từ ngày 01/01/2026 đến ngày 31/01/2026",
        "Hà Tĩnh, ngày 10 tháng 02 năm 2026",
    ):
        assert expected in text
    codes = re.findall(r"H42\.18073-\d{6}-\d{4}", text)
    assert codes == [january[key].code for key in ("I", "C", "D", "F", "G", "H", "E", "J", "L", "K")]


@pytest.mark.django_db
def test_a_register_too_large_to_print_is_refused_with_advice(
    january, province, head, clock_at_feb_10, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(forms, "MAX_REGISTER_ROWS", 3)
    with pytest.raises(Invalid) as refusal:
        exports.request(head, "register", "pdf", province["thanh_sen_centre"].pk, "2026-01-01", "2026-01-31")
    assert refusal.value.field == "format"
    assert refusal.value.message == (
        "Kỳ này có hơn 3 hồ sơ được tiếp nhận: quá nhiều để in thành một sổ. Hãy xuất ra Excel, hoặc chọn kỳ ngắn hơn."
    )
    assert not Export.objects.exists()
    # Excel has no such limit, and a week of the same centre still prints.
    assert (
        ask(head, "register", "xlsx", province["thanh_sen_centre"], capture=django_capture_on_commit_callbacks).status
        == "done"
    )
    week = ask(
        head,
        "register",
        "pdf",
        province["thanh_sen_centre"],
        "2026-01-19",
        "2026-01-25",
        capture=django_capture_on_commit_callbacks,
    )
    assert week.status == "done"


@pytest.mark.django_db
def test_a_register_that_grew_too_large_before_printing_fails_with_advice(
    january, province, head, clock_at_feb_10, monkeypatch, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as queued:
        export = exports.request(head, "register", "pdf", province["thanh_sen_centre"].pk, "2026-01-01", "2026-01-31")
    monkeypatch.setattr(forms, "MAX_REGISTER_ROWS", 9)  # ten dossiers: one more than may be printed
    for callback in queued:
        callback()
    export.refresh_from_db()
    assert export.status == "failed" and not export.file
    assert "hơn 9 hồ sơ" in export.error and "Excel" in export.error
    assert export.finished_at == FEB_10


@pytest.mark.django_db
def test_the_statistics_in_excel_cell_by_cell(
    january, province, officers, clock_at_feb_10, django_capture_on_commit_callbacks
):
    export = ask(
        officers["leader"], "statistics", "xlsx", province["thanh_sen"], capture=django_capture_on_commit_callbacks
    )
    assert export.status == "done" and export.filename == "thong-ke-H42.18073-20260101-20260131.xlsx"
    assert (export.done, export.total) == (9, 9)  # rows: 1 agency, 2 fields, 3 channels, and a total each
    book = workbook(export)
    assert book.sheetnames == ["Theo cơ quan giải quyết", "Theo lĩnh vực", "Theo hình thức nộp"]
    sheet = book["Theo cơ quan giải quyết"]
    assert sheet["A1"].value == "ỦY BAN NHÂN DÂN PHƯỜNG THÀNH SEN"
    assert sheet["A2"].value == "BÁO CÁO TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH"
    assert sheet["A3"].value == "Kỳ báo cáo: Tháng 1/2026 (từ ngày 01/01/2026 đến ngày 31/01/2026)"
    assert sheet["C3"].value == "Theo cơ quan giải quyết"
    groups = {cell.coordinate: cell.value for cell in sheet[5] if cell.value}
    assert groups == {
        "C5": "Số hồ sơ nhận giải quyết",
        "G5": "Đã giải quyết trong kỳ",
        "L5": "Kết thúc không có kết quả",
        "O5": "Đang giải quyết cuối kỳ",
    }
    assert row(sheet, 6) == [
        "STT", "Cơ quan giải quyết",
        "Tổng số", "Kỳ trước chuyển sang", "Mới tiếp nhận trong kỳ", "Trong đó: trực tuyến",
        "Tổng số", "Trước hạn", "Đúng hạn", "Quá hạn", "Tỷ lệ trước hạn và đúng hạn (%)",
        "Từ chối", "Công dân rút hồ sơ", "Dừng do không bổ sung",
        "Tổng số", "Chưa đến hạn", "Quá hạn",
    ]  # fmt: skip
    # Counted by hand in test_reports: 11 dossiers; 5 resolved (1 early, 2 on time, 2 late).
    figures = [11, 1, 10, 1, 5, 1, 2, 2, 0.6, 1, 1, 1, 3, 2, 1]
    assert row(sheet, 7) == [1, "Ủy ban nhân dân phường Thành Sen", *figures]
    assert row(sheet, 8) == [None, "Tổng cộng", *figures]
    assert sheet["K7"].number_format == "0.0%" and sheet["C7"].number_format == "General"
    assert sheet["C7"].font.b is False and sheet["B8"].font.b is sheet["C8"].font.b is True  # the total in bold
    assert sheet["A10"].value.startswith("Ghi chú: Trước hạn, đúng hạn và quá hạn được xác định")
    assert "Văn bản xin lỗi và đề nghị gia hạn (Mẫu 04) không làm hồ sơ thành đúng hạn" in sheet["A10"].value
    channels = book["Theo hình thức nộp"]
    assert [channels.cell(row=r, column=2).value for r in range(7, 11)] == [
        "Trực tiếp tại quầy",
        "Trực tuyến trên Cổng dịch vụ công",
        "Qua bưu chính",
        "Tổng cộng",
    ]
    assert row(channels, 9) == [3, "Qua bưu chính", 1, 0, 1, 0, 0, 0, 0, 0, None, 0, 1, 0, 0, 0, 0]
    fields = book["Theo lĩnh vực"]
    assert row(fields, 8) == [2, "Hoạt động xây dựng", 1, 0, 1, 1, 0, 0, 0, 0, None, 0, 0, 0, 1, 1, 0]


@pytest.mark.django_db
def test_the_statistics_as_pdf(january, province, inspector, clock_at_feb_10, django_capture_on_commit_callbacks):
    export = ask(inspector, "statistics", "pdf", province["root"], capture=django_capture_on_commit_callbacks)
    assert export.status == "done" and export.filename == "thong-ke-H42-20260101-20260131.pdf"
    text, reader = pdf_text(export)
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (842, 595)
    for expected in (
        "ỦY BAN NHÂN DÂN TỈNH HÀ TĨNH",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Hà Tĩnh, ngày 10 tháng 02 năm 2026",
        "BÁO CÁO TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH",
        "Kỳ báo cáo: Tháng 1/2026 (từ ngày 01/01/2026 đến ngày 31/01/2026)",
        "1. Theo cơ quan giải quyết",
        "2. Theo lĩnh vực",
        "3. Theo hình thức nộp",
        "Ghi chú: Trước hạn, đúng hạn và quá hạn",
        "NGƯỜI LẬP BIỂU",
        "THỦ TRƯỞNG CƠ QUAN, ĐƠN VỊ",
    ):
        assert expected in text
    # The rows as printed: Thành Sen (M is Trần Phú's), then the province's total with M added.
    assert "1 Ủy ban nhân dân phường Thành Sen 11 1 10 1 5 1 2 2 60,0 1 1 1 3 2 1" in text
    assert "2 Ủy ban nhân dân phường Trần Phú 1 0 1 0 0 0 0 0 – 0 0 0 1 0 1" in text
    assert "Tổng cộng 12 1 11 1 5 1 2 2 60,0 1 1 1 4 2 2" in text


# -- failures and starting again ------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_failure_is_shown_and_the_export_can_be_started_again(
    province, officers, clock_at_feb_10, monkeypatch, django_capture_on_commit_callbacks
):
    def broken(*args, **kwargs):
        raise OSError("ổ đĩa đầy")

    monkeypatch.setattr(reports, "statistics", broken)
    export = ask(
        officers["leader"], "statistics", "xlsx", province["thanh_sen"], capture=django_capture_on_commit_callbacks
    )
    assert export.status == "failed" and not export.file
    assert export.error == "Không tạo được tệp (ổ đĩa đầy). Hãy chạy lại; nếu vẫn lỗi, hãy báo cho quản trị hệ thống."
    monkeypatch.undo()
    with pytest.raises(NotAllowed):
        exports.restart(officers["other_leader"], export.pk)
    with django_capture_on_commit_callbacks(execute=True):
        exports.restart(officers["leader"], export.pk)
    export.refresh_from_db()
    assert export.status == "done" and export.error == "" and export.file
    with pytest.raises(Conflict, match="đã lỗi hoặc đã ngừng tiến triển"):
        exports.restart(officers["leader"], export.pk)


@pytest.mark.django_db
def test_an_export_without_progress_for_ten_minutes_can_be_started_again(
    province, officers, django_capture_on_commit_callbacks
):
    with time_machine.travel(FEB_10, tick=False), django_capture_on_commit_callbacks(execute=False):
        export = exports.request(
            officers["leader"], "statistics", "pdf", province["thanh_sen"].pk, "2026-01-01", "2026-01-31"
        )
    # A worker took it at 12:00 and wrote its progress at 12:01, then died.
    Export.objects.filter(pk=export.pk).update(
        status="running",
        started_at=FEB_10,
        params={"period": "Tháng 1/2026", "progress_at": at(2026, 2, 10, 12, 1).isoformat()},
    )
    export.refresh_from_db()
    with time_machine.travel(at(2026, 2, 10, 12, 10), tick=False):
        assert not exports.stalled(export)
        with pytest.raises(Conflict):
            exports.restart(officers["leader"], export.pk)
    with time_machine.travel(at(2026, 2, 10, 12, 12), tick=False):
        assert exports.stalled(export)
        with django_capture_on_commit_callbacks(execute=True):
            exports.restart(officers["leader"], export.pk)
    export.refresh_from_db()
    assert export.status == "done" and export.finished_at == at(2026, 2, 10, 12, 12)


@pytest.mark.django_db
def test_an_export_never_taken_by_a_worker_counts_as_stalled_after_ten_minutes(province, officers):
    with time_machine.travel(FEB_10, tick=False):
        export = exports.request(
            officers["leader"], "statistics", "pdf", province["thanh_sen"].pk, "2026-01-01", "2026-01-31"
        )
    assert export.status == "queued"
    assert not exports.stalled(export, now=at(2026, 2, 10, 12, 9))
    assert exports.stalled(export, now=at(2026, 2, 10, 12, 11))


@pytest.mark.django_db
def test_a_worker_that_lost_its_export_to_a_restart_stops_without_writing(
    january, province, head, clock_at_feb_10, monkeypatch, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        export = exports.request(head, "register", "xlsx", province["thanh_sen_centre"].pk, "2026-01-01", "2026-01-31")
    original = reports.register_chunks

    def chunks_then_taken_over(*args, **kwargs):
        for number, chunk in enumerate(original(*args, **kwargs)):
            if number == 0:  # meanwhile the export was started again and another worker took it
                Export.objects.filter(pk=export.pk).update(started_at=at(2026, 2, 10, 12, 30))
            yield chunk

    monkeypatch.setattr(exports, "PROGRESS_EVERY", 4)
    monkeypatch.setattr(reports, "register_chunks", chunks_then_taken_over)
    assert exports.run(export.pk) == "superseded"
    export.refresh_from_db()
    assert export.status == "running" and export.started_at == at(2026, 2, 10, 12, 30)
    assert not export.file and export.done == 0
    assert exports.run(export.pk) == "not queued"


# -- the page -------------------------------------------------------------------------------------------


@pytest.fixture
def logged_in(client, head):
    client.force_login(head)
    return client


@pytest.mark.django_db
def test_the_page_defaults_to_last_month_and_shows_its_statistics(january, logged_in, clock_at_feb_10):
    page = logged_in.get(reverse("reports:index"))
    html = page.content.decode()
    assert page.status_code == 200
    assert "<h1>Báo cáo, thống kê</h1>" in html
    assert '<option value="m1" selected>Tháng 1</option>' in html
    assert 'name="year" type="number" inputmode="numeric" min="2000" max="2100" value="2026"' in html
    assert "Thống kê của Trung tâm Phục vụ hành chính công phường Thành Sen — Tháng 1/2026" in html
    assert '<th scope="row" class="label">Ủy ban nhân dân phường Thành Sen</th>' in html
    assert "Bạn chưa xuất tệp nào." in html
    assert page.context["stats"].total.figures["total"] == 11


@pytest.mark.django_db
def test_an_officer_without_a_reporting_role_is_told_so(client, officers):
    client.force_login(officers["specialist"])
    page = client.get(reverse("reports:index"))
    assert page.status_code == 403
    assert "Chỉ lãnh đạo và công chức tiếp nhận" in page.content.decode()


@pytest.mark.django_db
def test_asking_on_the_page_queues_the_export_and_lists_it(
    january, province, head, logged_in, clock_at_feb_10, django_capture_on_commit_callbacks
):
    form = {
        "kind": "register",
        "format": "xlsx",
        "agency": province["thanh_sen_centre"].pk,
        "period": "m1",
        "year": "2026",
        "action": "export",
    }
    with django_capture_on_commit_callbacks(execute=False) as queued:
        answer = logged_in.post(reverse("reports:export"), form)
    assert answer.status_code == 302
    assert answer["Location"].endswith("#exports") and "period=m1" in answer["Location"]
    export = Export.objects.get()
    assert (export.kind, export.format, export.requested_by, export.first, export.last) == (
        "register", "xlsx", head, dt.date(2026, 1, 1), dt.date(2026, 1, 31)
    )  # fmt: skip
    listed = logged_in.get(answer["Location"]).content.decode()
    assert f'hx-get="{reverse("reports:item", args=[export.pk])}" hx-trigger="every 2s"' in listed
    assert "Đang chờ xử lý…" in listed
    for callback in queued:
        callback()
    line = logged_in.get(reverse("reports:item", args=[export.pk])).content.decode()
    assert "hx-trigger" not in line  # no more polling once it is ready
    assert f'href="{reverse("reports:download", args=[export.pk])}"' in line
    download = logged_in.get(reverse("reports:download", args=[export.pk]))
    assert download.status_code == 200 and download["Content-Type"] == XLSX
    assert 'filename="so-theo-doi-H42.18073.01-20260101-20260131.xlsx"' in download["Content-Disposition"]
    book = openpyxl.load_workbook(io.BytesIO(b"".join(download.streaming_content)))
    assert book.active["B7"].value == "H42.18073-260105-0001"


@pytest.mark.django_db
def test_a_bad_period_on_the_page_is_explained_and_nothing_is_queued(province, logged_in, clock_at_feb_10):
    form = {
        "kind": "statistics",
        "format": "pdf",
        "agency": province["thanh_sen_centre"].pk,
        "period": "custom",
        "first": "2026-01-31",
        "last": "2026-01-01",
        "action": "export",
    }
    answer = logged_in.post(reverse("reports:export"), form)
    html = answer.content.decode()
    assert answer.status_code == 422
    assert '<a href="#id_last">Kỳ báo cáo kết thúc trước khi bắt đầu' in html
    assert (
        'id="id_last" name="last" type="date" value="2026-01-01" aria-describedby="days-hint" aria-invalid="true"'
        in html
    )
    assert not Export.objects.exists()
    answer = logged_in.post(reverse("reports:export"), dict(form, period="m1", year="abc"))
    assert answer.status_code == 422 and "Nhập năm, ví dụ 2026." in answer.content.decode()
    assert not Export.objects.exists()


@pytest.mark.django_db
def test_the_show_button_only_shows_the_statistics(province, logged_in, clock_at_feb_10):
    form = {
        "kind": "statistics",
        "format": "pdf",
        "agency": province["thanh_sen_centre"].pk,
        "period": "q4",
        "year": "2025",
        "action": "show",
    }
    answer = logged_in.post(reverse("reports:export"), form)
    assert answer.status_code == 302 and not Export.objects.exists()
    page = logged_in.get(answer["Location"])
    assert "Quý IV/2025" in page.content.decode()
    assert (page.context["stats"].first, page.context["stats"].last) == (dt.date(2025, 10, 1), dt.date(2025, 12, 31))


@pytest.mark.django_db
def test_only_the_requester_or_staff_download_the_file(
    province, head, officers, client, clock_at_feb_10, django_capture_on_commit_callbacks
):
    export = ask(head, "statistics", "xlsx", province["thanh_sen_centre"], capture=django_capture_on_commit_callbacks)
    url = reverse("reports:download", args=[export.pk])
    client.force_login(officers["receptionist"])  # same centre, but not the one who asked
    assert client.get(url).status_code == 404
    assert client.get(reverse("reports:item", args=[export.pk])).status_code == 404
    assert client.post(reverse("reports:restart", args=[export.pk])).status_code == 404
    staff = get_user_model().objects.create_user("quantri", is_staff=True)
    client.force_login(staff)
    assert client.get(url).status_code == 200
    client.force_login(head)
    assert client.get(url).status_code == 200
    client.logout()
    assert client.get(url).status_code == 302  # to the login page


@pytest.mark.django_db
def test_a_failed_export_is_started_again_from_the_page(
    province, head, logged_in, clock_at_feb_10, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(reports, "statistics", lambda *a, **k: 1 / 0)
    export = ask(head, "statistics", "xlsx", province["thanh_sen_centre"], capture=django_capture_on_commit_callbacks)
    monkeypatch.undo()
    page = logged_in.get(reverse("reports:index")).content.decode()
    assert "Không tạo được tệp (division by zero)" in page and "Chạy lại" in page
    with django_capture_on_commit_callbacks(execute=True):
        answer = logged_in.post(reverse("reports:restart", args=[export.pk]), headers={"HX-Request": "true"})
    assert answer.status_code == 200 and f'id="export-{export.pk}"' in answer.content.decode()
    export.refresh_from_db()
    assert export.status == "done"


@pytest.mark.django_db
def test_the_page_lists_only_the_officers_own_exports(province, head, inspector, client, clock_at_feb_10):
    mine = exports.request(head, "statistics", "xlsx", province["thanh_sen_centre"].pk, "2026-01-01", "2026-01-31")
    exports.request(inspector, "statistics", "pdf", province["root"].pk, "2026-01-01", "2026-01-31")
    client.force_login(head)
    page = client.get(reverse("reports:index"))
    assert [job["export"].pk for job in page.context["jobs"]] == [mine.pk]


# -- in a browser -------------------------------------------------------------------------------------


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_centre_head_exports_the_register_and_downloads_it(
    live_server, province, officers, receive, head, desktop, screenshot, axe_violations, flushable_events, tmp_path
):
    from playwright.sync_api import expect

    january_dossiers = [receive(when=at(2026, 1, 12, 9, 0)), receive(when=at(2026, 1, 13, 10, 0))]
    page, base = desktop, live_server.url
    page.goto(f"{base}/can-bo/dang-nhap/")
    page.get_by_label("Tên đăng nhập").fill("truongtt")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(f"{base}/can-bo/")
    page.goto(f"{base}/can-bo/thong-ke/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Báo cáo, thống kê")
    page.get_by_label("Báo cáo", exact=True).select_option(label="Sổ theo dõi hồ sơ (Mẫu 07)")
    page.get_by_label("Excel").check()
    page.get_by_label("Kỳ báo cáo").select_option("m1")
    page.get_by_label("Năm", exact=True).fill("2026")
    # Without a worker the export waits in the queue: the page shows it waiting and polls.
    with override_settings(TASKS={"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}):
        page.get_by_role("button", name="Xuất tệp").click()
        expect(page.get_by_text("Đang chờ xử lý…")).to_be_visible()
    export = Export.objects.get()
    assert (export.kind, export.first, export.last) == ("register", dt.date(2026, 1, 1), dt.date(2026, 1, 31))
    assert axe_violations(page) == []
    screenshot(page, "reports-export-waiting")
    # A worker writes it; the next poll shows the link.
    assert exports.run(export.pk) == "done"
    link = page.get_by_role("link", name=re.compile("Tải về"))
    expect(link).to_be_visible(timeout=10_000)
    with page.expect_download() as download:
        link.click()
    path = tmp_path / download.value.suggested_filename
    download.value.save_as(path)
    assert download.value.suggested_filename == "so-theo-doi-H42.18073.01-20260101-20260131.xlsx"
    sheet = openpyxl.load_workbook(path).active
    assert [sheet["B7"].value, sheet["B8"].value] == [d.code for d in january_dossiers]
    assert axe_violations(page) == []
    screenshot(page, "reports-export-ready")
    page.set_viewport_size({"width": 360, "height": 740})
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(page, "reports-export-phone")
