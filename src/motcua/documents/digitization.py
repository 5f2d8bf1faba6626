"""Digitization of paper components at reception: pages checked, stored, read by OCR in
Vietnamese into one searchable PDF per component, values offered for the officer to confirm, the
digitized copy signed by the officer; components exempt from scanning are marked with the reason.

Every page is checked before anything is stored (real JPEG/PNG/PDF by content, no password-
protected or corrupt PDF, no decompression bomb, limits on pages and bytes). OCR runs as a task;
when the OCR program is missing or fails, the component is marked failed with a message for the
officer, the dossier goes on, and the officer may try again.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import warnings
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.tasks import task
from django.utils import translation
from django.utils.translation import gettext as _
from PIL import Image, ImageOps
from pypdf import PdfReader, PdfWriter

from motcua.agencies.models import Role
from motcua.core import clock
from motcua.core.errors import Conflict, Invalid, NotAllowed
from motcua.core.text import nfc
from motcua.dossiers import services as dossier_services
from motcua.dossiers.models import Dossier, DossierDocument
from motcua.dossiers.workflow import FINAL, Status

from . import ocr, prefill, store
from .models import Digitization, ScannedPage

log = logging.getLogger(__name__)

PDF, PNG, JPEG = "application/pdf", "image/png", "image/jpeg"
SIGNING_REASON = "Số hóa"


@dataclass
class CheckedPage:
    filename: str
    content: bytes
    content_type: str
    pages: int  # a PDF may hold several pages


# -- who may digitize -----------------------------------------------------------------------------


def may_digitize(user, dossier: Dossier) -> bool:
    """Receptionists of the receiving centre, and receptionists or specialists of the resolving
    agency (a supplement handed in there), while the dossier is not closed."""
    if dossier.status and Status(dossier.status) in FINAL:
        return False
    return dossier_services.holds_role(user, [Role.RECEPTIONIST], dossier.receiving_agency) or (
        dossier_services.holds_role(user, [Role.RECEPTIONIST, Role.SPECIALIST], dossier.resolving_agency)
    )


def _check_actor(user, dossier: Dossier) -> None:
    if dossier.status and Status(dossier.status) in FINAL:
        raise Conflict(_("The dossier is closed; its components can no longer be digitized."))
    if not may_digitize(user, dossier):
        raise NotAllowed(_("Only the receptionists and specialists handling this dossier may digitize it."))


# -- checking pages -------------------------------------------------------------------------------


def sniff(content: bytes) -> str | None:
    """The file's type from its first bytes, whatever its name says."""
    if content.startswith(b"%PDF-") or content[:1024].lstrip().startswith(b"%PDF-"):
        return PDF
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if content.startswith(b"\xff\xd8\xff"):
        return JPEG
    return None


def _check_image(filename: str, content: bytes, content_type: str) -> None:
    expected = {PNG: "PNG", JPEG: "JPEG"}[content_type]
    too_large = _("“%(name)s” has too many pixels (more than %(limit)s million): scan it at 300 dpi.") % {
        "name": filename,
        "limit": settings.MOTCUA_SCAN_MAX_PIXELS // 1_000_000,
    }
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(content)) as image:
                if image.format != expected:
                    raise Invalid(_("“%(name)s” is not a real image.") % {"name": filename}, field="pages")
                width, height = image.size
                if width * height > settings.MOTCUA_SCAN_MAX_PIXELS:
                    raise Invalid(too_large, field="pages")
                image.load()  # decodes everything: damaged data fails here
            # WeasyPrint lets Pillow accept truncated images process-wide, so the end of the file
            # is checked here: a JPEG ends with its EOI marker, a PNG with its IEND chunk (some
            # scanners pad a little after it).
            marker = b"\xff\xd9" if expected == "JPEG" else b"IEND\xaeB`\x82"
            if content.rfind(marker) < len(content) - len(marker) - 1024:
                raise ValueError("truncated")
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise Invalid(too_large, field="pages") from exc
        except Invalid:
            raise
        except Exception as exc:  # Pillow raises many kinds of error on damaged data
            raise Invalid(
                _("“%(name)s” is damaged and cannot be opened as an image.") % {"name": filename}, field="pages"
            ) from exc


