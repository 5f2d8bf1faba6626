"""Sign-up, login, forgotten password and log-out through the pages (Django's test client)."""

import pytest
from django.urls import reverse

from motcua.citizens.models import Profile

pytestmark = pytest.mark.django_db

PASSWORD = "Hoa-sen-2026"


def sign_up(client, contact="0987654321", name="Nguyễn Thị Mai"):
    return client.post(reverse("citizens:sign_up"), {"contact": contact, "full_name": name, "password": PASSWORD})


def test_sign_up_with_a_phone_then_the_code_logs_the_person_in(client, received):
    response = sign_up(client, contact="+84 987 654 321")
    assert response.status_code == 302 and response.url == reverse("citizens:code")
    assert not Profile.objects.exists()  # nothing until the code comes back
    page = client.get(reverse("citizens:code"))
    assert "098****321" in page.content.decode()
    response = client.post(reverse("citizens:code"), {"code": received("0987654321")})
    assert response.status_code == 302
    profile = Profile.objects.get(phone="0987654321")
    assert profile.full_name == "Nguyễn Thị Mai" and profile.phone_verified_at is not None
    assert profile.user.check_password(PASSWORD)
    assert client.get(reverse("citizens:account")).status_code == 200
    assert client.session["_auth_user_id"] == str(profile.user.pk)


def test_sign_up_with_an_email(client, received):
    sign_up(client, contact="Mai.Nguyen@Example.VN")
    client.post(reverse("citizens:code"), {"code": received("mai.nguyen@example.vn")})
    assert Profile.objects.get(email="mai.nguyen@example.vn").email_verified_at is not None


