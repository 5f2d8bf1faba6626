"""PAdES signatures and their verification, with a test CA made here: valid, tampered, untrusted,
expired, not signed, corrupt."""

from __future__ import annotations

import datetime as dt
from io import BytesIO

import pytest
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader

from motcua.documents import signing
from motcua.documents.signing import SigningUnavailable, registry, sign_pdf
from motcua.documents.verification import Verdict, verify_pdf

from . import signing_support
from .signing_support import Authority, plain_pdf

test_ca = signing_support.test_ca

pytestmark = pytest.mark.django_db


def signed(test_ca, **kwargs) -> bytes:
    return sign_pdf(plain_pdf(), signer=test_ca.signer(**kwargs), reason="Phê duyệt kết quả", location="Hà Tĩnh")


def test_valid_signature_names_signer_and_covers_the_file(test_ca):
    test_ca.trust()
    report = verify_pdf(signed(test_ca))
    assert report.verdict is Verdict.VALID
    [sig] = report.signatures
    assert (sig.signer, sig.issuer, sig.reason, sig.location) == (
        "Phạm Quốc Hùng",
        "Test Root CA",
        "Phê duyệt kết quả",
        "Hà Tĩnh",
    )
    assert sig.intact and sig.covers_whole_file and sig.trusted
    assert abs(sig.signed_at - dt.datetime.now(dt.UTC)) < dt.timedelta(minutes=1)


def test_signature_is_pades_sha256_with_the_chain_and_a_visible_stamp(test_ca):
    reader = PdfFileReader(BytesIO(signed(test_ca)))
    [embedded] = reader.embedded_signatures
    assert embedded.sig_object["/SubFilter"] == "/ETSI.CAdES.detached"
    assert embedded.md_algorithm == "sha256"
    subjects = {c.chosen.subject.native["common_name"] for c in embedded.signed_data["certificates"]}
    assert {"Phạm Quốc Hùng", "Test Root CA"} <= subjects
    widget = embedded.sig_field
    x1, y1, x2, y2 = (float(v) for v in widget["/Rect"])
    assert x2 - x1 > 100 and y2 - y1 > 40  # visible, not a zero-size field
    # The stamp's text is set in the embedded Noto Sans (Vietnamese letters as real glyphs).
    fonts = widget["/AP"]["/N"]["/Resources"]["/Font"]
    assert any("NotoSans" in str(fonts[name]["/BaseFont"]) for name in fonts)


def test_a_second_signature_keeps_the_first_valid(test_ca):
    test_ca.trust()
    twice = sign_pdf(signed(test_ca), signer=test_ca.signer("Trần Thị Hoa"), reason="Ký lần hai")
    report = verify_pdf(twice)
    assert report.verdict is Verdict.VALID
    assert [s.signer for s in report.signatures] == ["Phạm Quốc Hùng", "Trần Thị Hoa"]
    assert not report.signatures[0].covers_whole_file


def test_a_changed_byte_is_tampering(test_ca):
    test_ca.trust()
    pdf = signed(test_ca)
    at = pdf.index(b"stream") + 40
    assert verify_pdf(pdf[:at] + bytes([pdf[at] ^ 1]) + pdf[at + 1 :]).verdict is Verdict.TAMPERED


def test_content_added_after_signing_is_tampering(test_ca):
    test_ca.trust()
    writer = IncrementalPdfFileWriter(BytesIO(signed(test_ca)))
    page = writer.find_page_for_modification(0)[0]
    stream = generic.StreamObject(stream_data=b"BT /F1 24 Tf 100 100 Td (DA SUA) Tj ET")
    page_obj = page.get_object()
    page_obj["/Contents"] = generic.ArrayObject([*_contents(page_obj), writer.add_object(stream)])
    writer.update_container(page_obj)
    out = BytesIO()
    writer.write(out)
    report = verify_pdf(out.getvalue())
    assert report.verdict is Verdict.TAMPERED
    assert report.signatures[0].intact and not report.signatures[0].covers_whole_file


def _contents(page_obj):
    raw = page_obj.raw_get("/Contents")
    return list(page_obj["/Contents"]) if isinstance(page_obj["/Contents"], generic.ArrayObject) else [raw]


def test_a_signer_from_an_unknown_ca_is_not_trusted(test_ca, tmp_path):
    test_ca.trust()
    (tmp_path / "other").mkdir()
    stranger = Authority(tmp_path / "other", name="Someone Else CA")
    report = verify_pdf(sign_pdf(plain_pdf(), signer=stranger.signer(), reason="x"))
    assert report.verdict is Verdict.UNTRUSTED
    assert report.signatures[0].intact and not report.signatures[0].trusted


def test_no_trusted_root_at_all_is_untrusted(test_ca):
    assert verify_pdf(signed(test_ca)).verdict is Verdict.UNTRUSTED


def test_roots_from_the_setting_are_trusted(test_ca, tmp_path, settings):
    pem = tmp_path / "root.pem"
    pem.write_bytes(test_ca.root.pem)
    settings.MOTCUA_TRUSTED_ROOTS = [str(pem)]
    assert verify_pdf(signed(test_ca)).verdict is Verdict.VALID


