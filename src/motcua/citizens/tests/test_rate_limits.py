"""Rate limits and account enumeration: the same answer whether or not an account exists, and a
clear "try again in …" when there were too many tries."""

import pytest
from django.test import override_settings
from django.urls import reverse

from motcua.citizens import ratelimit
from motcua.citizens.ratelimit import RateLimited

pytestmark = pytest.mark.django_db

PASSWORD = "Hoa-sen-2026"


def login(client, identifier, password="wrong-password", ip="198.51.100.1"):  # noqa: S107
    return client.post(reverse("citizens:login"), {"identifier": identifier, "password": password}, REMOTE_ADDR=ip)


def test_counters_refuse_over_the_limit_and_say_when_to_come_back():
    with override_settings(MOTCUA_RATE_LIMITS={"x": (2, 600)}):
        ratelimit.hit("x", "a")
        ratelimit.hit("x", "a")
        with pytest.raises(RateLimited) as refused:
            ratelimit.hit("x", "a")
        ratelimit.hit("x", "b")  # someone else is not affected
    assert 0 < refused.value.retry_after <= 600
    assert refused.value.status == 429 and "thử lại sau" in refused.value.message


def test_cache_keys_hide_the_identifier_and_name_the_window():
    counter, lock, left = ratelimit._keys("login_identifier", "0912345678", 900, 1_000_000.0)
    assert "0912345678" not in counter + lock
    assert counter.startswith("motcua:rl:login_identifier:") and counter.endswith(":1111")
    assert lock.endswith(":lock") and left == 1112 * 900 - 1_000_000


def test_wrong_password_and_unknown_account_get_the_same_answer(client, citizen):
    known = login(client, "0912345678")
    unknown = login(client, "0999999999")
    assert known.status_code == unknown.status_code == 200
    assert _errors(known) == _errors(unknown)
    assert _page(known, "0912345678") == _page(unknown, "0999999999")


def _page(response, identifier: str) -> str:
    """The page without what differs by nature: the CSRF token and the identifier typed."""
    import re

    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", response.content.decode())
    return html.replace(identifier, "X")


def _errors(response) -> str:
    import re

    return re.search(r'id="err_password">(.*?)</p>', response.content.decode(), re.S).group(1)


def test_five_failed_logins_lock_the_identifier_with_a_clear_wait(client, citizen):
    for _ in range(5):
        login(client, "0912345678")
    response = login(client, "0912345678", password=PASSWORD)  # even the right password waits
    assert response.status_code == 429
    assert "Vui lòng thử lại sau 15 phút." in _errors(response)
    assert "_auth_user_id" not in client.session


def test_the_lock_looks_the_same_for_an_unknown_identifier(client, citizen):
    for _ in range(5):
        login(client, "0912345678")
        login(client, "0999999999")
    known, unknown = login(client, "0912345678"), login(client, "0999999999")
    assert known.status_code == unknown.status_code == 429
    assert _errors(known) == _errors(unknown)


def test_many_failed_logins_from_one_address_are_stopped(client, citizen):
    for n in range(30):
        login(client, f"09{n:08d}")
    response = login(client, "0912345678", password=PASSWORD)
    assert response.status_code == 429
    other = login(client, "0912345678", password=PASSWORD, ip="198.51.100.2")
    assert other.status_code == 302


def test_code_sends_per_destination_are_limited(client):
    from motcua.citizens import codes
    from motcua.core.errors import ActionError

    with override_settings(MOTCUA_CODE_RESEND_SECONDS=0):
        for n in range(5):
            codes.issue("0911111111", "reset", ip=f"198.51.100.{n}")
        with pytest.raises(ActionError) as refused:
            codes.issue("0911111111", "reset", ip="198.51.100.99")
    assert refused.value.status == 429


def test_forgotten_password_answers_the_same_for_unknown_accounts(client, citizen, received):
    known = client.post(reverse("citizens:forgot"), {"identifier": "0912345678"})
    client.get(reverse("citizens:login"))
    unknown = client.post(reverse("citizens:forgot"), {"identifier": "0999999999"})
    assert known.status_code == unknown.status_code == 302 and known.url == unknown.url
    # Only the holder of the unknown number learns there is no account, after entering the code.
    response = client.post(reverse("citizens:code"), {"code": received("0999999999")})
    assert response.status_code == 409


def test_sign_ups_from_one_address_are_limited(client):
    for n in range(10):
        client.post(
            reverse("citizens:sign_up"),
            {"contact": f"09120000{n:02d}", "full_name": "A", "password": PASSWORD},
            REMOTE_ADDR="198.51.100.5",
        )
    response = client.post(
        reverse("citizens:sign_up"),
        {"contact": "0912000099", "full_name": "A", "password": PASSWORD},
        REMOTE_ADDR="198.51.100.5",
    )
    assert response.status_code == 429


def test_wrong_codes_from_one_address_are_limited(client, received):
    from motcua.citizens import codes
    from motcua.core.errors import Invalid

    with override_settings(MOTCUA_RATE_LIMITS={**_limits(), "code_attempt_ip": (3, 900)}):
        for n in range(3):
            codes.issue(f"091300000{n}", "login", ip="198.51.100.9")
            with pytest.raises(Invalid):
                codes.verify(
                    f"091300000{n}",
                    "login",
                    "000000" if received(f"091300000{n}") != "000000" else "1",
                    ip="198.51.100.9",
                )
        codes.issue("0913000009", "login", ip="198.51.100.9")
        with pytest.raises(RateLimited):
            codes.verify("0913000009", "login", received("0913000009"), ip="198.51.100.9")


def _limits():
    from django.conf import settings

    return settings.MOTCUA_RATE_LIMITS
