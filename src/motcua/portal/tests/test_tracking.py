# ruff: noqa: F811 — the dossiers fixtures are imported here by name
"""Following dossiers: my dossiers, one dossier's page and its actions, the public look-up."""

import re

import pytest
import time_machine
from django.core.cache import caches
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from motcua.core.people import mask_name
from motcua.dossiers.models import Dossier, DossierDocument
from motcua.dossiers.tests.conftest import officers, receive  # noqa: F401
from motcua.portal import tracking

from .tracking_helpers import PDF, approve, ask_supplement, at, citizen, own

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_caches():
    caches["default"].clear()
    tracking.rendered.clear()
    tracking.pages.clear()


@pytest.fixture
def lan():
    return citizen("lan")


@pytest.fixture
def other():
    return citizen("binh", "Trần Văn Bình")


def test_mask_name():
    assert mask_name("Nguyễn Thị Lan") == "Nguyễn T** L**"
    assert mask_name("  Lê   Văn  An ") == "Lê V** A*"
    assert mask_name("Hà") == "H*"
    assert mask_name("Nguyễn T") == "Nguyễn T*"
    assert mask_name("") == ""


def test_my_dossiers_lists_only_own_newest_first_with_what_to_do(client, receive, officers, lan, other):
    first = own(receive(), lan)
    second = own(receive(), lan)
    own(receive(), other)
    ask_supplement(second, officers)
    client.force_login(lan)
    response = client.get(reverse("portal:my_dossiers"))
    assert response.status_code == 200
    page = response.content.decode()
    assert page.index(second.code) < page.index(first.code)
    assert page.count('class="track-item"') == 2
    assert "Gửi giấy tờ còn thiếu" in page  # what to do now: send the missing documents


def test_my_dossiers_pages_by_keyset_and_few_queries(client, receive, lan, django_assert_max_num_queries):
    dossier = receive()
    Dossier.objects.bulk_create(
        [
            Dossier(
                **{
                    f.attname: getattr(dossier, f.attname)
                    for f in Dossier._meta.concrete_fields
                    if f.attname not in ("id", "code", "owner_id")
                },
                code=f"X-{n:03d}",
                owner=lan,
            )
            for n in range(50)
        ]
    )
    client.force_login(lan)
    with django_assert_max_num_queries(4):
        response = client.get(reverse("portal:my_dossiers"))
    codes = re.findall(r"X-\d{3}", response.content.decode())
    assert codes[0] == "X-049" and len(codes) == tracking.PAGE_SIZE
    older = re.search(r'href="\?truoc=(\d+)"', response.content.decode()).group(1)
    codes2 = re.findall(r"X-\d{3}", client.get(f"{reverse('portal:my_dossiers')}?truoc={older}").content.decode())
    assert codes2[0] == "X-029" and not set(codes) & set(codes2)


def test_anonymous_is_sent_to_login(client):
    response = client.get(reverse("portal:my_dossiers"))
    assert response.status_code == 302 and reverse("citizens:login") in response["Location"]


def test_another_citizen_gets_404_everywhere(client, receive, officers, lan, other):
    dossier = own(receive(reception={"return_method": "online"}), lan)
    approve(dossier, officers, result=PDF)
    document = DossierDocument.objects.get(dossier=dossier, added_in="result")
    client.force_login(other)
    for url in [
        reverse("portal:my_dossier", args=[dossier.pk]),
        reverse("portal:my_dossier_timeline", args=[dossier.pk]),
        reverse("portal:my_dossier_slip", args=[dossier.pk, 1]),
        reverse("portal:my_dossier_result", args=[dossier.pk, document.pk]),
        reverse("portal:my_dossier_withdraw", args=[dossier.pk]),
    ]:
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("portal:my_dossier_supplement", args=[dossier.pk])).status_code == 404
    assert client.post(reverse("portal:my_dossier_withdraw", args=[dossier.pk]), {"confirm": "yes"}).status_code == 404
    assert client.post(reverse("feedback:rate_online", args=[dossier.pk]), {"liked": "yes"}).status_code == 404
    # The API: a citizen's session is not an officer's; the dossier does not exist for him.
    assert client.get(f"/api/v1/dossiers/{dossier.pk}").status_code in (401, 403, 404)
    assert client.get(f"/api/v1/dossiers/{dossier.code}/events").status_code in (401, 403, 404)
    assert Dossier.objects.get(pk=dossier.pk).status == "processed"


