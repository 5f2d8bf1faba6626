"""Values read in OCR text for the officer to confirm, and page numbers out of sequence."""

import datetime as dt

import pytest

from motcua.documents import prefill

FORM = """CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
TỜ KHAI ĐĂNG KÝ KHAI SINH
Họ, chữ đệm và tên (viết chữ in hoa): NGUYỄN VĂN AN ........ Giới tính: Nam
Ngày, tháng, năm sinh: 05/09/2024
Họ và tên người yêu cầu: Nguyễn Thị Lan
Số định danh cá nhân: 042 190 000 123
Hà Tĩnh, ngày 12 tháng 3 năm 2025
"""

DECISION = """ỦY BAN NHÂN DÂN PHƯỜNG THÀNH SEN
Số: 123/QĐ-UBND                    Thành Sen, ngày 02 tháng 01 năm 2026
QUYẾT ĐỊNH
Căn cứ Quyết định số 45/2025/QĐ-UBND ngày 1 tháng 7 năm 2025;
"""


def test_citizen_id_numbers():
    assert prefill.id_numbers(FORM) == ["042190000123"]
    assert prefill.id_numbers("CCCD: 001090012345, điện thoại 0912345678") == ["001090012345"]
    assert prefill.id_numbers("Số 0421900001234 có 13 chữ số") == []
    assert prefill.id_numbers("999190000123") == []  # no province has code 999


def test_names_after_their_label():
    assert prefill.names(FORM) == ["Nguyễn Văn An", "Nguyễn Thị Lan"]
    assert prefill.names("Họ tên: Trần  Bình  ;  Ngày sinh: 01/01/1980") == ["Trần Bình"]
    assert prefill.names("Họ và tên: ....................") == []
    assert prefill.names("Họ và tên: 12345 Nguyễn") == []


def test_birth_dates_in_figures_and_words():
    assert prefill.birth_dates(FORM) == [dt.date(2024, 9, 5)]
    assert prefill.birth_dates("Sinh ngày 3 tháng 11 năm 1975") == [dt.date(1975, 11, 3)]
    assert prefill.birth_dates("Ngày sinh: 31/02/1990") == []  # no such day
    assert prefill.parse_date("ngày 12 tháng 3 năm 2025") == dt.date(2025, 3, 12)


def test_decision_numbers_and_dates():
    assert prefill.decision_numbers(DECISION) == ["123/QĐ-UBND", "45/2025/QĐ-UBND"]
    assert prefill.decision_dates(DECISION) == [dt.date(2026, 1, 2), dt.date(2025, 7, 1)]


def test_suggestions_put_kinds_in_order_and_keep_birth_dates_apart():
    found = [(s.kind, s.value) for s in prefill.suggestions(FORM)]
    assert found == [
        ("id_number", "042190000123"),
        ("name", "Nguyễn Văn An"),
        ("name", "Nguyễn Thị Lan"),
        ("birth_date", "05/09/2024"),
        ("decision_date", "12/03/2025"),
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Nội dung\nTrang 2", (2, None)),
        ("Nội dung\nTrang 2/3", (2, 3)),
        ("Nội dung\n 3 / 3 ", (3, 3)),
        ("Nội dung\n- 4 -", (4, None)),
        ("Ngày 12/3/2025 có 2/3 số phiếu", None),  # a fraction inside a sentence is no page number
        ("Trang 5/3", None),
    ],
)
def test_page_number_printed_on_a_page(text, expected):
    assert prefill.page_number(text) == expected


def test_page_order_problems():
    assert prefill.page_order_problems(["a\nTrang 1/2", "b\nTrang 2/2"]) == []
    assert prefill.page_order_problems(["không số", "cũng không"]) == []
    assert prefill.page_order_problems(["Trang 2/2", "Trang 1/2"]) == [
        {"code": "out_of_order", "pages": [[1, 2], [2, 1]]}
    ]
    assert prefill.page_order_problems(["Trang 1/3", "Trang 3/3"]) == [
        {"code": "out_of_order", "pages": [[1, 1], [2, 3]]},
        {"code": "incomplete", "pages": [3, 2]},
    ]
    assert prefill.page_order_problems(["Trang 1/3", "Trang 2/3"]) == [{"code": "incomplete", "pages": [3, 2]}]
