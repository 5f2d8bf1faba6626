"""Login through the national identity provider, against the local provider speaking OpenID
Connect over HTTP in a thread: the happy path, and every check that must refuse a login."""

import json
import urllib.error
import urllib.parse
import urllib.request

import pytest
from django.test import override_settings
from django.urls import reverse

from motcua.citizens import oidc_provider
from motcua.citizens.models import Profile, Representation
from motcua.citizens.services import organisations_of

pytestmark = pytest.mark.django_db

CALLBACK = "http://testserver/tai-khoan/dinh-danh/ve/"


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


_opener = urllib.request.build_opener(_NoRedirect)


@pytest.fixture
def provider():
    client = oidc_provider.Client("motcua-test", "s3cret", [CALLBACK])
    idp = oidc_provider.Provider(clients={"motcua-test": client})
    server = oidc_provider.start_in_thread(idp)
    with override_settings(
        MOTCUA_OIDC_ISSUER=idp.issuer,
        MOTCUA_OIDC_CLIENT_ID="motcua-test",
        MOTCUA_OIDC_CLIENT_SECRET="s3cret",
        MOTCUA_OIDC_TOKEN_AUTH="client_secret_basic",
    ):
        yield idp
    server.shutdown()
    server.server_close()


def at_provider(authorize_url: str, sub: str = "vneid-0001", action: str = "approve") -> str:
    """What a person does at the provider: open the page, pick an identity, approve. Returns the
    callback URL the browser is sent back to."""
    with urllib.request.urlopen(authorize_url, timeout=5) as page:  # noqa: S310
        assert "Nguyễn Văn An" in page.read().decode()
    query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(authorize_url).query))
    form = urllib.parse.urlencode({**query, "sub": sub, "action": action}).encode()
    base = authorize_url.split("?")[0]
    try:
        _opener.open(urllib.request.Request(base, data=form), timeout=5)  # noqa: S310
    except urllib.error.HTTPError as redirect:
        assert redirect.code == 302
        return redirect.headers["Location"]
    raise AssertionError("the provider did not redirect")


def start(client, next_url: str = "") -> str:
    response = client.get(reverse("citizens:identity_start") + (f"?next={next_url}" if next_url else ""))
    assert response.status_code == 302
    return response.url


def come_back(client, callback: str):
    parts = urllib.parse.urlsplit(callback)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == CALLBACK
    return client.get(parts.path, dict(urllib.parse.parse_qsl(parts.query)))


def test_the_button_shows_only_when_a_provider_is_configured(client, provider):
    assert "VNeID" in client.get(reverse("citizens:login")).content.decode()
    with override_settings(MOTCUA_OIDC_ISSUER="", MOTCUA_OIDC_CLIENT_ID=""):
        assert "VNeID" not in client.get(reverse("citizens:login")).content.decode()


def test_the_authorization_request_uses_pkce_state_and_nonce(client, provider):
    query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(start(client)).query))
    assert query["code_challenge_method"] == "S256" and len(query["code_challenge"]) == 43
    assert query["state"] and query["nonce"] and query["state"] != query["nonce"]
    assert query["redirect_uri"] == CALLBACK and "openid" in query["scope"].split()


def test_first_login_creates_the_profile_from_the_claims(client, provider):
    response = come_back(client, at_provider(start(client, "/tai-khoan/to-chuc/")))
    assert response.status_code == 302 and response.url == "/tai-khoan/to-chuc/"
    profile = Profile.objects.get(oidc_subject="vneid-0001")
    assert profile.full_name == "Nguyễn Văn An" and profile.id_number == "042060001234"
    assert profile.id_number_verified_at is not None
    assert str(profile.birth_date) == "1960-03-15" and profile.phone == "0912000101"
    assert profile.email == "an.nguyen@example.vn" and "Phan Đình Phùng" in profile.address
    assert not profile.user.has_usable_password()
    assert client.session["_auth_user_id"] == str(profile.user.pk)
    # The organisations the provider says the person represents are verified at once.
    assert [r.tax_code for r in organisations_of(profile.user)] == ["3001234567"]


def test_later_logins_match_on_the_subject(client, provider):
    come_back(client, at_provider(start(client)))
    client.post(reverse("citizens:logout"))
    come_back(client, at_provider(start(client)))
    assert Profile.objects.count() == 1


def test_client_secret_post_works_too(client, provider):
    with override_settings(MOTCUA_OIDC_TOKEN_AUTH="client_secret_post"):
        response = come_back(client, at_provider(start(client)))
    assert response.status_code == 302 and Profile.objects.filter(oidc_subject="vneid-0001").exists()


def test_a_wrong_state_is_refused(client, provider):
    callback = at_provider(start(client))
    tampered = callback.replace("state=", "state=x")
    response = come_back(client, tampered)
    assert response.status_code == 400 and "sai state" in response.content.decode()
    assert not Profile.objects.exists()


def test_a_callback_without_a_started_login_is_refused(client, provider):
    callback = at_provider(start(client))
    client.cookies.clear()  # another browser
    assert come_back(client, callback).status_code == 400
    assert not Profile.objects.exists()


