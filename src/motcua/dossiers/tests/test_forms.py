"""The official forms 01–07 as a person reads them: rendered from dossiers built by the services.

Set MOTCUA_FORMS_DIR to a folder to keep every PDF these tests render, for a look at them.
"""

import io
import os
import re
import unicodedata
from pathlib import Path

import pytest
import time_machine
from pypdf import PdfReader

from motcua.dossiers import forms, services
from motcua.dossiers.tests.conftest import at, person

A5 = (419.53, 595.28)
A4_LANDSCAPE = (841.89, 595.28)


def act(when, fn, *args, **kwargs):
    with time_machine.travel(when, tick=False):
        return fn(*args, **kwargs)


def read(pdf: bytes, name: str = "") -> tuple[str, PdfReader]:
    """The PDF's text as one line per page joined, NFC, whitespace collapsed."""
    if name and os.environ.get("MOTCUA_FORMS_DIR"):
        folder = Path(os.environ["MOTCUA_FORMS_DIR"])
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{name}.pdf").write_bytes(pdf)
    reader = PdfReader(io.BytesIO(pdf))
    text = " ".join(page.extract_text() for page in reader.pages)
    return " ".join(unicodedata.normalize("NFC", text).split()), reader


def page_size(reader: PdfReader, index: int = 0) -> tuple[float, float]:
    box = reader.pages[index].mediabox
    return round(float(box.width), 2), round(float(box.height), 2)


def embedded_fonts(reader: PdfReader) -> set[str]:
    """Base names of the fonts of the first page, without the subset prefix ("ABCDEF+")."""
    fonts = reader.pages[0]["/Resources"]["/Font"]
    return {str(font.get_object()["/BaseFont"]).split("+")[-1] for font in fonts.values()}


def vietnamese_times_installed() -> bool:
    """Whether a Times-metric serif with the Vietnamese letters (ệ …) is installed: Debian's
    fonts-liberation 1.07 has none of them (fonts-liberation2 has), and Pango then borrows
    them from another typeface."""
    from fontTools.ttLib import TTFont

    for pattern in ("LiberationSerif-Regular.ttf", "Times*New*Roman*.ttf", "times.ttf"):
        for path in Path("/usr/share/fonts").rglob(pattern):
            if 0x1EC7 in TTFont(path, lazy=True).getBestCmap():
                return True
    return False


def is_pdfa(reader: PdfReader) -> bool:
    xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode()
    return bool(re.search(r"pdfaid:part(>|=\")3", xmp))


@pytest.fixture
def lan_with_representative():
    return person(representative_name="Trần Văn Bình", representative_id_number="042085000456")


@pytest.fixture
def handled(receive, officers, lan_with_representative):
    """A certification received Monday 12/01/2026 09:00 (due Wednesday 09:00), handed over late,
    on time and early, then returned."""
    dossier = receive(when=at(2026, 1, 12, 9, 0), applicant=lan_with_representative)
    act(at(2026, 1, 12, 16, 0), services.complete_step, dossier.pk, officers["receptionist"])  # due 14:30
    act(at(2026, 1, 12, 16, 30), services.assign, dossier.pk, officers["leader"], officers["specialist"])
    act(at(2026, 1, 13, 10, 0), services.complete_step, dossier.pk, officers["specialist"], note="Hồ sơ hợp lệ")
    act(at(2026, 1, 13, 15, 0), services.approve, dossier.pk, officers["leader"])
    act(at(2026, 1, 14, 8, 0), services.return_result, dossier.pk, officers["receptionist"])
    return dossier


@pytest.mark.django_db
def test_form_01_shows_code_applicant_representative_documents_and_times(handled):
    assert forms.available_forms(handled) == [1, 6]
    text, reader = read(forms.render_form(handled, 1), "01")
    assert page_size(reader) == A5 and len(reader.pages) == 1
    assert is_pdfa(reader)
    for expected in [
        "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Hà Tĩnh, ngày 12 tháng 01 năm 2026",
        "ỦY BAN NHÂN DÂN PHƯỜNG THÀNH SEN",
        "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG PHƯỜNG THÀNH SEN",
        "Mã hồ sơ: H42.18073-260112-0001",
        "Ông (Bà)/Tổ chức: Nguyễn Thị Lan",
        "Số định danh cá nhân/tổ chức: 042190000123",
        "Người được ủy quyền nộp hồ sơ: Trần Văn Bình; Số định danh cá nhân: 042085000456",
        "Nội dung yêu cầu giải quyết: Chứng thực giao dịch liên quan đến tài sản là động sản",
        "1. Dự thảo hợp đồng (bản chính, 1 bản)",
        "Thời gian giải quyết hồ sơ theo quy định là: 2 ngày làm việc",
        "Thời gian nhận hồ sơ: 09 giờ 00 phút, ngày 12/01/2026",
        "Thời gian trả kết quả giải quyết hồ sơ: 09 giờ 00 phút, ngày 14/01/2026",
        "Đăng ký nhận kết quả tại: Trung tâm Phục vụ hành chính công phường Thành Sen",
        "Phí, lệ phí đã nộp: 50.000 đ",
        "(Ký, ghi rõ họ tên)",
        "(Ký số nếu là biểu mẫu điện tử)",
    ]:
        assert expected in text