def test_a_certificate_expired_at_signing_time(test_ca):
    test_ca.trust()
    old = {"not_before": dt.datetime(2025, 1, 1, tzinfo=dt.UTC), "not_after": dt.datetime(2025, 6, 1, tzinfo=dt.UTC)}
    report = verify_pdf(signed(test_ca, **old))
    assert report.verdict is Verdict.EXPIRED
    assert report.signatures[0].intact


def test_a_pdf_without_signature():
    assert verify_pdf(plain_pdf()).verdict is Verdict.NOT_SIGNED


@pytest.mark.parametrize("content", [b"", b"hello", b"%PDF-1.7\n garbage \x00\xff", b"\x89PNG\r\n\x1a\n"])
def test_corrupt_files(content):
    assert verify_pdf(content).verdict is Verdict.CORRUPT


def test_a_truncated_signed_pdf_is_not_valid(test_ca):
    test_ca.trust()
    pdf = signed(test_ca)
    assert verify_pdf(pdf[: len(pdf) // 2]).verdict in {Verdict.CORRUPT, Verdict.NOT_SIGNED, Verdict.TAMPERED}


def test_wrong_passphrase_or_missing_file_is_unavailable(test_ca, tmp_path):
    path = test_ca.key_file("A")
    with pytest.raises(SigningUnavailable):
        registry.create("pkcs12", {"path": str(path), "passphrase": "wrong"}).pyhanko_signer()
    with pytest.raises(SigningUnavailable):
        registry.create("pkcs12", {"path": str(tmp_path / "none.p12")}).pyhanko_signer()
    with pytest.raises(SigningUnavailable):
        registry.create("pkcs12", {"path": str(path), "passphrase_env": "MOTCUA_TEST_UNSET_PASS"}).pyhanko_signer()


def test_passphrase_from_environment(test_ca, monkeypatch):
    path = test_ca.key_file("A")
    monkeypatch.setenv("MOTCUA_TEST_PASS", "secret")
    signer = registry.create("pkcs12", {"path": str(path), "passphrase_env": "MOTCUA_TEST_PASS"})
    assert signer.certificate.subject.native["common_name"] == "A"


def test_signer_for_uses_the_officers_current_key(test_ca, django_user_model):
    officer = django_user_model.objects.create(username="lanhdao")
    with pytest.raises(signing.NoSigningKey):
        signing.signer_for(officer)
    test_ca.give_key(
        officer,
        "Old",
        not_before=dt.datetime(2020, 1, 1, tzinfo=dt.UTC),
        not_after=dt.datetime(2021, 1, 1, tzinfo=dt.UTC),
    )
    assert not signing.has_key(officer)
    test_ca.give_key(officer, "Phạm Quốc Hùng")
    assert signing.signer_for(officer).certificate.subject.native["common_name"] == "Phạm Quốc Hùng"


def test_admin_reads_subject_and_validity_from_the_key(test_ca, django_user_model):
    from motcua.documents.admin import SigningKeyForm, TrustedRootForm

    officer = django_user_model.objects.create(username="lanhdao")
    path = test_ca.key_file("Phạm Quốc Hùng")
    data = {"officer": officer.pk, "plugin": "pkcs12", "active": True, "subject": "", "valid_from": "", "valid_to": ""}
    good = SigningKeyForm(data={**data, "config": f'{{"path": "{path}", "passphrase": "secret"}}'})
    assert good.is_valid(), good.errors
    key = good.save()
    assert "Phạm Quốc Hùng" in key.subject and key.valid_to.year == 2030
    bad = SigningKeyForm(data={**data, "config": f'{{"path": "{path}", "passphrase": "nope"}}'})
    assert not bad.is_valid() and "config" in bad.errors
    assert not TrustedRootForm(data={"name": "x", "certificate_pem": "hello", "active": True}).is_valid()
    assert TrustedRootForm(data={"name": "x", "certificate_pem": test_ca.root.pem.decode(), "active": True}).is_valid()


def test_demo_keys_are_made_once_and_trusted(tmp_path, django_user_model):
    from motcua.documents.models import SigningKey
    from motcua.documents.signing.demo import make_demo_keys

    leader = django_user_model.objects.create(username="lanhdao", first_name="Hùng", last_name="Phạm Quốc")
    django_user_model.objects.create(username="tiepnhan")
    assert len(make_demo_keys(tmp_path)) == 2
    assert oct((tmp_path / "lanhdao.p12").stat().st_mode & 0o777) == "0o600"
    report = verify_pdf(sign_pdf(plain_pdf(), signer=signing.signer_for(leader), reason="Demo"))
    assert report.verdict is Verdict.VALID and report.signatures[0].signer == "Phạm Quốc Hùng"
    assert make_demo_keys(tmp_path) == []  # run again: the keys still valid are kept
    assert SigningKey.objects.filter(active=True).count() == 2
