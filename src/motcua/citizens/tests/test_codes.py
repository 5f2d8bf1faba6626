"""One-time codes: hashed, six digits, five minutes, five wrong tries, resend after a minute,
a new code voids the old, a code passes once."""

import datetime as dt

import pytest

from motcua.citizens import codes
from motcua.citizens.models import OneTimeCode
from motcua.core import clock
from motcua.core.errors import Conflict, Invalid

pytestmark = pytest.mark.django_db

PHONE = "0912345678"
IP = "203.0.113.7"
T0 = dt.datetime(2026, 11, 20, 2, 0, tzinfo=dt.UTC)


def issue(at=T0, **kwargs):
    with clock.at(at):
        return codes.issue(PHONE, "login", ip=IP, **kwargs)


def verify(code, at=T0):
    with clock.at(at):
        codes.verify(PHONE, "login", code, ip=IP)


def other_than(code: str) -> str:
    return f"{(int(code) + 1) % 10**6:06d}"


def test_only_a_hash_is_kept_and_the_code_has_six_digits(received):
    row = issue()
    code = received(PHONE)
    assert len(code) == 6 and code.isdigit()
    assert code not in (row.code_hash, row.salt)
    assert row.expires_at - row.created_at == dt.timedelta(minutes=5)


def test_a_code_passes_once(received):
    issue()
    code = received(PHONE)
    verify(code)
    with pytest.raises(Invalid, match="không còn dùng được"):
        verify(code)


def test_a_code_expires_after_five_minutes(received):
    issue()
    code = received(PHONE)
    with pytest.raises(Invalid, match="hết hạn"):
        verify(code, at=T0 + dt.timedelta(minutes=5, seconds=1))


def test_a_code_still_works_just_before_expiry(received):
    issue()
    verify(received(PHONE), at=T0 + dt.timedelta(minutes=4, seconds=59))


def test_five_wrong_tries_kill_the_code(received):
    issue()
    code = received(PHONE)
    for left in (4, 3, 2, 1):
        with pytest.raises(Invalid, match=f"còn {left} lần thử"):
            verify(other_than(code))
    with pytest.raises(Invalid, match="nhập sai quá nhiều lần"):
        verify(other_than(code))
    with pytest.raises(Invalid, match="nhập sai quá nhiều lần"):
        verify(code)  # even the right one, now


def test_resend_waits_a_minute_then_voids_the_old_code(received):
    issue()
    first = received(PHONE)
    with pytest.raises(Conflict, match="sau 30 giây"):
        issue(at=T0 + dt.timedelta(seconds=30), resend=True)
    issue(at=T0 + dt.timedelta(seconds=61), resend=True)
    second = received(PHONE)
    assert OneTimeCode.objects.filter(destination=PHONE).count() == 2
    if first != second:
        with pytest.raises(Invalid):
            verify(first, at=T0 + dt.timedelta(seconds=62))
    verify(second, at=T0 + dt.timedelta(seconds=62))


def test_starting_again_within_a_minute_keeps_the_code_just_sent(received):
    first = issue()
    again = issue(at=T0 + dt.timedelta(seconds=20))
    assert again.pk == first.pk and OneTimeCode.objects.count() == 1
    verify(received(PHONE), at=T0 + dt.timedelta(seconds=25))


def test_a_code_for_one_purpose_does_not_open_another(received):
    issue()
    with clock.at(T0), pytest.raises(Invalid):
        codes.verify(PHONE, "reset", received(PHONE), ip=IP)


def test_the_code_is_sent_as_a_text_message(received):
    from motcua.notifications.models import Message

    issue()
    message = Message.objects.get(recipient=PHONE)
    assert message.channel == "sms" and received(PHONE) in message.body
