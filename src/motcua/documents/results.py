"""Electronic results and signed slips (kết quả điện tử).

When the leader approves, the result document is the PDF he uploads or, without one, the PDF made
from the procedure version's result template (`ProcedureVersion.result_template`, an HTML Django
template rendered with the dossier and its form answers by WeasyPrint as PDF/A); either is signed
with the leader's key (`signing.signer_for`) and kept as the dossier's result through
`dossiers.services.approve`, so the applicant downloads it on the portal. The stamp carries a QR
code to the public verification page of the document (`/xac-thuc/<code>/`).

The receptionist may sign the receipt slip (Form 01) the same way; it is kept as an
`IssuedDocument` of the dossier.
"""

from __future__ import annotations

import secrets
from io import BytesIO

from django.conf import settings
from django.db import transaction
from django.template import Context, Engine, TemplateSyntaxError
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from pyhanko.pdf_utils.misc import PdfError
from pypdf import PdfReader
from weasyprint import HTML
from weasyprint.urls import URLFetcher

from motcua.agencies.models import Role
from motcua.core import clock
from motcua.core.errors import Invalid, NotAllowed
from motcua.dossiers import forms, services
from motcua.dossiers.models import Dossier, DossierDocument
from motcua.dossiers.services import Upload
from motcua.workdays.calendar import VN_TZ

from . import signing, store
from .models import IssuedDocument

PDF_VARIANT = "pdf/a-3b"


def new_code() -> str:
    """The verification code printed in the QR code: unguessable, short enough for a link."""
    return secrets.token_urlsafe(18)


def verify_url(code: str) -> str:
    return settings.MOTCUA_PUBLIC_URL.rstrip("/") + reverse("documents:issued", args=[code])


def _engine() -> Engine:
    # A template written in the admin may only use Django's built-in tags and filters.
    return Engine(debug=False, autoescape=True)


def check_template(source: str) -> None:
    """Raises `Invalid` if the result template cannot be compiled."""
    try:
        _engine().from_string(source)
    except TemplateSyntaxError as exc:
        raise Invalid(_("The result template has an error: %(error)s") % {"error": exc}, "result_template") from exc


def render_result(dossier: Dossier) -> bytes:
    """The result document drawn from the procedure version's template, as a PDF/A."""
    version = dossier.procedure_version
    source = version.result_template.strip()
    if not source:
        raise Invalid(_("This procedure has no result template: attach the result as a PDF file."), "result")
    check_template(source)
    now = clock.now().astimezone(VN_TZ)
    context = {
        "dossier": dossier,
        "procedure": version,
        "answers": dossier.form_data or {},
        "agency": dossier.resolving_agency,
        "today": now.date(),
        "now": now,
    }
    body = _engine().from_string(source).render(Context(context))
    html = render_to_string("documents/result.html", {"body": body, "title": version.result or version.name})
    fetcher = URLFetcher(allowed_protocols={"data"}, fail_on_errors=True)
    return HTML(string=html, base_url="data:,", url_fetcher=fetcher).write_pdf(pdf_variant=PDF_VARIANT)


def _signer(officer) -> signing.Signer:
    try:
        return signing.signer_for(officer)
    except signing.NoSigningKey as exc:
        raise NotAllowed(_("You have no valid signing key. Ask the administrator to register one.")) from exc