@pytest.mark.django_db
def test_vietnamese_letters_are_set_in_one_times_metric_typeface(handled):
    if not vietnamese_times_installed():
        pytest.skip("Install Debian's fonts-liberation2: fonts-liberation 1.07 lacks Vietnamese letters")
    _, reader = read(forms.render_form(handled, 1))
    assert embedded_fonts(reader) <= {
        "Liberation-Serif",
        "Liberation-Serif-Bold",
        "Liberation-Serif-Italic",
        "TimesNewRomanPSMT",
        "TimesNewRomanPS-BoldMT",
        "TimesNewRomanPS-ItalicMT",
    }


@pytest.mark.django_db
def test_qr_code_names_the_dossier_the_procedure_the_applicant_and_the_form(handled):
    payload = forms.qr_payload(handled, forms.FORMS[1])
    assert payload == (
        "MaHoSo=H42.18073-260112-0001;MaTTHC=2.001035;SoDinhDanh=042190000123;"
        "TenGiayTo=Giấy tiếp nhận hồ sơ và hẹn trả kết quả"
    )


@pytest.mark.django_db
def test_form_06_has_one_block_per_hand_over_with_its_timing(handled):
    text, reader = read(forms.render_form(handled, 6), "06")
    assert page_size(reader) == A5
    for expected in [
        "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ",
        "Mã số hồ sơ: H42.18073-260112-0001",
        "Cơ quan (bộ phận) giải quyết hồ sơ: Ủy ban nhân dân phường Thành Sen",
        "Ngày nhận: 09 giờ 00 phút, ngày 12/01/2026",
        "Hẹn trả kết quả vào: 09 giờ 00 phút, ngày 14/01/2026",
    ]:
        assert expected in text
    # One block per hand-over, in order: the applicant's to the centre, then late, on time, early, on time.
    blocks = text.split("Ghi chú: ")[0].split("1. Giao: ")[1:]
    centre, commune = "Trung tâm Phục vụ hành chính công phường Thành Sen", "Ủy ban nhân dân phường Thành Sen"
    expected = [
        ("Trần Văn Bình", "09 giờ 00 phút, ngày 12/01/2026", "", centre, "Trần Văn Bình", "Tiepnhan"),
        (centre, "16 giờ 00 phút, ngày 12/01/2026", "Quá hạn", commune, "Tiepnhan", "Chuyenvien"),
        (commune, "10 giờ 00 phút, ngày 13/01/2026", "Đúng hạn", commune, "Chuyenvien", "Lanhdao"),
        (commune, "15 giờ 00 phút, ngày 13/01/2026", "Trước hạn", centre, "Lanhdao", "Tiepnhan"),
        (centre, "08 giờ 00 phút, ngày 14/01/2026", "Đúng hạn", "Trần Văn Bình", "Tiepnhan", "Trần Văn Bình"),
    ]
    assert len(blocks) == len(expected)
    for block, (giver, time, timing, taker, giver_name, taker_name) in zip(blocks, expected, strict=True):
        assert block.startswith(f"{giver} {time} {timing}".strip())
        assert f"2. Nhận: {taker} Người giao {giver_name} Người nhận {taker_name}" in block
        assert re.findall(r"Trước hạn|Đúng hạn|Quá hạn", block) == ([timing] if timing else [])
    assert "Hồ sơ hợp lệ" in text