def _check_pdf(filename: str, content: bytes) -> int:
    """The PDF's page count, once sure it opens, has no password and no absurd page size."""
    damaged = _("“%(name)s” is a damaged PDF file.") % {"name": filename}
    try:
        reader = PdfReader(io.BytesIO(content), strict=False)
        if reader.is_encrypted:
            raise Invalid(
                _("“%(name)s” is protected by a password. Ask for a copy without a password, or scan the paper.")
                % {"name": filename},
                field="pages",
            )
        count = len(reader.pages)
        dpi = settings.MOTCUA_OCR_DPI
        for page in reader.pages:
            width, height = float(page.mediabox.width), float(page.mediabox.height)
            if width <= 0 or height <= 0:
                raise Invalid(damaged, field="pages")
            if (width / 72 * dpi) * (height / 72 * dpi) > settings.MOTCUA_SCAN_MAX_PIXELS:
                raise Invalid(_("“%(name)s” has pages far larger than A3.") % {"name": filename}, field="pages")
    except Invalid:
        raise
    except Exception as exc:  # pypdf raises many kinds of error on damaged files
        raise Invalid(damaged, field="pages") from exc
    if count == 0:
        raise Invalid(damaged, field="pages")
    return count


def check_pages(pages: list[tuple[str, bytes]]) -> list[CheckedPage]:
    """Each uploaded file checked by its content; refuses the whole scan at the first bad file."""
    if not pages:
        raise Invalid(_("Choose the scanned pages of this component."), field="pages")
    if len(pages) > settings.MOTCUA_SCAN_MAX_PAGES:
        raise Invalid(
            _("At most %(limit)s pages per component.") % {"limit": settings.MOTCUA_SCAN_MAX_PAGES}, field="pages"
        )
    if sum(len(content) for _name, content in pages) > settings.MOTCUA_SCAN_MAX_TOTAL_BYTES:
        raise Invalid(
            _("The pages together are larger than %(limit)s MB.")
            % {"limit": settings.MOTCUA_SCAN_MAX_TOTAL_BYTES // (1024 * 1024)},
            field="pages",
        )
    checked = []
    for filename, content in pages:
        filename = nfc(filename or "")[:200] or "?"
        if not content:
            raise Invalid(_("“%(name)s” is empty.") % {"name": filename}, field="pages")
        if len(content) > settings.MOTCUA_SCAN_MAX_FILE_BYTES:
            raise Invalid(
                _("“%(name)s” is larger than %(limit)s MB.")
                % {"name": filename, "limit": settings.MOTCUA_SCAN_MAX_FILE_BYTES // (1024 * 1024)},
                field="pages",
            )
        content_type = sniff(content)
        if content_type is None:
            raise Invalid(_("“%(name)s” is not a JPEG or PNG image or a PDF file.") % {"name": filename}, field="pages")
        if content_type == PDF:
            count = _check_pdf(filename, content)
        else:
            _check_image(filename, content, content_type)
            count = 1
        checked.append(CheckedPage(filename, content, content_type, count))
    if sum(p.pages for p in checked) > settings.MOTCUA_SCAN_MAX_PAGES:
        raise Invalid(
            _("At most %(limit)s pages per component.") % {"limit": settings.MOTCUA_SCAN_MAX_PAGES}, field="pages"
        )
    return checked


# -- services -------------------------------------------------------------------------------------


def _busy(digitization: Digitization) -> bool:
    return digitization.status in (Digitization.Status.QUEUED, Digitization.Status.RUNNING)


def _enqueue_on_commit(digitization: Digitization) -> None:
    transaction.on_commit(lambda pk=digitization.pk: run_ocr.enqueue(pk))


def start(document: DossierDocument, pages: list[tuple[str, bytes]], officer) -> Digitization:
    """Keep the scanned pages of a component in the order given and queue their OCR."""
    _check_actor(officer, document.dossier)
    checked = check_pages(pages)
    with transaction.atomic():
        digitization, _created = Digitization.objects.select_for_update().get_or_create(document=document)
        if _busy(digitization):
            raise Conflict(_("This component is being read; wait for the result before scanning it again."))
        digitization.pages.all().delete()
        for number, page in enumerate(checked, 1):
            blob = store.put(page.content, page.content_type)
            ScannedPage.objects.create(digitization=digitization, number=number, blob=blob, filename=page.filename)
        _reset(digitization, pages_total=sum(p.pages for p in checked))
        digitization.digitized_by = officer
        digitization.attempts = 0
        digitization.exempt, digitization.exempt_reason, digitization.exempt_note = False, "", ""
        digitization.save()
        _enqueue_on_commit(digitization)
    return digitization


def _reset(digitization: Digitization, *, pages_total: int) -> None:
    digitization.status = Digitization.Status.QUEUED
    digitization.error = ""
    digitization.pages_total, digitization.pages_done = pages_total, 0
    digitization.pdf = None
    digitization.text = ""
    digitization.warnings = []
    digitization.confirmed = {}
    digitization.digitized_at = None
    digitization.signed_pdf, digitization.signed_by, digitization.signed_at = None, None, None
    digitization.unsigned_note = ""


def stalled(digitization: Digitization) -> bool:
    """Queued or reading with no progress for a long time: the worker stopped; it may be retried."""
    limit = dt.timedelta(minutes=settings.MOTCUA_OCR_STALLED_MINUTES)
    return _busy(digitization) and digitization.updated_at is not None and clock.now() - digitization.updated_at > limit


def retry(digitization: Digitization, officer) -> Digitization:
    """Queue the OCR of a failed component again, with the pages already kept."""
    _check_actor(officer, digitization.document.dossier)
    with transaction.atomic():
        digitization = Digitization.objects.select_for_update().get(pk=digitization.pk)
        if digitization.status != Digitization.Status.FAILED and not stalled(digitization):
            raise Conflict(_("Only a component whose reading failed can be tried again."))
        _reset(digitization, pages_total=digitization.pages_total)
        digitization.save()
        _enqueue_on_commit(digitization)
    return digitization


def mark_exempt(document: DossierDocument, officer, reason: str, note: str = "") -> Digitization:
    """Record that the component is not scanned, and why (DOMAIN.md: shared data, shown only,
    classified, already electronic)."""
    _check_actor(officer, document.dossier)
    if reason not in Digitization.Exemption.values:
        raise Invalid(_("Choose why this component is not scanned."), field="reason")
    with transaction.atomic():
        digitization, _created = Digitization.objects.select_for_update().get_or_create(document=document)
        if _busy(digitization):
            raise Conflict(_("This component is being read; wait for the result first."))
        digitization.pages.all().delete()
        _reset(digitization, pages_total=0)
        digitization.status = ""
        digitization.exempt, digitization.exempt_reason, digitization.exempt_note = True, reason, nfc(note)[:300]
        digitization.digitized_by, digitization.digitized_at = officer, clock.now()
        digitization.save()
    return digitization


def confirm(digitization: Digitization, officer, values: dict[str, str]) -> Digitization:
    """Keep the values the officer checked against the paper (never applied without him)."""
    _check_actor(officer, digitization.document.dossier)
    if digitization.status != Digitization.Status.DONE:
        raise Conflict(_("The text of this component has not been read yet."))
    kept = {}
    for kind, value in values.items():
        if kind not in prefill.KINDS:
            raise Invalid(_("Unknown field."), field=kind)
        value = nfc(value or "")[:200]
        if value:
            kept[kind] = value
    digitization.confirmed = {
        "values": kept,
        "by": officer.get_full_name() or officer.username,
        "at": clock.now().isoformat(),
    }
    digitization.save(update_fields=["confirmed", "updated_at"])
    return digitization


def signer_for(officer):
    """The officer's signing key, or None when he has none."""
    from . import signing

    try:
        return signing.signer_for(officer)
    except signing.NoSigningKey:
        return None


def sign(digitization: Digitization, officer, location: str = "") -> Digitization:
    """The officer signs the digitized copy. Without a usable key the copy stays unsigned, and
    the component says so."""
    from . import signing

    _check_actor(officer, digitization.document.dossier)
    if digitization.status != Digitization.Status.DONE or digitization.pdf is None:
        raise Conflict(_("Only a digitized copy can be signed."))
    signer = signer_for(officer)
    if signer is None:
        return _unsigned(digitization, _("Not signed: you have no signing key. Ask the administrator for one."))
    try:
        signed = signing.sign_pdf(
            store.read(digitization.pdf), signer=signer, reason=SIGNING_REASON, location=nfc(location)
        )
    except signing.SigningUnavailable:
        log.warning("Signing key of officer %s unavailable", officer.pk, exc_info=True)
        return _unsigned(digitization, _("Not signed: your signing key cannot be used now. Try again later."))
    digitization.signed_pdf = store.put(signed, PDF)
    digitization.signed_by, digitization.signed_at, digitization.unsigned_note = officer, clock.now(), ""
    digitization.save(update_fields=["signed_pdf", "signed_by", "signed_at", "unsigned_note", "updated_at"])
    return digitization


def _unsigned(digitization: Digitization, note: str) -> Digitization:
    digitization.unsigned_note = note
    digitization.save(update_fields=["unsigned_note", "updated_at"])
    return digitization


def suggestions(digitization: Digitization) -> list[prefill.Suggestion]:
    return prefill.suggestions(digitization.text) if digitization.status == Digitization.Status.DONE else []


def page_texts(digitization: Digitization) -> list[str]:
    return digitization.text.split("\f") if digitization.text else []


def counts(dossier: Dossier) -> dict[str, int]:
    """Components of the dossier digitized, exempt, and in all (for the index and the page)."""
    rows = Digitization.objects.filter(document__dossier=dossier)
    return {
        "digitized": rows.filter(status=Digitization.Status.DONE).count(),
        "exempt": rows.filter(exempt=True).count(),
        "components": dossier.documents.exclude(added_in="result").count(),
    }


# -- the OCR task ---------------------------------------------------------------------------------


@task
def run_ocr(digitization_id: int) -> str:
    return process(digitization_id)


def process(digitization_id: int) -> str:
    """Make the component's searchable PDF page by page, saving the progress after each page."""
    claimed = Digitization.objects.filter(pk=digitization_id, status=Digitization.Status.QUEUED).update(
        status=Digitization.Status.RUNNING, pages_done=0, error="", attempts=F("attempts") + 1, updated_at=clock.now()
    )
    if not claimed:
        return "not queued"
    digitization = Digitization.objects.select_related("document").get(pk=digitization_id)
    with translation.override(settings.LANGUAGE_CODE):
        try:
            pdf, texts, notes = _searchable_pdf(digitization)
        except ocr.OcrUnavailable as exc:
            log.warning("OCR unavailable for digitization %s: %s", digitization_id, exc)
            return _fail(
                digitization,
                _(
                    "The text could not be read: the OCR program (tesseract with the Vietnamese model) is not "
                    "installed on the server. The dossier goes on; tell the administrator, then try again."
                ),
            )
        except Exception as exc:  # any failure leaves a retryable job, never a stuck one
            log.exception("OCR failed for digitization %s", digitization_id)
            return _fail(
                digitization,
                _("The text could not be read (%(detail)s). The dossier goes on; you can try again.")
                % {"detail": str(exc)[:200] or exc.__class__.__name__},
            )
    digitization.pdf = store.put(pdf, PDF)
    digitization.text = "\f".join(texts)
    digitization.warnings = notes + prefill.page_order_problems(texts)
    digitization.status = Digitization.Status.DONE
    digitization.pages_done = digitization.pages_total
    digitization.digitized_at = clock.now()
    digitization.save()
    return "done"


def _fail(digitization: Digitization, message: str) -> str:
    Digitization.objects.filter(pk=digitization.pk).update(status=Digitization.Status.FAILED, error=message)
    return "failed"


def _png(content: bytes) -> tuple[bytes, int]:
    """A page image as PNG for the OCR program, turned upright, with its resolution."""
    with Image.open(io.BytesIO(content)) as image:
        upright = ImageOps.exif_transpose(image)
        dpi = image.info.get("dpi", (0, 0))[0]
        if upright.mode not in ("1", "L", "RGB"):
            upright = upright.convert("RGB")
        out = io.BytesIO()
        upright.save(out, "PNG")
    dpi = round(float(dpi)) if dpi and 70 <= float(dpi) <= 1200 else settings.MOTCUA_OCR_DPI
    return out.getvalue(), dpi


def _scanned_image(page) -> tuple[bytes, int] | None:
    """The page's only picture as PNG with its resolution, when the page is a plain scan whose
    picture is not too large to decode; None otherwise."""
    try:
        resources = page.get("/Resources")
        xobjects = resources.get_object().get("/XObject") if resources is not None else None
        pictures = [x.get_object() for x in (xobjects.get_object().values() if xobjects is not None else [])]
        pictures = [x for x in pictures if x.get("/Subtype") == "/Image"]
        if len(pictures) != 1:
            return None
        width, height = int(pictures[0].get("/Width", 0)), int(pictures[0].get("/Height", 0))
        if not 0 < width * height <= settings.MOTCUA_SCAN_MAX_PIXELS:
            return None
        image = page.images[0].image
        out = io.BytesIO()
        (image if image.mode in ("1", "L", "RGB") else image.convert("RGB")).save(out, "PNG")
    except Exception:  # an odd PDF: keep the page as it is
        log.info("Page picture not readable", exc_info=True)
        return None
    dpi = round(width / (float(page.mediabox.width) / 72)) if page.mediabox.width else settings.MOTCUA_OCR_DPI
    return out.getvalue(), dpi if 70 <= dpi <= 1200 else settings.MOTCUA_OCR_DPI


def _searchable_pdf(digitization: Digitization) -> tuple[bytes, list[str], list[dict]]:
    writer = PdfWriter()
    texts: list[str] = []
    kept_as_is: list[int] = []
    rasterise = ocr.pdftoppm_path() is not None

    def add(pdf: bytes, text: str) -> None:
        for page in PdfReader(io.BytesIO(pdf)).pages:
            writer.add_page(page)
        texts.append(text.replace("\f", "").strip())
        Digitization.objects.filter(pk=digitization.pk).update(pages_done=len(texts), updated_at=clock.now())

    for scanned in digitization.pages.select_related("blob").order_by("number"):
        content = store.read(scanned.blob)
        if scanned.blob.content_type == PDF:
            reader = PdfReader(io.BytesIO(content))
            for index, page in enumerate(reader.pages, 1):
                if rasterise:
                    image = ocr.rasterise(content, index)
                    result = ocr.ocr_page(image, settings.MOTCUA_OCR_DPI)
                    add(result.pdf, result.text)
                elif not (page.extract_text() or "").strip() and (image := _scanned_image(page)):
                    # A scanner's PDF: one picture a page, read without a rasteriser.
                    png, dpi = image
                    result = ocr.ocr_page(png, dpi)
                    add(result.pdf, result.text)
                else:  # text already there, or no way to read it: the page is kept as it is
                    single = PdfWriter()
                    single.add_page(page)
                    out = io.BytesIO()
                    single.write(out)
                    add(out.getvalue(), page.extract_text() or "")
                    if not texts[-1]:
                        kept_as_is.append(len(texts))
        else:
            image, dpi = _png(content)
            result = ocr.ocr_page(image, dpi)
            add(result.pdf, result.text)
    writer.add_metadata({"/Title": digitization.document.name[:200], "/Producer": "motcua"})
    out = io.BytesIO()
    writer.write(out)
    notes = [{"code": "not_read", "pages": kept_as_is}] if kept_as_is else []
    return out.getvalue(), texts, notes