def _sign(pdf: bytes, officer, *, reason: str, location: str, code: str, **stamp) -> tuple[bytes, str]:
    """The signed PDF and the signer's certificate subject."""
    signer = _signer(officer)
    try:
        hanko = signer.pyhanko_signer()
        signed = signing.sign_pdf(
            pdf, signer=hanko, reason=reason, location=location, verify_url=verify_url(code), **stamp
        )
    except signing.SigningUnavailable as exc:
        raise NotAllowed(_("Your signing key cannot be used now: %(error)s") % {"error": exc}) from exc
    except (PdfError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise Invalid(_("This PDF file cannot be signed (it is damaged or protected)."), "result") from exc
    return signed, hanko.signing_cert.subject.human_friendly


def _issue(dossier: Dossier, kind: str, signed: bytes, subject: str, officer, code: str) -> IssuedDocument:
    return IssuedDocument.objects.create(
        code=code,
        kind=kind,
        dossier=dossier,
        blob=store.put(signed, "application/pdf"),
        signed_by=officer,
        signer_subject=subject,
        signed_at=clock.now(),
    )


@transaction.atomic
def approve_and_sign(dossier_id: int, leader, *, note: str = "", revision=None, uploaded: Upload | None = None):
    """The leader approves and signs the result: the uploaded PDF, or the one made from the
    template. Nothing is kept if signing or approving fails."""
    dossier = Dossier.objects.select_related("procedure_version", "resolving_agency").get(pk=dossier_id)
    if uploaded is not None and uploaded.content:
        if not uploaded.content.lstrip().startswith(b"%PDF-"):
            raise Invalid(_("The electronic result must be a PDF file."), "result")
        pdf = uploaded.content
    else:
        pdf = render_result(dossier)
    code = new_code()
    signed, subject = _sign(
        pdf,
        leader,
        reason=_("Approval of the result of dossier %(code)s") % {"code": dossier.code or dossier.pk},
        location=dossier.resolving_agency.name,
        code=code,
    )
    result = Upload(
        name=_("Electronic result (digitally signed)"),
        form=DossierDocument.Form.ORIGINAL,
        filename=f"ket-qua-{dossier.code or dossier.pk}.pdf",
        content=signed,
    )
    dossier = services.approve(dossier_id, leader, note=note, revision=revision, result=result)
    _issue(dossier, IssuedDocument.Kind.RESULT, signed, subject, leader, code)
    return dossier


@transaction.atomic
def sign_receipt(dossier_id: int, receptionist) -> IssuedDocument:
    """The receipt slip (Form 01) signed by a receptionist of the receiving centre."""
    dossier = Dossier.objects.select_related("receiving_agency").select_for_update().get(pk=dossier_id)
    if not services.holds_role(receptionist, [Role.RECEPTIONIST], dossier.receiving_agency):
        raise NotAllowed(_("Only a receptionist of the receiving centre may sign the receipt slip."))
    if 1 not in forms.available_forms(dossier):
        raise Invalid(_("The dossier has not been received: there is no receipt slip yet."))
    code = new_code()
    slip = forms.render_form(dossier, 1)
    signed, subject = _sign(
        slip,
        receptionist,
        reason=_("Receipt of dossier %(code)s") % {"code": dossier.code},
        location=dossier.receiving_agency.name,
        code=code,
        box=receptionist_box(slip),
        font_size=6,
    )
    return _issue(dossier, IssuedDocument.Kind.RECEIPT, signed, subject, receptionist, code)


# The hint under each signature's title on the slips (Circular 03/2025 Annex I).
SIGNATURE_HINT = "(Ký số nếu là biểu mẫu điện tử)"


def receptionist_box(slip: bytes) -> tuple[int, int, int, int] | None:
    """Where the receptionist signs on the slip: in the right-hand signature column, between
    the hint "(Ký số …)" and his printed name. None (the default place) if it is not found."""
    reader = PdfReader(BytesIO(slip))
    page = reader.pages[-1]
    width = float(page.mediabox.width)
    found: list[tuple[float, float]] = []

    def visit(text, cm, tm, _font, _size):
        if SIGNATURE_HINT in text:
            x, y = cm[0] * tm[4] + cm[4], cm[3] * tm[5] + cm[5]
            found.append((x, y))

    page.extract_text(visitor_text=visit)
    right = [(x, y) for x, y in found if x > width / 2]
    if not right:
        return None
    _x, y = right[-1]
    top = int(y) - 4
    return (int(width / 2) + 4, max(8, top - 36), int(width) - 12, top)
