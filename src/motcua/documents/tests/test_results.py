"""The leader's signed result (from the template or uploaded), the receptionist's signed slip, and
the back-office buttons."""

from __future__ import annotations

from io import BytesIO

import pytest
import time_machine
from django.urls import reverse
from pypdf import PdfReader

from motcua.core.errors import Invalid, NotAllowed
from motcua.documents import results, store
from motcua.documents.models import IssuedDocument
from motcua.documents.verification import Verdict, verify_pdf
from motcua.dossiers import services
from motcua.dossiers.models import DossierDocument
from motcua.dossiers.services import Upload
from motcua.dossiers.tests import conftest as dossier_fixtures
from motcua.dossiers.tests.conftest import at
from motcua.dossiers.workflow import Status

from . import signing_support
from .signing_support import plain_pdf

test_ca = signing_support.test_ca

officers, receive = dossier_fixtures.officers, dossier_fixtures.receive
pytestmark = pytest.mark.django_db

TEMPLATE = """<h1>QUYẾT ĐỊNH</h1>
<p>Chấp thuận hồ sơ {{ dossier.code }} của {{ dossier.applicant_name }},
số định danh {{ dossier.applicant_id_number }}.</p>
<p>Ngày {{ today|date:"d/m/Y" }}.</p>"""


@pytest.fixture
def ready(receive, officers, test_ca):
    """A dossier waiting for the leader's signature, leader and receptionist with keys."""
    test_ca.trust()
    test_ca.give_key(officers["leader"], "Phạm Quốc Hùng")
    test_ca.give_key(officers["receptionist"], "Trần Thị Hoa")
    dossier = receive(when=at(2026, 1, 12, 9, 0))
    with time_machine.travel(at(2026, 1, 12, 10, 0), tick=False):
        services.complete_step(dossier.pk, officers["receptionist"])
        services.complete_step(dossier.pk, officers["specialist"])
    return dossier


def _result_documents(dossier):
    return list(DossierDocument.objects.filter(dossier=dossier, added_in="result"))


def test_approve_signs_the_result_made_from_the_template(ready, officers):
    version = ready.procedure_version
    version.result_template = TEMPLATE
    version.save(update_fields=["result_template"])
    with time_machine.travel(at(2026, 1, 13, 9, 0), tick=False):
        dossier = results.approve_and_sign(ready.pk, officers["leader"], note="Đồng ý")
    assert dossier.status == Status.PROCESSED
    [document] = _result_documents(dossier)
    issued = IssuedDocument.objects.get(dossier=dossier)
    assert issued.kind == IssuedDocument.Kind.RESULT and issued.signed_by == officers["leader"]
    assert document.blob_id == issued.blob_id
    content = store.read(issued.blob)
    report = verify_pdf(content)
    assert report.verdict is Verdict.VALID
    assert report.signatures[0].signer == "Phạm Quốc Hùng"
    assert dossier.code in report.signatures[0].reason
    # The text of the template, filled in, is in the PDF; the stamp's QR points to the page.
    text = " ".join(PdfReader(BytesIO(content)).pages[0].extract_text().split())
    assert "Nguyễn Thị Lan" in text and dossier.code in text and "13/01/2026" in text
    assert results.verify_url(issued.code).endswith(f"/xac-thuc/{issued.code}/")


def test_approve_signs_an_uploaded_result(ready, officers):
    upload = Upload(name="Kết quả", form="original", filename="kq.pdf", content=plain_pdf())
    with time_machine.travel(at(2026, 1, 13, 9, 0), tick=False):
        results.approve_and_sign(ready.pk, officers["leader"], uploaded=upload)
    issued = IssuedDocument.objects.get(dossier=ready)
    assert verify_pdf(store.read(issued.blob)).verdict is Verdict.VALID


def test_without_template_or_file_nothing_happens(ready, officers):
    with pytest.raises(Invalid), time_machine.travel(at(2026, 1, 13, 9, 0), tick=False):
        results.approve_and_sign(ready.pk, officers["leader"])
    ready.refresh_from_db()
    assert ready.status != Status.PROCESSED and not IssuedDocument.objects.exists()