def test_sign_up_keeps_what_was_typed_and_says_what_is_wrong(client):
    response = client.post(
        reverse("citizens:sign_up"), {"contact": "0987654321", "full_name": "Nguyễn Thị Mai", "password": "123"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="err_password"' in html and 'aria-describedby="hint_password err_password"' in html
    assert 'value="0987654321"' in html and 'value="Nguyễn Thị Mai"' in html


def test_a_wrong_code_is_refused_and_the_account_is_not_created(client, received):
    sign_up(client)
    right = received("0987654321")
    wrong = "000000" if right != "000000" else "111111"
    response = client.post(reverse("citizens:code"), {"code": wrong})
    assert 'id="err_code"' in response.content.decode()
    assert not Profile.objects.exists()


def test_signing_up_with_a_taken_phone_tells_only_the_phone_holder(client, citizen, received):
    response = sign_up(client, contact="0912345678")
    assert response.status_code == 302  # same answer as for a free number
    response = client.post(reverse("citizens:code"), {"code": received("0912345678")})
    html = response.content.decode()
    assert response.status_code == 409 and 'class="acct-alert" role="alert"' in html
    assert reverse("citizens:forgot") in html  # pointed to log in or reset instead
    assert Profile.objects.count() == 1


def test_login_asks_for_a_code_then_trusts_the_device(client, citizen, received):
    response = client.post(reverse("citizens:login"), {"identifier": "0912 345 678", "password": PASSWORD})
    assert response.url == reverse("citizens:code")
    assert "_auth_user_id" not in client.session
    response = client.post(reverse("citizens:code"), {"code": received("0912345678")})
    assert response.status_code == 302 and client.session["_auth_user_id"] == str(citizen.pk)
    assert "motcua_trusted_device" in response.cookies
    client.post(reverse("citizens:logout"))
    assert "_auth_user_id" not in client.session
    response = client.post(reverse("citizens:login"), {"identifier": "0912345678", "password": PASSWORD})
    assert response.url == reverse("citizens:account")  # no code this time
    assert client.session["_auth_user_id"] == str(citizen.pk)


def test_a_trusted_device_no_longer_counts_after_a_password_change(client, citizen, received):
    client.post(reverse("citizens:login"), {"identifier": "0912345678", "password": PASSWORD})
    client.post(reverse("citizens:code"), {"code": received("0912345678")})
    client.post(reverse("citizens:logout"))
    citizen.set_password("Another-pass-2026")
    citizen.save()
    response = client.post(reverse("citizens:login"), {"identifier": "0912345678", "password": "Another-pass-2026"})
    assert response.url == reverse("citizens:code")


def test_login_goes_back_to_the_page_asked_for(client, citizen, received):
    client.post(
        reverse("citizens:login") + "?next=/tai-khoan/to-chuc/", {"identifier": "0912345678", "password": PASSWORD}
    )
    response = client.post(reverse("citizens:code"), {"code": received("0912345678")})
    assert response.url == "/tai-khoan/to-chuc/"


def test_login_ignores_a_next_to_another_site(client, citizen, received):
    client.post(
        reverse("citizens:login"), {"identifier": "0912345678", "password": PASSWORD, "next": "https://evil.example/"}
    )
    response = client.post(reverse("citizens:code"), {"code": received("0912345678")})
    assert response.url == reverse("citizens:account")


def test_forgotten_password_through_a_code(client, citizen, received):
    response = client.post(reverse("citizens:forgot"), {"identifier": "0912345678"})
    assert response.url == reverse("citizens:code")
    response = client.post(reverse("citizens:code"), {"code": received("0912345678")})
    assert response.url == reverse("citizens:new_password")
    response = client.post(reverse("citizens:new_password"), {"password": "short"})
    assert 'id="err_password"' in response.content.decode()
    response = client.post(reverse("citizens:new_password"), {"password": "Moi-mat-khau-2026"})
    assert response.url == reverse("citizens:account")
    citizen.refresh_from_db()
    assert citizen.check_password("Moi-mat-khau-2026")


def test_new_password_page_needs_the_code_first(client, citizen):
    client.post(reverse("citizens:forgot"), {"identifier": "0912345678"})
    response = client.post(reverse("citizens:new_password"), {"password": "Moi-mat-khau-2026"})
    assert response.url == reverse("citizens:forgot")
    citizen.refresh_from_db()
    assert citizen.check_password(PASSWORD)


def test_citizen_pages_send_visitors_to_login(client):
    response = client.get(reverse("citizens:account"))
    assert response.url == reverse("citizens:login") + "?next=%2Ftai-khoan%2F"


def test_an_officer_is_told_politely_that_citizen_pages_are_not_for_him(client, django_user_model):
    officer = django_user_model.objects.create_user("tiepnhan", password=PASSWORD)
    client.force_login(officer)
    response = client.get(reverse("citizens:account"))
    assert response.status_code == 403
    assert "officer" in response.content.decode() or "cán bộ" in response.content.decode()


def test_the_header_shows_account_links_to_citizens_and_login_links_to_visitors(client, citizen):
    html = client.get(reverse("citizens:login")).content.decode()
    assert reverse("citizens:sign_up") in html and 'href="/ho-so/"' not in html
    client.force_login(citizen)
    html = client.get(reverse("citizens:account")).content.decode()
    assert 'href="/ho-so/"' in html and reverse("citizens:logout") in html


def test_a_new_code_can_be_asked_for_after_a_minute_and_the_old_one_stops(client, received):
    import datetime as dt

    import time_machine
    from django.utils import timezone

    start = timezone.now()
    with time_machine.travel(start, tick=False):
        sign_up(client)
        first = received("0987654321")
        response = client.post(reverse("citizens:resend"), follow=True)
        assert "sau 60 giây" in response.content.decode()
    with time_machine.travel(start + dt.timedelta(seconds=61), tick=False):
        client.post(reverse("citizens:resend"))
        second = received("0987654321")
        if first != second:
            response = client.post(reverse("citizens:code"), {"code": first})
            assert 'id="err_code"' in response.content.decode()
        client.post(reverse("citizens:code"), {"code": second})
    assert Profile.objects.filter(phone="0987654321").exists()


def test_the_code_page_without_a_step_in_progress_goes_to_login(client):
    assert client.get(reverse("citizens:code")).url == reverse("citizens:login")
