"""Checking the signatures of a PDF (xác thực văn bản điện tử), for the public verification page.

For each signature pyHanko checks that the signed bytes are unchanged and the signature matches
them (intact), what it covers (the whole file, or a revision followed by later changes) and whether
the signer's certificate chains to one of the province's trusted roots (`trusted_roots`: the PEM
files in MOTCUA_TRUSTED_ROOTS and the active `TrustedRoot` rows). The certificate must have been
valid at the signing time the signer states (a PAdES B-B signature has no trusted timestamp).
Nothing is fetched from the network: revocation is not checked here.

The outcome for the whole file is the worst of its signatures', one of `Verdict`.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from enum import IntEnum
from io import BytesIO

from asn1crypto import x509
from django.conf import settings
from pyhanko.keys import load_cert_from_pemder, load_certs_from_pemder_data
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from .models import TrustedRoot
from .signing import off_event_loop

log = logging.getLogger(__name__)


class Verdict(IntEnum):
    """From best to worst; a file gets the worst of its signatures' verdicts."""

    VALID = 0
    UNTRUSTED = 1  # intact, but the signer's certificate does not chain to a trusted root
    EXPIRED = 2  # intact, but the certificate was not valid at the signing time
    TAMPERED = 3  # changed after signing, or the signature does not match
    NOT_SIGNED = 4
    CORRUPT = 5  # not a readable PDF


@dataclass(frozen=True)
class SignatureReport:
    signer: str
    organisation: str
    issuer: str
    signed_at: dt.datetime | None
    certificate_valid_from: dt.datetime
    certificate_valid_to: dt.datetime
    intact: bool
    covers_whole_file: bool
    trusted: bool
    verdict: Verdict
    reason: str = ""
    location: str = ""


@dataclass(frozen=True)
class Report:
    verdict: Verdict
    signatures: list[SignatureReport] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return self.verdict is Verdict.VALID


def trusted_roots() -> list[x509.Certificate]:
    """The province's trusted roots: the configured PEM files and the active admin entries."""
    roots: list[x509.Certificate] = []
    for path in settings.MOTCUA_TRUSTED_ROOTS:
        try:
            roots.append(load_cert_from_pemder(path))
        except (OSError, ValueError):
            log.exception("Trusted root %s cannot be read", path)
    for row in TrustedRoot.objects.filter(active=True):
        try:
            roots.extend(load_certs_from_pemder_data(row.certificate_pem.encode()))
        except ValueError:
            log.exception("Trusted root %s is not a PEM certificate", row.pk)
    return roots


def _name_part(name: x509.Name, key: str) -> str:
    value = name.native.get(key, "")
    return ", ".join(value) if isinstance(value, list) else str(value)


def _check(embedded, roots: list[x509.Certificate]) -> SignatureReport:
    cert = embedded.signer_cert
    signed_at = embedded.self_reported_timestamp
    moment = signed_at or dt.datetime.now(dt.UTC)
    context = ValidationContext(trust_roots=roots, allow_fetching=False, moment=moment, revocation_mode="soft-fail")
    status = validate_pdf_signature(embedded, context)
    validity = cert["tbs_certificate"]["validity"]
    valid_from, valid_to = validity["not_before"].native, validity["not_after"].native
    covers_whole = status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    # Later revisions may only add signatures or fill in form fields; anything else is a change.
    later_changes_ok = covers_whole or (
        status.modification_level is not None and status.modification_level <= ModificationLevel.FORM_FILLING
    )
    intact = bool(status.intact and status.valid)
    if not intact or not later_changes_ok or status.docmdp_ok is False:
        verdict = Verdict.TAMPERED
    elif not (valid_from <= moment <= valid_to):
        verdict = Verdict.EXPIRED
    elif not status.trusted:
        verdict = Verdict.UNTRUSTED
    else:
        verdict = Verdict.VALID
    sig_object = embedded.sig_object
    return SignatureReport(
        signer=_name_part(cert.subject, "common_name"),
        organisation=_name_part(cert.subject, "organization_name"),
        issuer=_name_part(cert.issuer, "common_name"),
        signed_at=signed_at,
        certificate_valid_from=valid_from,
        certificate_valid_to=valid_to,
        intact=intact,
        covers_whole_file=covers_whole,
        trusted=bool(status.trusted),
        verdict=verdict,
        reason=str(sig_object.get("/Reason", "")),
        location=str(sig_object.get("/Location", "")),
    )


@off_event_loop
def verify_pdf(content: bytes) -> Report:
    """The signatures of `content` and the verdict on the file. Never raises on bad input."""
    if content.lstrip()[:5] != b"%PDF-":
        return Report(Verdict.CORRUPT)
    try:
        reader = PdfFileReader(BytesIO(content), strict=False)
        if reader.encrypted:
            return Report(Verdict.CORRUPT)
        signatures = list(reader.embedded_signatures)
    except (PdfError, ValueError, KeyError, TypeError, IndexError, AttributeError, OSError):
        return Report(Verdict.CORRUPT)
    if not signatures:
        return Report(Verdict.NOT_SIGNED)
    roots = trusted_roots()
    reports = []
    for embedded in signatures:
        try:
            reports.append(_check(embedded, roots))
        except Exception:  # a damaged signature dictionary or CMS blob: the file is not intact
            log.info("Signature could not be checked", exc_info=True)
            return Report(Verdict.TAMPERED)
    return Report(max(r.verdict for r in reports), reports)


__all__ = ["Report", "SignatureReport", "Verdict", "trusted_roots", "verify_pdf"]