@pytest.mark.django_db
def test_form_02_at_reception_lists_every_missing_item_and_the_reason(receive):
    dossier = receive(
        outcome="supplement",
        items=["Bản sao giấy chứng nhận quyền sử dụng đất", "Giấy ủy quyền có chứng thực"],
        reasons="Hồ sơ chưa đủ thành phần theo quy định",
    )
    assert forms.available_forms(dossier) == [2]
    text, reader = read(forms.render_form(dossier, 2), "02")
    assert page_size(reader) == A5 and is_pdfa(reader)
    for expected in [
        "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ",
        "Hồ sơ của: Nguyễn Thị Lan",
        "Số định danh cá nhân/tổ chức: 042190000123",
        "1. Bản sao giấy chứng nhận quyền sử dụng đất 2. Giấy ủy quyền có chứng thực",
        "Lý do: Hồ sơ chưa đủ thành phần theo quy định",
        "Ngày yêu cầu: 09 giờ 00 phút, ngày 12/01/2026",
        "NGƯỜI HƯỚNG DẪN",
    ]:
        assert expected in text
    assert "Mã hồ sơ" not in text


@pytest.mark.django_db
def test_form_02_after_acceptance_names_the_dossier(receive, officers):
    dossier = receive(when=at(2026, 1, 12, 9, 0))
    act(at(2026, 1, 12, 10, 0), services.complete_step, dossier.pk, officers["receptionist"])
    act(
        at(2026, 1, 13, 9, 0),
        services.request_supplement,
        dossier.pk,
        officers["specialist"],
        items=["Bản sao sổ đỏ"],
        reasons="Thiếu giấy tờ",
    )
    assert forms.available_forms(dossier) == [1, 2, 6]
    text, _ = read(forms.render_form(dossier, 2))
    assert "Mã hồ sơ: H42.18073-260112-0001" in text and "1. Bản sao sổ đỏ" in text
    assert "Hà Tĩnh, ngày 13 tháng 01 năm 2026" in text


@pytest.mark.django_db
def test_form_03_gives_the_reasons_for_refusing(receive):
    dossier = receive(outcome="refuse", reasons="Thủ tục không thuộc thẩm quyền giải quyết của cấp xã")
    assert forms.available_forms(dossier) == [3]
    text, reader = read(forms.render_form(dossier, 3), "03")
    assert page_size(reader) == A5
    for expected in [
        "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ",
        "Ông (Bà)/Tổ chức: Nguyễn Thị Lan",
        "Số định danh cá nhân/tổ chức: 042190000123",
        "Mã hồ sơ (nếu có): không có",
        "1. Thủ tục không thuộc thẩm quyền giải quyết của cấp xã",
    ]:
        assert expected in text
    with pytest.raises(forms.FormNotAvailable):
        forms.render_form(dossier, 1)


@pytest.mark.django_db
def test_form_04_apologises_with_the_old_and_new_dates_signed_by_the_head(receive, officers):
    dossier = receive(code="1.013225", when=at(2026, 3, 2, 9, 0))  # 15 working days: 23/03 09:00
    act(
        at(2026, 3, 10, 9, 0),
        services.extend,
        dossier.pk,
        officers["leader"],
        new_due_at=at(2026, 3, 30, 17, 0),
        reason="Chờ ý kiến cơ quan phối hợp",
    )
    assert forms.available_forms(dossier) == [1, 4, 6]
    text, reader = read(forms.render_form(dossier, 4), "04")
    assert page_size(reader) == A5
    for expected in [
        "VĂN BẢN XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT",
        "Hà Tĩnh, ngày 10 tháng 3 năm 2026",
        "Kính gửi: Ông (Bà)/Tổ chức Nguyễn Thị Lan",
        "Mã số hồ sơ: H42.18073-260302-0001",
        "Số định danh cá nhân/tổ chức: 042190000123",
        "Thời gian hẹn trả kết quả giải quyết hồ sơ: 09 giờ 00 phút, ngày 23/03/2026",
        "Lý do: Chờ ý kiến cơ quan phối hợp",
        "đến 17 giờ 00 phút, ngày 30/03/2026",
        "THỦ TRƯỞNG CƠ QUAN, ĐƠN VỊ",
        "Lanhdao",
    ]:
        assert expected in text
    # The slip keeps the first appointment; the control slip shows the new one.
    assert (
        "Thời gian trả kết quả giải quyết hồ sơ: 09 giờ 00 phút, ngày 23/03/2026"
        in read(forms.render_form(dossier, 1))[0]
    )
    assert "Hẹn trả kết quả vào: 17 giờ 00 phút, ngày 30/03/2026" in read(forms.render_form(dossier, 6))[0]


