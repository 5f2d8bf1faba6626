"""Anyone on a phone uploads a signed PDF to the verification page and reads the result."""

import pytest

from motcua.backoffice.tests import conftest as backoffice_fixtures
from motcua.documents.signing import sign_pdf

from . import signing_support
from .signing_support import plain_pdf

test_ca = signing_support.test_ca
flushable_events = backoffice_fixtures.flushable_events

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_verify_a_signed_document_on_a_phone(live_server, phone, screenshot, axe_violations, test_ca, tmp_path):
    test_ca.trust()
    path = tmp_path / "ket-qua.pdf"
    path.write_bytes(sign_pdf(plain_pdf(), signer=test_ca.signer(), reason="Phê duyệt kết quả", location="Hà Tĩnh"))
    phone.goto(f"{live_server.url}/xac-thuc/")
    assert axe_violations(phone) == []
    phone.get_by_label("Tệp PDF").set_input_files(str(path))
    phone.get_by_role("button", name="Kiểm tra", exact=True).click()
    phone.get_by_role("heading", name="Chữ ký hợp lệ").wait_for()
    assert "Phạm Quốc Hùng" in phone.content()
    screenshot(phone, "verify-valid-phone")
    assert axe_violations(phone) == []
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360


def test_leader_signs_and_approves_in_the_back_office(
    live_server, small_catalog, officers, receive, desktop, screenshot, axe_violations, test_ca, flushable_events
):
    import time_machine

    from motcua.documents.models import IssuedDocument
    from motcua.dossiers import services
    from motcua.dossiers.tests.conftest import at

    test_ca.trust()
    test_ca.give_key(officers["leader"], "Phạm Quốc Hùng")
    officers["leader"].set_password("mat-khau-dai-1")
    officers["leader"].save()
    dossier = receive(when=at(2026, 1, 12, 9, 0))
    with time_machine.travel(at(2026, 1, 12, 10, 0), tick=False):
        services.complete_step(dossier.pk, officers["receptionist"])
        services.complete_step(dossier.pk, officers["specialist"])
    version = dossier.procedure_version
    version.result_template = "<h1>QUYẾT ĐỊNH</h1><p>Chấp thuận hồ sơ {{ dossier.code }}.</p>"
    version.save()
    desktop.goto(f"{live_server.url}/can-bo/dang-nhap/")
    desktop.get_by_label("Tên đăng nhập").fill("lanhdao")
    desktop.get_by_label("Mật khẩu").fill("mat-khau-dai-1")
    desktop.get_by_role("button", name="Đăng nhập").click()
    desktop.wait_for_url(f"{live_server.url}/can-bo/")
    desktop.goto(f"{live_server.url}/can-bo/ho-so/{dossier.pk}/")
    button = desktop.get_by_role("button", name="Ký số và phê duyệt")
    screenshot(desktop, "sign-and-approve-desktop")
    assert axe_violations(desktop) == []
    button.click()
    desktop.get_by_role("link", name="Kết quả điện tử", exact=True).wait_for()
    issued = IssuedDocument.objects.get(dossier=dossier)
    assert issued.signed_by == officers["leader"]
    screenshot(desktop, "signed-result-listed-desktop")
