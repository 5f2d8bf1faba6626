"""Rules without the database: phone numbers, SMS length and accents, the eSMS delivery states."""

import pytest

from motcua.notifications import phones
from motcua.notifications.contrib.sms import protocol


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("0912345678", "0912345678"),
        ("+84912345678", "0912345678"),
        ("84912345678", "0912345678"),
        ("0912 345 678", "0912345678"),
        ("0912.345.678", "0912345678"),
        ("+84 (0)912", ""),
        ("0212345678", ""),
        ("an@example.com", ""),
    ],
)
def test_phone_numbers_have_one_form(typed, stored):
    assert phones.normalise(typed) == stored


def test_sms_without_accents_reads_as_vietnamese_without_marks():
    assert protocol.unaccent("Hồ sơ đã được tiếp nhận – Đồng ý") == "Ho so da duoc tiep nhan - Dong y"


def test_long_sms_is_cut_at_a_word_within_the_parts():
    text = "Hồ sơ " * 200
    plain = protocol.fit(text, unicode=False, max_segments=2)
    assert len(plain) <= 2 * 153 and plain.endswith("...") and plain.isascii()
    accented = protocol.fit(text, unicode=True, max_segments=1)
    assert len(accented) <= 70 and "ồ" in accented
    assert protocol.segments("a" * 160, unicode=False) == 1 and protocol.segments("a" * 161, unicode=False) == 2
    assert protocol.segments("ô" * 71, unicode=True) == 2


def test_delivery_states_of_the_callback():
    assert protocol.delivery_state({"SendStatus": "5", "SendSuccess": "1", "SendFailed": "0"}) == "delivered"
    assert protocol.delivery_state({"SendStatus": "5", "SendSuccess": "0", "SendFailed": "1"}) == "failed"
    assert protocol.delivery_state({"SendStatus": "4"}) == "failed"
    assert protocol.delivery_state({"SendStatus": "7"}) == ""
    assert protocol.message_id_of("motcua-42") == 42 and protocol.message_id_of("x-1") is None


def test_actions_replayed_from_the_past_tell_nobody(receive):
    from motcua.notifications import services as notifications
    from motcua.notifications.models import Message

    with notifications.silenced():
        quiet = receive()
    assert not Message.objects.filter(dossier=quiet).exists()
    told = receive()
    assert Message.objects.filter(dossier=told, purpose="receive").exists()