@pytest.mark.django_db
def test_form_05_notifies_that_handling_stopped_at_the_applicants_request(receive, officers):
    dossier = receive(when=at(2026, 1, 12, 9, 0))
    act(at(2026, 1, 12, 10, 15), services.withdraw, dossier.pk, officers["receptionist"], reasons="Công dân xin rút")
    assert forms.available_forms(dossier) == [1, 5, 6]
    text, reader = read(forms.render_form(dossier, 5), "05")
    assert page_size(reader) == A5
    for expected in [
        "THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ",
        "Kính gửi: Ông (Bà)/Tổ chức Nguyễn Thị Lan",
        "Số định danh cá nhân/tổ chức: 042190000123",
        "Mã hồ sơ: H42.18073-260112-0001",
        "Thời gian đề nghị dừng giải quyết: 10 giờ 15 phút, ngày 12/01/2026",
        "Lý do đề nghị: Công dân xin rút",
        "dừng giải quyết hồ sơ",
    ]:
        assert expected in text


@pytest.mark.django_db
def test_forms_that_the_history_lacks_are_not_available(receive):
    dossier = receive()
    for number in (2, 3, 4, 5, 7, 8):
        with pytest.raises(forms.FormNotAvailable):
            forms.render_form(dossier, number)


@pytest.mark.django_db
def test_form_07_lists_the_centres_dossiers_of_the_period_in_order_of_receipt(
    receive, officers, province, small_catalog
):
    from motcua.dossiers.services import Reception

    # Received out of order on purpose; one the day before the period, one at another centre.
    later = receive(when=at(2026, 1, 14, 8, 30), applicant=person(name="Lê Văn Cường", phone=""))
    first = receive(when=at(2026, 1, 12, 9, 0))
    receive(when=at(2026, 1, 11, 16, 0), applicant=person(name="Ngoài Kỳ"))  # before the period
    act(
        at(2026, 1, 13, 9, 0),
        services.receive_at_counter,
        officers["other_receptionist"],
        province["tran_phu_centre"],
        Reception(procedure_code="2.001035", applicant=person(name="Phường Khác")),
        "receive",
    )
    act(at(2026, 1, 12, 10, 0), services.complete_step, first.pk, officers["receptionist"])
    act(at(2026, 1, 12, 11, 0), services.complete_step, first.pk, officers["specialist"])
    act(at(2026, 1, 12, 15, 0), services.approve, first.pk, officers["leader"])
    act(at(2026, 1, 13, 8, 0), services.return_result, first.pk, officers["receptionist"])

    with time_machine.travel(at(2026, 2, 1, 8, 0), tick=False):
        pdf = forms.render_register(province["thanh_sen_centre"], at(2026, 1, 12, 0, 0).date(), at(2026, 1, 31).date())
    text, reader = read(pdf, "07")
    assert page_size(reader) == A4_LANDSCAPE and is_pdfa(reader)
    for expected in [
        "SỔ THEO DÕI HỒ SƠ",
        "Từ ngày 12/01/2026 đến ngày 31/01/2026",
        "Hà Tĩnh, ngày 01 tháng 02 năm 2026",
        "STT Mã hồ sơ Tên TTHC Tên tổ chức, cá nhân Địa chỉ/SĐT Cơ quan chủ trì giải quyết",
        "Nhận hồ sơ Hẹn trả kết quả Trả kết quả Phương thức nhận kết quả Ký nhận",
    ]:
        assert expected in text
    rows = re.findall(r"(\d) (H42\.\d+-\d{6}-\d{4}) Chứng thực", text)
    assert rows == [("1", first.code), ("2", later.code)]
    assert "Ngoài Kỳ" not in text and "Phường Khác" not in text
    first_row = text[text.index(first.code) : text.index(later.code)]
    assert "Nguyễn Thị Lan Số 5, đường Trần Phú, phường Thành Sen, Hà Tĩnh / 0912345678" in first_row
    assert "09 giờ 00 phút, ngày 12/01/2026" in first_row
    assert "08 giờ 00 phút, ngày 13/01/2026" in first_row  # returned
    assert "Trực tiếp tại Bộ phận Tiếp nhận và Trả kết quả" in first_row
    # The province's register covers every centre under it.
    everything, _ = read(forms.render_register(province["root"], at(2026, 1, 1).date(), at(2026, 1, 31).date()))
    assert "Ngoài Kỳ" in everything and "Phường Khác" in everything


@pytest.mark.django_db
def test_a_register_too_large_to_print_is_refused(receive, province, monkeypatch):
    receive(when=at(2026, 1, 12, 9, 0))
    receive(when=at(2026, 1, 12, 10, 0))
    monkeypatch.setattr(forms, "MAX_REGISTER_ROWS", 1)
    with pytest.raises(forms.RegisterTooLarge):
        forms.render_register(province["thanh_sen_centre"], at(2026, 1, 12).date(), at(2026, 1, 12).date())