def test_a_replayed_code_is_refused(client, provider, django_user_model):
    callback = at_provider(start(client))
    # Someone else replays the same callback (code and state) in their own flow.
    other = type(client)()
    other_start = start(other)
    come_back(client, callback)
    query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(callback).query))
    state = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(other_start).query))["state"]
    response = other.get(reverse("citizens:identity_return"), {"code": query["code"], "state": state})
    assert response.status_code == 400
    assert "_auth_user_id" not in other.session
    assert any(e["event"] == "code_replayed" for e in provider.log)


def test_the_same_callback_twice_is_refused(client, provider):
    callback = at_provider(start(client))
    assert come_back(client, callback).status_code == 302
    client.post(reverse("citizens:logout"))
    assert come_back(client, callback).status_code == 400


@pytest.mark.parametrize(
    ("fault", "says"),
    [
        ("unpublished_key", "Chữ ký của mã định danh"),
        ("wrong_nonce", "sai nonce"),
        ("expired", "hết hạn"),
        ("wrong_audience", "không hợp lệ"),
        ("wrong_issuer", "không hợp lệ"),
    ],
)
def test_an_id_token_that_does_not_verify_is_refused(client, provider, fault, says):
    provider.faults = {fault}
    response = come_back(client, at_provider(start(client)))
    assert response.status_code == 400 and says in response.content.decode()
    assert not Profile.objects.exists() and "_auth_user_id" not in client.session


def test_a_cancelled_login_says_so(client, provider):
    response = come_back(client, at_provider(start(client), action="deny"))
    assert response.status_code == 400 and "đã hủy" in response.content.decode()


def test_the_provider_checks_pkce_and_the_client(provider):
    grant = provider.issue_code(
        {"client_id": "motcua-test", "redirect_uri": CALLBACK, "code_challenge": "x" * 43, "nonce": "n"},
        "vneid-0001",
    )
    form = {"grant_type": "authorization_code", "code": grant, "redirect_uri": CALLBACK, "code_verifier": "wrong"}
    status, answer = provider.token({**form, "client_id": "motcua-test", "client_secret": "s3cret"}, "")
    assert status.startswith("400") and "PKCE" in answer["error_description"]
    status, answer = provider.token({**form, "client_id": "motcua-test", "client_secret": "nope"}, "")
    assert status.startswith("401") and answer["error"] == "invalid_client"


def test_the_provider_refuses_an_unregistered_redirect_uri(provider):
    query = urllib.parse.urlencode({"client_id": "motcua-test", "redirect_uri": "https://evil.example/cb"})
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(f"{provider.issuer}/authorize?{query}", timeout=5)  # noqa: S310
    assert refused.value.code == 400


def test_discovery_and_jwks_are_published(provider):
    with urllib.request.urlopen(f"{provider.issuer}/.well-known/openid-configuration", timeout=5) as r:  # noqa: S310
        meta = json.loads(r.read())
    with urllib.request.urlopen(meta["jwks_uri"], timeout=5) as r:  # noqa: S310
        keys = json.loads(r.read())["keys"]
    assert meta["issuer"] == provider.issuer and keys[0]["kty"] == "RSA" and keys[0]["alg"] == "RS256"


# -- linking with a password account ---------------------------------------------------------------


@pytest.fixture
def password_account(citizen):
    """Phạm Thị Lan typed the same ID number as the provider's demo identity vneid-0001."""
    citizen.citizen.id_number = "042060001234"
    citizen.citizen.save()
    return citizen


def test_a_password_account_with_the_same_id_number_is_not_taken_over(client, provider, password_account):
    response = come_back(client, at_provider(start(client)))
    assert response.status_code == 200 and "_auth_user_id" not in client.session
    assert reverse("citizens:identity_separate") in response.content.decode()
    password_account.citizen.refresh_from_db()
    assert password_account.citizen.oidc_subject is None


def test_the_person_may_choose_a_separate_account(client, provider, password_account):
    come_back(client, at_provider(start(client)))
    response = client.post(reverse("citizens:identity_separate"))
    assert response.status_code == 302
    assert Profile.objects.get(oidc_subject="vneid-0001").user != password_account


def test_a_logged_in_person_links_the_identity(client, provider, password_account):
    client.force_login(password_account)
    response = come_back(client, at_provider(start(client)))
    assert response.status_code == 302
    profile = Profile.objects.get(pk=password_account.citizen.pk)
    assert profile.oidc_subject == "vneid-0001" and profile.id_number_verified_at is not None
    assert profile.phone == "0912345678"  # own verified phone kept
    assert Profile.objects.count() == 1


def test_linking_refuses_a_different_id_number(client, provider, citizen):
    citizen.citizen.id_number = "042185004321"
    citizen.citizen.save()
    client.force_login(citizen)
    response = come_back(client, at_provider(start(client)))
    assert response.status_code == 400
    assert Profile.objects.get(pk=citizen.citizen.pk).oidc_subject is None


def test_organisations_no_longer_listed_lose_the_providers_word(client, provider):
    come_back(client, at_provider(start(client)))
    profile = Profile.objects.get(oidc_subject="vneid-0001")
    provider.identities[0] = {**provider.identities[0], "organizations": []}
    client.post(reverse("citizens:logout"))
    come_back(client, at_provider(start(client)))
    assert not organisations_of(profile.user).exists()
    assert Representation.objects.filter(user=profile.user, verified_at__isnull=True).count() == 1
