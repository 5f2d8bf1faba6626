"""The public verification page /xac-thuc/, through the test client."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from motcua.documents import store
from motcua.documents.models import IssuedDocument
from motcua.documents.signing import sign_pdf
from motcua.dossiers.tests import conftest as dossier_fixtures
from motcua.dossiers.tests.conftest import at

from . import signing_support
from .signing_support import plain_pdf

test_ca = signing_support.test_ca

officers, receive = dossier_fixtures.officers, dossier_fixtures.receive
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_cache():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


def upload(client, content: bytes, name: str = "ket-qua.pdf"):
    return client.post(reverse("documents:verify"), {"file": SimpleUploadedFile(name, content, "application/pdf")})


def signed(test_ca) -> bytes:
    return sign_pdf(plain_pdf(), signer=test_ca.signer(), reason="Phê duyệt", location="Hà Tĩnh")


def test_the_form_needs_no_login(client):
    page = client.get(reverse("documents:verify"))
    assert page.status_code == 200
    assert 'type="file"' in page.content.decode()


def test_a_valid_document(client, test_ca):
    test_ca.trust()
    page = upload(client, signed(test_ca)).content.decode()
    assert "Chữ ký hợp lệ" in page
    assert "Phạm Quốc Hùng" in page and "Test Root CA" in page and "Hà Tĩnh" in page


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda ca: signed(ca), "Người ký không được tin cậy"),
        (lambda ca: plain_pdf(), "Văn bản không có chữ ký số"),
        (lambda ca: b"%PDF-1.7 broken", "Không đọc được tệp"),
        (lambda ca: b"GIF89a not a pdf", "Không đọc được tệp"),
    ],
)
def test_bad_documents_are_explained(client, test_ca, make, message):
    page = upload(client, make(test_ca)).content.decode()
    assert message in page


def test_a_tampered_document(client, test_ca):
    test_ca.trust()
    pdf = signed(test_ca)
    at_ = pdf.index(b"stream") + 40
    page = upload(client, pdf[:at_] + bytes([pdf[at_] ^ 1]) + pdf[at_ + 1 :]).content.decode()
    assert "Văn bản đã bị thay đổi sau khi ký" in page


def test_an_expired_certificate(client, test_ca):
    import datetime as dt

    test_ca.trust()
    signer = test_ca.signer(
        not_before=dt.datetime(2025, 1, 1, tzinfo=dt.UTC), not_after=dt.datetime(2025, 6, 1, tzinfo=dt.UTC)
    )
    page = upload(client, sign_pdf(plain_pdf(), signer=signer, reason="x")).content.decode()
    assert "Chứng thư số của người ký không còn hiệu lực" in page


def test_too_large_and_missing_file(client, settings):
    settings.MOTCUA_VERIFY_MAX_BYTES = 100
    assert upload(client, b"%PDF-" + b"x" * 200).status_code == 400
    assert client.post(reverse("documents:verify"), {}).status_code == 400


def test_rate_limited_per_address(client, settings):
    settings.MOTCUA_VERIFY_LIMIT = 2
    assert upload(client, plain_pdf()).status_code == 200
    assert upload(client, plain_pdf()).status_code == 200
    assert upload(client, plain_pdf()).status_code == 429
    other = client.post(
        reverse("documents:verify"),
        {"file": SimpleUploadedFile("a.pdf", plain_pdf(), "application/pdf")},
        REMOTE_ADDR="10.0.0.9",
    )
    assert other.status_code == 200


def test_the_qr_link_of_an_issued_document(client, receive, officers, test_ca):
    import time_machine

    from motcua.documents import results

    test_ca.trust()
    test_ca.give_key(officers["receptionist"], "Trần Thị Hoa")
    dossier = receive(when=at(2026, 1, 12, 9, 0))
    with time_machine.travel(at(2026, 1, 12, 9, 30), tick=False):
        issued = results.sign_receipt(dossier.pk, officers["receptionist"])
    page = client.get(reverse("documents:issued", args=[issued.code])).content.decode()
    assert "Chữ ký hợp lệ" in page and dossier.code in page and "Trần Thị Hoa" in page
    assert client.get(reverse("documents:issued", args=["khong-co"])).status_code == 404
    by_hash = client.get(reverse("documents:issued", args=[issued.blob_id])).content.decode()
    assert "Chữ ký hợp lệ" in by_hash and dossier.code in by_hash
    uploaded = upload(client, store.read(issued.blob)).content.decode()
    assert dossier.code in uploaded and "Văn bản do hệ thống một cửa phát hành" in uploaded


def test_a_stored_file_that_changed_is_reported(client, receive, officers, test_ca):
    import time_machine
    from django.core.files.storage import default_storage

    from motcua.documents import results

    test_ca.trust()
    test_ca.give_key(officers["receptionist"], "Trần Thị Hoa")
    dossier = receive(when=at(2026, 1, 12, 9, 0))
    with time_machine.travel(at(2026, 1, 12, 9, 30), tick=False):
        issued = results.sign_receipt(dossier.pk, officers["receptionist"])
    default_storage.delete(issued.blob.name)
    default_storage.save(issued.blob.name, __import__("io").BytesIO(b"%PDF-1.4 replaced"))
    assert store.verify(issued.blob) is False
    page = client.get(reverse("documents:issued", args=[issued.code])).content.decode()
    assert "Văn bản đã bị thay đổi sau khi ký" in page
    assert IssuedDocument.objects.count() == 1
