"""The pure rules of feedback items: deadlines across holidays, masking, text checks, the challenge.

Calendar facts (2026, shipped announcements): Tết Mon 16/02–Fri 20/02 off; Thu 30/04 and Fri 01/05
off; working hours 7:30–11:30 and 13:00–17:00.
"""

import datetime as dt

import pytest

from motcua.feedback import rules
from motcua.workdays.tests.test_calendar import build

VN = dt.timezone(dt.timedelta(hours=7))


def at(*args):
    return dt.datetime(*args, tzinfo=VN)


@pytest.fixture(scope="module")
def cal():
    return build()


def test_deadlines_skip_tet(cal):
    due = rules.deadlines(cal, at(2026, 2, 12, 10))
    assert due.reject == at(2026, 2, 23, 10)  # Thu → Fri, then Tết, then Mon
    assert due.forward == due.more == at(2026, 2, 26, 10)
    assert due.answer == at(2026, 3, 12, 10)
    assert due.publish == at(2026, 3, 16, 10)  # two more working days


def test_deadlines_skip_30_april_and_1_may(cal):
    due = rules.deadlines(cal, at(2026, 4, 29, 9))
    assert due.reject == at(2026, 5, 5, 9)
    assert due.forward == due.more == at(2026, 5, 8, 9)
    assert due.answer == at(2026, 5, 22, 9)
    assert due.publish == at(2026, 5, 26, 9)


def test_an_item_sent_on_a_day_off_counts_from_the_next_working_day(cal):
    # Sat 02/05/2026: counted from Mon 04/05 7:30, so two working days end on Tue 05/05 at 17:00.
    assert rules.deadlines(cal, at(2026, 5, 2, 10)).reject == at(2026, 5, 5, 17)
    # After closing time the same holds: Fri 13/02 18:00 → Mon 23/02 and Tue 24/02.
    assert rules.deadlines(cal, at(2026, 2, 13, 18)).reject == at(2026, 2, 24, 17)


def test_limits_come_from_settings_when_given(cal):
    due = rules.deadlines(cal, at(2026, 1, 12, 9), {"answer": 10})
    assert due.answer == at(2026, 1, 26, 9)
    assert due.publish == at(2026, 1, 28, 9)


def test_waiting_for_the_sender_pushes_the_answer_back_by_working_time_only(cal):
    due = at(2026, 3, 19, 10)
    # Asked Fri 13/02 10:00, answered Mon 23/02 10:00: one working day waited (Tết does not count).
    assert rules.pushed_back(cal, due, at(2026, 2, 13, 10), at(2026, 2, 23, 10)) == at(2026, 3, 20, 10)


def test_reopening_is_allowed_for_ten_working_days_after_the_answer(cal):
    assert rules.reopen_until(cal, at(2026, 4, 28, 9), 10) == at(2026, 5, 14, 9)


# -- masking ----------------------------------------------------------------------------------------


def test_personal_data_is_masked():
    text = (
        "Tôi là Nguyễn Thị Lan, điện thoại 0912 345 678 hoặc +84912345678, thư lan.nt@example.com, "
        "CCCD 042190000123, mã số thuế 0101234567-001. Cán bộ Trần Văn Bình đã hẹn tôi ba lần."
    )
    masked = rules.mask_personal(text, ["Nguyễn Thị Lan", "Trần Văn Bình"])
    for secret in (
        "Thị Lan",
        "0912",
        "345 678",
        "912345678",
        "lan.nt",
        "example.com",
        "042190000123",
        "0101234567",
        "Văn Bình",
    ):
        assert secret not in masked
    assert "Nguyễn T** L**" in masked
    assert "Trần V** B***" in masked
    assert "**678" in masked
    assert "đã hẹn tôi ba lần" in masked


def test_a_given_name_after_a_form_of_address_is_masked_too():
    masked = rules.mask_personal(
        "Xin lỗi ông Hùng và chị Thị Lan; Hùng Vương vẫn đọc được.", ["Lê Văn Hùng", "Nguyễn Thị Lan"]
    )
    assert masked == "Xin lỗi ông H*** và chị T** L**; Hùng Vương vẫn đọc được."


def test_masking_keeps_dates_and_dossier_codes_readable():
    text = "Hồ sơ H42.18073-260112-0001 nộp ngày 12/01/2026, lệ phí 50000 đồng."
    assert rules.mask_personal(text) == text


# -- text checks ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("Quá chậm", "short"),
        ("a" * 6000, "long"),
        ("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "absurd"),
        ("!!!!!!!!!!!!!!!!!!!!!??????????????", "absurd"),
        ("1234567890 1234567890 1234567890", "absurd"),
        ("xem http://a.vn http://b.vn http://c.vn ngay nào các bạn", "links"),
        ("Cán bộ tiếp nhận yêu cầu tôi nộp thêm giấy tờ không có trong thủ tục.", None),
    ],
)
def test_text_problems(text, problem):
    assert rules.text_problem(text) == problem


# -- the challenge ----------------------------------------------------------------------------------


def _answer(challenge):
    words = rules._WORDS
    first, _, rest = challenge.question.lower().partition(" cộng ")
    second = rest.removesuffix(" bằng mấy?")
    return words.index(first) + words.index(second)


def test_the_challenge_accepts_the_right_sum_in_digits_or_words():
    challenge = rules.new_challenge()
    total = _answer(challenge)
    assert rules.check_challenge(challenge.token, str(total), 60)
    spoken = rules._WORDS[total] if total <= 10 else "mười " + ("lăm" if total == 15 else rules._WORDS[total - 10])
    assert rules.check_challenge(challenge.token, spoken, 60)


def test_the_challenge_refuses_a_wrong_sum_a_forged_token_and_an_old_one():
    challenge = rules.new_challenge()
    total = _answer(challenge)
    assert rules.check_challenge(challenge.token, str(total + 1), 60) is None
    assert rules.check_challenge(challenge.token + "x", str(total), 60) is None
    assert rules.check_challenge("", str(total), 60) is None
    assert rules.check_challenge(challenge.token, str(total), -1) is None  # expired


def test_the_nonce_is_read_only_from_a_genuine_unexpired_token():
    challenge = rules.new_challenge()
    assert rules.challenge_nonce(challenge.token, 60)
    assert rules.challenge_nonce(challenge.token + "x", 60) is None
    assert rules.challenge_nonce(challenge.token, -1) is None