def test_owner_downloads_slip_and_electronic_result(client, receive, officers, lan):
    dossier = own(receive(reception={"return_method": "online"}), lan)
    client.force_login(lan)
    document_url = None
    page = client.get(reverse("portal:my_dossier", args=[dossier.pk])).content.decode()
    assert "Mẫu 01" in page or "Form 01" in page
    slip = client.get(reverse("portal:my_dossier_slip", args=[dossier.pk, 1]))
    assert slip.status_code == 200 and slip.content.startswith(b"%PDF")
    assert client.get(reverse("portal:my_dossier_slip", args=[dossier.pk, 6])).status_code == 404
    assert client.get(reverse("portal:my_dossier_slip", args=[dossier.pk, 3])).status_code == 404
    approve(dossier, officers, result=PDF)
    document = DossierDocument.objects.get(dossier=dossier, added_in="result")
    document_url = reverse("portal:my_dossier_result", args=[dossier.pk, document.pk])
    page = client.get(reverse("portal:my_dossier", args=[dossier.pk])).content.decode()
    assert document_url in page
    response = client.get(document_url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF


def test_result_hidden_when_not_returned_online(client, receive, officers, lan):
    dossier = own(receive(), lan)  # result returned at the counter
    approve(dossier, officers, result=PDF)
    document = DossierDocument.objects.get(dossier=dossier, added_in="result")
    client.force_login(lan)
    assert client.get(reverse("portal:my_dossier_result", args=[dossier.pk, document.pk])).status_code == 404


def test_approve_refuses_a_result_that_is_not_a_pdf(receive, officers):
    from motcua.core.errors import Invalid

    dossier = receive()
    with pytest.raises(Invalid):
        approve(dossier, officers, result=b"\x89PNG\r\n\x1a\n....")
    assert not DossierDocument.objects.filter(dossier=dossier, added_in="result").exists()


def test_supplement_online_once(client, receive, officers, lan):
    dossier = own(receive(), lan)
    ask_supplement(dossier, officers)
    client.force_login(lan)
    url = reverse("portal:my_dossier_supplement", args=[dossier.pk])
    page = client.get(reverse("portal:my_dossier", args=[dossier.pk])).content.decode()
    assert "Bản sao sổ hộ khẩu" in page and 'name="file-1"' in page
    # Wrong type: refused, nothing changes.
    bad = client.post(url, {"file-0": SimpleUploadedFile("a.txt", b"hello")})
    assert bad.status_code == 422 and "PDF" in bad.content.decode()
    assert Dossier.objects.get(pk=dossier.pk).status == "supplement_requested"
    # Nothing chosen: refused.
    assert client.post(url, {}).status_code == 422
    with time_machine.travel(at(2026, 1, 14, 9, 0), tick=False):
        ok = client.post(
            url,
            {
                "file-0": SimpleUploadedFile("so.pdf", PDF, "application/pdf"),
                "file-1": SimpleUploadedFile("anh.png", b"\x89PNG\r\n\x1a\n" + b"0" * 20, "image/png"),
                "note": "Gửi bổ sung",
            },
        )
    assert ok.status_code == 302
    assert Dossier.objects.get(pk=dossier.pk).status == "supplemented"
    names = set(DossierDocument.objects.filter(dossier=dossier, added_in="supplement").values_list("name", flat=True))
    assert names == {"Bản sao sổ hộ khẩu", "Ảnh chân dung"}
    again = client.post(url, {"file-0": SimpleUploadedFile("so.pdf", PDF, "application/pdf")})
    assert again.status_code == 409
    assert "chỉ gửi được một lần" in again.content.decode()
    assert DossierDocument.objects.filter(dossier=dossier, added_in="supplement").count() == 2


@override_settings(MOTCUA_MAX_UPLOAD_BYTES=100)
def test_supplement_too_large(client, receive, officers, lan):
    dossier = own(receive(), lan)
    ask_supplement(dossier, officers)
    client.force_login(lan)
    response = client.post(
        reverse("portal:my_dossier_supplement", args=[dossier.pk]),
        {"file-0": SimpleUploadedFile("big.pdf", PDF + b"0" * 200, "application/pdf")},
    )
    assert response.status_code == 422
    assert Dossier.objects.get(pk=dossier.pk).status == "supplement_requested"


def test_withdraw_with_confirmation(client, receive, lan):
    dossier = own(receive(), lan)
    client.force_login(lan)
    url = reverse("portal:my_dossier_withdraw", args=[dossier.pk])
    assert client.get(url).status_code == 200
    unconfirmed = client.post(url, {"reasons": "Đổi ý"})
    assert unconfirmed.status_code == 422
    assert Dossier.objects.get(pk=dossier.pk).status == "received"
    assert client.post(url, {"reasons": "Đổi ý", "confirm": "yes"}).status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == "withdrawn"
    assert client.get(reverse("portal:my_dossier_slip", args=[dossier.pk, 5])).status_code == 200
    # Once withdrawn, the page no longer offers it.
    assert client.get(url).status_code == 302


def test_timeline_fragment_and_etag(client, receive, officers, lan):
    dossier = own(receive(), lan)
    client.force_login(lan)
    url = reverse("portal:my_dossier_timeline", args=[dossier.pk])
    first = client.get(url)
    assert first.status_code == 200
    body = first.content.decode()
    assert 'id="timeline"' in body and "<html" not in body and "Tiepnhan" in body
    assert client.get(url, headers={"if-none-match": first["ETag"]}).status_code == 304
    ask_supplement(dossier, officers)
    changed = client.get(url, headers={"if-none-match": first["ETag"]})
    assert changed.status_code == 200
    assert "Bản sao sổ hộ khẩu" in changed.content.decode()


# -- public look-up ---------------------------------------------------------------------------


def test_lookup_right_pair_masks_names(client, receive):
    dossier = receive()
    response = client.get(reverse("portal:lookup_direct", args=[dossier.code, dossier.secret]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Nguyễn T** L**" in page and "Nguyễn Thị Lan" not in page
    assert "T*******" in page  # the receptionist "Tiepnhan", masked
    assert dossier.applicant_id_number not in page
    form = client.get(reverse("portal:lookup"), {"ma": dossier.code.lower(), "bi-mat": dossier.secret.lower()})
    assert form.status_code == 200 and dossier.code in form.content.decode()


def test_lookup_wrong_pair_is_one_neutral_message(client, receive):
    dossier = receive()
    wrong_secret = client.get(reverse("portal:lookup_direct", args=[dossier.code, "AAAAAA"]))
    wrong_code = client.get(reverse("portal:lookup_direct", args=["H42.0-000000-0000", dossier.secret]))
    assert wrong_secret.status_code == wrong_code.status_code == 404

    def message(response):
        return re.search(r'id="lookup-error"[^>]*>([^<]+)<', response.content.decode()).group(1)

    assert message(wrong_secret) == message(wrong_code)
    assert "Nguyễn" not in wrong_secret.content.decode()


def test_lookup_cache_follows_revision(client, receive, officers):
    dossier = receive()
    url = reverse("portal:lookup_direct", args=[dossier.code, dossier.secret])
    assert "Đã tiếp nhận" in client.get(url).content.decode()
    ask_supplement(dossier, officers)
    assert "Yêu cầu bổ sung" in client.get(url).content.decode()


@override_settings(MOTCUA_LOOKUP_FAILURE_LIMIT=3, MOTCUA_LOOKUP_LIMIT=5)
def test_lookup_rate_limits(client, receive):
    dossier = receive()
    for _ in range(3):
        assert client.get(reverse("portal:lookup_direct", args=[dossier.code, "ZZZZZZ"])).status_code == 404
    blocked = client.get(reverse("portal:lookup_direct", args=[dossier.code, dossier.secret]))
    assert blocked.status_code == 429 and "Nguyễn" not in blocked.content.decode()
    # Another address is not affected; then too many attempts of any kind are limited too.
    for _ in range(5):
        assert (
            client.get(
                reverse("portal:lookup_direct", args=[dossier.code, dossier.secret]), REMOTE_ADDR="10.0.0.2"
            ).status_code
            == 200
        )
    assert (
        client.get(
            reverse("portal:lookup_direct", args=[dossier.code, dossier.secret]), REMOTE_ADDR="10.0.0.2"
        ).status_code
        == 429
    )


def test_slip_qr_points_to_lookup(receive, settings):
    from motcua.dossiers import forms

    settings.MOTCUA_PUBLIC_URL = "https://dichvucong.example.vn/"
    dossier = receive()
    assert forms.lookup_url(dossier) == f"https://dichvucong.example.vn/tra-cuu/{dossier.code}/{dossier.secret}/"


def test_citizen_session_cannot_use_the_officers_api(client, receive, lan):
    dossier = own(receive(), lan)
    client.force_login(lan)
    assert client.get(f"/api/v1/dossiers/{dossier.pk}").status_code in (401, 403, 404)
    queue = client.get("/api/v1/dossiers/queues")
    assert queue.status_code in (401, 403) or all(v == 0 for v in queue.json().values() if isinstance(v, int))


def test_lookup_page_is_kept_once_and_sets_no_cookie_for_anonymous_visitors(receive):
    from django.test import Client

    dossier = receive()
    url = reverse("portal:lookup_direct", args=[dossier.code, dossier.secret])
    pages = []
    for _ in range(2):
        visitor = Client(enforce_csrf_checks=True)
        response = visitor.get(url)
        assert response.status_code == 200 and not response.cookies
        pages.append(response.content)
        # The language switch needs no token: the page is the same for every visitor.
        switched = visitor.post("/ngon-ngu/", {"language": "en", "next": url})
        assert switched.status_code == 302 and switched.cookies["django_language"].value == "en"
    assert pages[0] == pages[1] and len(tracking.pages.items) == 1


def test_language_switch_goes_back_only_to_this_site(client):
    response = client.post("/ngon-ngu/", {"language": "en", "next": "https://evil.example/"})
    assert response.status_code == 302 and response["Location"] == "/"
    refused = client.post("/ngon-ngu/", {"language": "xx", "next": "/thu-tuc/"})
    assert refused["Location"] == "/thu-tuc/" and "django_language" not in refused.cookies
    assert client.get("/ngon-ngu/").status_code == 405


def test_me_api_lists_only_own_dossiers(client, receive, lan, other):
    mine = own(receive(), lan)
    theirs = own(receive(), other)
    assert client.get("/api/v1/me/dossiers").status_code == 401
    client.force_login(lan)
    rows = client.get("/api/v1/me/dossiers").json()
    assert [r["id"] for r in rows] == [mine.pk]
    assert rows[0]["code"] == mine.code and rows[0]["procedure"] == "2.001035"
    detail = client.get(f"/api/v1/me/dossiers/{mine.pk}").json()
    assert detail["events"][0]["action"] == "receive" and detail["secret"] == mine.secret
    assert client.get(f"/api/v1/me/dossiers/{theirs.pk}").status_code == 404


def test_me_api_refuses_officers(client, receive, officers):
    client.force_login(officers["receptionist"])
    assert client.get("/api/v1/me/dossiers").status_code == 401


def test_leader_attaches_the_electronic_result_on_the_back_office_form(client, receive, officers):
    from motcua.backoffice.access import SLUGS

    dossier = receive(reception={"return_method": "online"})
    # Hand the dossier to the leader's step, then approve through the back office with a PDF.
    from motcua.dossiers import services
    from motcua.dossiers.models import DossierStep

    with time_machine.travel(at(2026, 1, 13, 9, 0), tick=False):
        for role in ("receptionist", "specialist"):
            if DossierStep.objects.filter(dossier=dossier, state="active", role=role).exists():
                services.complete_step(dossier.pk, officers[role])
        client.force_login(officers["leader"])
        page = client.get(reverse("backoffice:dossier", args=[dossier.pk])).content.decode()
        assert 'name="result"' in page
        revision = Dossier.objects.get(pk=dossier.pk).revision
        url = reverse("backoffice:act", args=[dossier.pk, SLUGS["approve"]])
        bad = client.post(url, {"revision": revision, "result": SimpleUploadedFile("kq.png", b"\x89PNG\r\n\x1a\nxx")})
        assert bad.status_code == 422 and Dossier.objects.get(pk=dossier.pk).status != "processed"
        ok = client.post(url, {"revision": revision, "result": SimpleUploadedFile("kq.pdf", PDF, "application/pdf")})
    assert ok.status_code == 302
    document = DossierDocument.objects.get(dossier=dossier, added_in="result")
    assert document.content_type == "application/pdf" and document.file.read() == PDF
