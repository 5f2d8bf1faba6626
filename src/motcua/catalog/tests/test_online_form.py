"""The online form's answers are checked field by field, each error a sentence naming its field."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import translation

from motcua.catalog.models import FormField
from motcua.catalog.online_form import clean

TODAY = dt.date(2026, 1, 12)


def field(name="answer", label="Câu trả lời", type="text", required=True, **extra):
    return FormField(name=name, label=label, type=type, required=required, **extra)


def check(f, value):
    with translation.override("vi"):
        return clean([f], {f.name: value}, today=TODAY)


def test_required_answer_missing_names_the_field():
    values, errors = check(field(label="Họ và tên người mẹ"), "   ")
    assert values == {}
    assert errors == {"answer": "Hãy nhập “Họ và tên người mẹ”."}


def test_optional_empty_answer_is_left_out_without_error():
    assert check(field(required=False), "") == ({}, {})


def test_text_is_normalised_and_limited():
    decomposed = "Nguye\u0302\u0303n Va\u0306n A"
    values, errors = check(field(), f"  {decomposed} ")
    assert errors == {}
    assert values["answer"] == "Nguyễn Văn A"
    _values, errors = check(field(label="Tên", max_length=5), "Nguyễn")
    assert errors["answer"] == "“Tên” chỉ được có tối đa 5 ký tự; bạn đã nhập 6 ký tự."


def test_long_text_has_a_default_limit():
    assert check(field(type="long_text"), "x" * 3000)[1] == {}
    assert "3000" in check(field(type="long_text"), "x" * 3001)[1]["answer"]


def test_number_limits_and_decimal_comma():
    f = field(label="Số bản sao", type="number", min_value=Decimal(1), max_value=Decimal(10))
    assert check(f, "3") == ({"answer": 3}, {})
    assert check(f, "2,5") == ({"answer": "2.5"}, {})
    assert check(f, "ba")[1]["answer"] == "“Số bản sao” phải là một con số, ví dụ 2."
    assert check(f, "0")[1]["answer"] == "“Số bản sao” phải từ 1 trở lên."
    assert check(f, "11")[1]["answer"] == "“Số bản sao” không được lớn hơn 10."
    assert check(f, "NaN")[1]["answer"] == "“Số bản sao” phải là một con số, ví dụ 2."


def test_date_formats_and_limits_relative_to_today():
    f = field(label="Ngày sinh của trẻ", type="date", min_value=Decimal(-365), max_value=Decimal(0))
    assert check(f, "2025-12-25") == ({"answer": "2025-12-25"}, {})
    assert check(f, "25/12/2025") == ({"answer": "2025-12-25"}, {})
    assert check(f, "31/02/2025")[1]["answer"] == "“Ngày sinh của trẻ” phải là một ngày, ví dụ 25/12/2020."
    assert check(f, "2026-01-13")[1]["answer"] == "“Ngày sinh của trẻ” không được là một ngày trong tương lai."
    assert check(f, "2024-01-01")[1]["answer"] == "“Ngày sinh của trẻ” không được trước ngày 12/01/2025."
    later = field(label="Ngày hẹn", type="date", max_value=Decimal(30))
    assert check(later, "2026-03-01")[1]["answer"] == "“Ngày hẹn” không được sau ngày 11/02/2026."


def test_choice_must_be_one_listed():
    f = field(label="Giới tính", type="choice", choices="Nam\nNữ\n")
    assert check(f, "Nữ") == ({"answer": "Nữ"}, {})
    assert check(f, "Khác")[1]["answer"] == "Hãy chọn một trong các câu trả lời của “Giới tính”."
    assert check(f, "")[1]["answer"] == "Hãy chọn một câu trả lời cho “Giới tính”."


def test_yes_no():
    f = field(label="Đã đăng ký kết hôn", type="yes_no")
    assert check(f, "yes") == ({"answer": True}, {})
    assert check(f, "no") == ({"answer": False}, {})
    assert check(f, False) == ({"answer": False}, {})
    assert check(f, "maybe")[1]["answer"] == "Hãy trả lời “Đã đăng ký kết hôn” là có hoặc không."
    assert check(f, "")[1]["answer"] == "Hãy chọn một câu trả lời cho “Đã đăng ký kết hôn”."


def test_citizen_id_has_twelve_digits_and_a_province_code():
    f = field(label="Số định danh của mẹ", type="citizen_id")
    assert check(f, "042 190 000 123") == ({"answer": "042190000123"}, {})
    message = "“Số định danh của mẹ” phải là số định danh cá nhân gồm 12 chữ số, bắt đầu bằng 001 đến 096."
    assert check(f, "04219000012")[1]["answer"] == message
    assert check(f, "099190000123")[1]["answer"] == message
    assert check(f, "000190000123")[1]["answer"] == message


def test_phone_and_email():
    phone = field(label="Điện thoại", type="phone")
    assert check(phone, "0912.345.678") == ({"answer": "0912345678"}, {})
    assert check(phone, "12345")[1]["answer"] == "“Điện thoại” phải là số điện thoại gồm 10 chữ số, bắt đầu bằng số 0."
    email = field(label="Thư điện tử", type="email")
    assert check(email, "lan@example.com") == ({"answer": "lan@example.com"}, {})
    assert check(email, "lan@")[1]["answer"] == "“Thư điện tử” phải là địa chỉ thư điện tử, ví dụ ten@example.com."


def test_pattern_with_its_own_message_or_a_general_one():
    f = field(label="Tên của trẻ", pattern=r"[^0-9]+", pattern_message="Tên của trẻ không được có chữ số.")
    assert check(f, "Minh Anh") == ({"answer": "Minh Anh"}, {})
    assert check(f, "Minh Anh 2")[1]["answer"] == "Tên của trẻ không được có chữ số."
    plain = field(label="Mã hộ", pattern=r"[A-Z]{2}[0-9]{4}")
    assert check(plain, "ab12")[1]["answer"] == "“Mã hộ” không đúng dạng yêu cầu."


def test_every_field_is_checked_and_valid_ones_are_returned():
    fields = [field("a", "A"), field("b", "B", type="number"), field("c", "C", required=False)]
    with translation.override("vi"):
        values, errors = clean(fields, {"a": "x", "b": "y"}, today=TODAY)
    assert values == {"a": "x"}
    assert list(errors) == ["b"]


@pytest.mark.parametrize("language", ["en"])
def test_errors_follow_the_active_language(language):
    with translation.override(language):
        _values, errors = clean([field(label="Name")], {}, today=TODAY)
    assert errors == {"answer": "Enter “Name”."}
