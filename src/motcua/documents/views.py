"""The public verification page (/xac-thuc/): anyone checks a signed PDF, by uploading it or by
opening the link in the QR code of a document motcua issued. No login; attempts are counted per
client IP address in the cache."""

from __future__ import annotations

import hashlib
import re

from django.conf import settings
from django.core.cache import caches
from django.db.models import Q
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from motcua.core import windows

from . import store
from .models import IssuedDocument
from .verification import Report, Verdict, verify_pdf

SHA256 = re.compile(r"[0-9a-fA-F]{64}")


def _messages() -> dict[Verdict, tuple[str, str, str]]:
    """(style, heading, explanation) for each verdict, in plain words."""
    return {
        Verdict.VALID: (
            "ok",
            _("The signature is valid"),
            _(
                "The document has not been changed since it was signed, and the signer's certificate "
                "is issued by a certification authority the province trusts."
            ),
        ),
        Verdict.UNTRUSTED: (
            "warn",
            _("The signer is not trusted"),
            _(
                "The document has not been changed since it was signed, but the signer's certificate "
                "is not issued by a certification authority the province trusts. Do not rely on it "
                "without checking with the issuing agency."
            ),
        ),
        Verdict.EXPIRED: (
            "bad",
            _("The signer's certificate was not valid"),
            _(
                "The certificate used to sign had expired (or was not yet valid) when the document "
                "was signed. The signature is not valid."
            ),
        ),
        Verdict.TAMPERED: (
            "bad",
            _("The document has been changed after signing"),
            _(
                "The content no longer matches the signature. This copy must not be used: ask the "
                "issuing agency for the original."
            ),
        ),
        Verdict.NOT_SIGNED: (
            "bad",
            _("The document is not digitally signed"),
            _("This PDF file has no digital signature, so it cannot be verified."),
        ),
        Verdict.CORRUPT: (
            "bad",
            _("The file cannot be read"),
            _("This file is not a readable PDF document (it is damaged, protected by a password or of another kind)."),
        ),
    }


def _too_many(request) -> bool:
    """Count this attempt for the client's IP address; whether it is over the limit."""
    window = settings.MOTCUA_VERIFY_WINDOW_SECONDS
    key = windows.window_key(f"verify:{windows.client_address(request)}", window)
    return windows.bump(caches["default"], key, window) > settings.MOTCUA_VERIFY_LIMIT


def _result(request, report: Report, *, issued: IssuedDocument | None = None, status: int = 200):
    style, heading, explanation = _messages()[report.verdict]
    context = {
        "report": report,
        "style": style,
        "heading": heading,
        "explanation": explanation,
        "issued": issued,
        "max_mb": settings.MOTCUA_VERIFY_MAX_BYTES // (1024 * 1024),
    }
    return render(request, "documents/verify/page.html", context, status=status)


def _page(request, *, error: str = "", status: int = 200):
    context = {"error": error, "max_mb": settings.MOTCUA_VERIFY_MAX_BYTES // (1024 * 1024)}
    return render(request, "documents/verify/page.html", context, status=status)


@require_http_methods(["GET", "POST"])
def verify(request):
    """The upload form, and the report on the uploaded file."""
    if request.method == "GET":
        return _page(request)
    if _too_many(request):
        return _page(request, error=_("Too many checks from your connection. Please wait a few minutes."), status=429)
    upload = request.FILES.get("file")
    if upload is None:
        return _page(request, error=_("Choose the PDF file to check."), status=400)
    if upload.size > settings.MOTCUA_VERIFY_MAX_BYTES:
        return _page(
            request,
            error=_("The file is too large (at most %(mb)s MB).") % {"mb": settings.MOTCUA_VERIFY_MAX_BYTES // 2**20},
            status=400,
        )
    content = upload.read()
    if content.lstrip()[:5] != b"%PDF-":
        return _result(request, Report(Verdict.CORRUPT), status=400)
    # The very file motcua issued: say for which dossier, as the QR code's link does.
    issued = (
        IssuedDocument.objects.select_related("dossier__procedure_version")
        .filter(blob_id=hashlib.sha256(content).hexdigest())
        .first()
    )
    return _result(request, verify_pdf(content), issued=issued)


@require_GET
def issued(request, code: str):
    """The report on a document motcua issued, from the link in its QR code (its code) or by the
    SHA-256 of the file."""
    if _too_many(request):
        return _page(request, error=_("Too many checks from your connection. Please wait a few minutes."), status=429)
    documents = IssuedDocument.objects.select_related("dossier__procedure_version", "blob")
    lookup = Q(code=code) | Q(blob_id=code.lower()) if SHA256.fullmatch(code) else Q(code=code)
    document = documents.filter(lookup).first()
    if document is None:
        raise Http404
    try:
        content = store.read(document.blob)
    except (store.Corrupted, OSError):
        return _result(request, Report(Verdict.TAMPERED), issued=document)
    return _result(request, verify_pdf(content), issued=document)