def test_a_non_pdf_upload_is_refused(ready, officers):
    upload = Upload(name="Kết quả", form="original", filename="kq.pdf", content=b"not a pdf")
    with pytest.raises(Invalid), time_machine.travel(at(2026, 1, 13, 9, 0), tick=False):
        results.approve_and_sign(ready.pk, officers["leader"], uploaded=upload)
    assert not IssuedDocument.objects.exists()


def test_a_leader_without_key_cannot_sign(receive, officers):
    dossier = receive(when=at(2026, 1, 12, 9, 0))
    dossier.procedure_version.result_template = TEMPLATE
    dossier.procedure_version.save()
    with pytest.raises(NotAllowed), time_machine.travel(at(2026, 1, 13, 9, 0), tick=False):
        results.approve_and_sign(dossier.pk, officers["leader"])
    assert not IssuedDocument.objects.exists()


def test_someone_else_with_a_key_cannot_approve(ready, officers, test_ca):
    ready.procedure_version.result_template = TEMPLATE
    ready.procedure_version.save()
    with pytest.raises(NotAllowed), time_machine.travel(at(2026, 1, 13, 9, 0), tick=False):
        results.approve_and_sign(ready.pk, officers["receptionist"])
    assert not IssuedDocument.objects.exists() and not _result_documents(ready)


def test_a_broken_template_is_refused(ready, officers):
    ready.procedure_version.result_template = "{% if %}"
    ready.procedure_version.save()
    with pytest.raises(Invalid), time_machine.travel(at(2026, 1, 13, 9, 0), tick=False):
        results.approve_and_sign(ready.pk, officers["leader"])


def test_the_receptionist_signs_the_receipt_slip(ready, officers):
    with time_machine.travel(at(2026, 1, 12, 11, 0), tick=False):
        issued = results.sign_receipt(ready.pk, officers["receptionist"])
    assert issued.kind == IssuedDocument.Kind.RECEIPT
    report = verify_pdf(store.read(issued.blob))
    assert report.verdict is Verdict.VALID and report.signatures[0].signer == "Trần Thị Hoa"
    with pytest.raises(NotAllowed):
        results.sign_receipt(ready.pk, officers["leader"])  # not a receptionist of the centre


def test_back_office_sign_and_approve(ready, officers, client):
    ready.procedure_version.result_template = TEMPLATE
    ready.procedure_version.save()
    client.force_login(officers["leader"])
    page = client.get(reverse("backoffice:dossier", args=[ready.pk]))
    assert "Ký số và phê duyệt" in page.content.decode() or "Sign and approve" in page.content.decode()
    ready.refresh_from_db()
    with time_machine.travel(at(2026, 1, 13, 9, 0), tick=False):
        response = client.post(
            _act_url(ready),
            {"revision": ready.revision, "sign": "1", "note": ""},
        )
    assert response.status_code in (200, 302)
    issued = IssuedDocument.objects.get(dossier=ready)
    assert verify_pdf(store.read(issued.blob)).verdict is Verdict.VALID
    download = client.get(reverse("signatures:issued_file", args=[issued.code]))
    assert download.status_code == 200 and download.content == store.read(issued.blob)


def _act_url(dossier):
    from motcua.backoffice import access

    slug = next(slug for slug, action in access.ACTIONS_BY_SLUG.items() if action == "approve")
    return reverse("backoffice:act", args=[dossier.pk, slug])


def test_back_office_receipt_button(ready, officers, client):
    client.force_login(officers["receptionist"])
    page = client.get(reverse("backoffice:dossier", args=[ready.pk]))
    assert reverse("signatures:sign_receipt", args=[ready.pk]) in page.content.decode()
    client.post(reverse("signatures:sign_receipt", args=[ready.pk]))
    assert IssuedDocument.objects.filter(dossier=ready, kind="receipt").count() == 1
    client.force_login(officers["other_receptionist"])  # cannot see the dossier
    assert client.post(reverse("signatures:sign_receipt", args=[ready.pk])).status_code == 404
