"""The profile page, a second contact, the organisations a person represents, the administrator's
confirmation, and what a citizen's session can and cannot open."""

import datetime as dt

import pytest
from django.urls import reverse

from motcua.citizens import identifiers
from motcua.citizens.models import Profile, Representation
from motcua.citizens.services import add_representation, organisations_of
from motcua.core.errors import Invalid

pytestmark = pytest.mark.django_db


def test_citizen_id_numbers_are_checked():
    assert identifiers.id_number("042 060 001 234") == "042060001234"
    assert identifiers.id_number("042060001234", dt.date(1960, 3, 15)) == "042060001234"
    assert identifiers.id_number("042305001234", dt.date(2005, 1, 1)) == "042305001234"
    for bad in ("04206000123", "04206000123a", "003060001234"):  # length, letter, no province 003
        with pytest.raises(Invalid):
            identifiers.id_number(bad)
    with pytest.raises(Invalid, match="năm sinh"):
        identifiers.id_number("042060001234", dt.date(1961, 3, 15))


def test_tax_codes_are_checked():
    assert identifiers.tax_code("0100109106") == "0100109106"
    assert identifiers.tax_code("0100109106-001") == "0100109106001"
    for bad in ("0100109107", "010010910", "0100109106-000", "01001091060012"):
        with pytest.raises(Invalid):
            identifiers.tax_code(bad)


def test_the_profile_page_saves_and_keeps_input_on_error(client, citizen):
    client.force_login(citizen)
    url = reverse("citizens:account")
    data = {"full_name": "Phạm Thị Lan", "id_number": "042170009999", "birth_date": "01/02/1970", "address": "Hà Tĩnh"}
    response = client.post(url, {**data, "id_number": "12345"})
    html = response.content.decode()
    assert 'id="err_id_number"' in html and 'value="12345"' in html and 'value="01/02/1970"' in html
    assert client.post(url, data).status_code == 302
    profile = Profile.objects.get(user=citizen)
    assert profile.id_number == "042170009999" and profile.birth_date == dt.date(1970, 2, 1)


def test_an_id_number_from_the_identity_provider_cannot_be_changed(client, citizen):
    profile = citizen.citizen
    profile.id_number, profile.id_number_verified_at = "042060001234", dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    profile.save()
    client.force_login(citizen)
    response = client.post(
        reverse("citizens:account"), {"full_name": "Lan", "id_number": "042160009999", "birth_date": ""}
    )
    assert 'id="err_id_number"' in response.content.decode()
    assert Profile.objects.get(pk=profile.pk).id_number == "042060001234"


def test_a_second_contact_is_added_after_its_code(client, citizen, received):
    client.force_login(citizen)
    response = client.post(reverse("citizens:add_contact"), {"contact": "lan.pham@example.vn"})
    assert response.url == reverse("citizens:code")
    assert Profile.objects.get(user=citizen).email is None
    client.post(reverse("citizens:code"), {"code": received("lan.pham@example.vn")})
    profile = Profile.objects.get(user=citizen)
    assert profile.email == "lan.pham@example.vn" and profile.email_verified_at is not None


def test_a_contact_of_another_account_is_refused_after_the_code(client, citizen, received, django_user_model):
    other = django_user_model.objects.create_user("citizen-2")
    Profile.objects.create(user=other, full_name="B", email="b@example.vn")
    client.force_login(citizen)
    client.post(reverse("citizens:add_contact"), {"contact": "b@example.vn"})
    response = client.post(reverse("citizens:code"), {"code": received("b@example.vn")})
    assert response.status_code == 409
    assert Profile.objects.get(user=citizen).email is None


def test_a_declared_organisation_waits_for_confirmation(client, citizen):
    client.force_login(citizen)
    response = client.post(
        reverse("citizens:organisations"),
        {"tax_code": "0100109106", "name": "Tập đoàn Viettel", "address": "Hà Nội", "position": "Nhân viên"},
    )
    assert response.status_code == 302
    assert Representation.objects.get(user=citizen).verified_at is None
    assert not organisations_of(citizen).exists()  # cannot be used to submit yet


def test_a_wrong_tax_code_is_said_next_to_the_field(client, citizen):
    client.force_login(citizen)
    response = client.post(reverse("citizens:organisations"), {"tax_code": "0100109107", "name": "X"})
    html = response.content.decode()
    assert 'id="err_tax_code"' in html and 'value="0100109107"' in html


def test_the_administrator_confirms_a_representation(admin_client, citizen):
    representation = add_representation(citizen, tax_code="0100109106", name="Viettel")
    response = admin_client.post(
        reverse("admin:citizens_representation_changelist"),
        {"action": "confirm", "_selected_action": [representation.pk]},
    )
    assert response.status_code == 302
    representation.refresh_from_db()
    assert representation.verified_by == "administrator" and representation.confirmed_by is not None
    assert list(organisations_of(citizen)) == [representation]


def test_the_admin_finds_people_by_name_phone_and_id(admin_client, citizen):
    url = reverse("admin:citizens_profile_changelist")
    for query in ("Lan", "0912345678"):
        assert "Phạm Thị Lan" in admin_client.get(url, {"q": query}).content.decode()
    assert "Phạm Thị Lan" not in admin_client.get(url, {"q": "0999"}).content.decode()


def test_a_representation_can_only_be_removed_by_its_owner(client, citizen, django_user_model):
    representation = add_representation(citizen, tax_code="0100109106", name="Viettel")
    other = django_user_model.objects.create_user("citizen-2")
    Profile.objects.create(user=other, full_name="B", phone="0900000000")
    client.force_login(other)
    client.post(reverse("citizens:remove_organisation", args=[representation.pk]))
    assert Representation.objects.filter(pk=representation.pk).exists()


def test_a_citizen_session_opens_nothing_in_the_back_office(client, citizen, receive):
    dossier = receive()
    dossier.owner = citizen  # even the citizen's own dossier
    dossier.save(update_fields=["owner"])
    client.force_login(citizen)
    assert dossier.code not in client.get(reverse("backoffice:home")).content.decode()
    assert client.get(reverse("backoffice:dossier", args=[dossier.pk])).status_code == 404
    assert client.get(reverse("backoffice:reception")).status_code == 403
    assert client.get(reverse("admin:index")).status_code == 302  # to the admin's login
