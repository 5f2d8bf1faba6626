"""Digital signatures (chữ ký số) on PDF documents: PAdES B-B with pyHanko, with a visible stamp.

`sign_pdf` signs a PDF with any key plugin (`base.Signer`) and puts on the last page a stamp
that names the signer and the time, in Noto Sans so Vietnamese letters render correctly, with a QR
code to the public verification page when a link is given. `signer_for` gives an officer's key.
"""

from __future__ import annotations

import asyncio
import functools
from concurrent.futures import ThreadPoolExecutor
from io import BytesIO

from django.conf import settings
from django.utils.translation import gettext as _
from pyhanko.pdf_utils.font.opentype import GlyphAccumulatorFactory
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.pdf_utils.text import TextBoxStyle
from pyhanko.sign import fields, signers
from pyhanko.stamp import QRStampStyle, TextStampStyle

from motcua.core import clock
from motcua.workdays.calendar import VN_TZ

from . import contrib as _contrib  # noqa: F401
from .base import Signer, SigningUnavailable
from .contrib.pkcs12 import plugin as _pkcs12  # noqa: F401
from .registry import registry

__all__ = ["NoSigningKey", "Signer", "SigningUnavailable", "registry", "sign_pdf", "signer_for"]

STAMP_WIDTH = 250
STAMP_HEIGHT = 78
STAMP_MARGIN = 28


class NoSigningKey(Exception):
    """The officer has no usable signing key."""


def _font(size: int) -> GlyphAccumulatorFactory:
    return GlyphAccumulatorFactory(settings.MOTCUA_SIGNATURE_FONT, font_size=size)


def _common_name(signer: signers.Signer) -> str:
    return signer.signing_cert.subject.native.get("common_name", "")


def _field_name(reader: PdfFileReader) -> str:
    taken = {name for name, _value, _ref in fields.enumerate_sig_fields(reader)}
    number = 1
    while f"Signature{number}" in taken:
        number += 1
    return f"Signature{number}"


def _stamp_box(reader: PdfFileReader, page: int) -> tuple[int, int, int, int]:
    """Bottom right of the page, inside the margins."""
    page_obj = reader.find_page_for_modification(page)[0].get_object()
    box = page_obj.get("/CropBox") or page_obj["/MediaBox"]
    x0, y0, x1, _y1 = (float(v) for v in box)
    right = int(x1) - STAMP_MARGIN
    bottom = int(y0) + STAMP_MARGIN
    return (max(int(x0) + STAMP_MARGIN, right - STAMP_WIDTH), bottom, right, bottom + STAMP_HEIGHT)


def off_event_loop(function):
    """pyHanko's blocking calls start an event loop of their own: when called where one runs
    already (an async caller), run them in a worker thread instead."""

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return function(*args, **kwargs)
        with ThreadPoolExecutor(max_workers=1) as pool:
            return pool.submit(function, *args, **kwargs).result()

    return wrapper


@off_event_loop
def sign_pdf(
    pdf: bytes,
    *,
    signer: Signer | signers.Signer,
    reason: str,
    location: str = "",
    stamp: str | None = None,
    verify_url: str | None = None,
    box: tuple[int, int, int, int] | None = None,
    font_size: int = 8,
) -> bytes:
    """`pdf` with a PAdES B-B signature (SHA-256, certificate chain embedded) and a visible stamp
    on its last page, at the bottom right or in `box` (x1, y1, x2, y2 in points). `stamp` replaces
    the stamp's first line (default "Signed by <name>"); `verify_url` adds a QR code to it.
    Raises `SigningUnavailable` if the key cannot be used."""
    hanko = signer.pyhanko_signer() if isinstance(signer, Signer) else signer
    writer = IncrementalPdfFileWriter(BytesIO(pdf), strict=False)
    reader = writer.prev
    page = int(reader.root["/Pages"]["/Count"]) - 1
    name = _field_name(reader)
    when = clock.now().astimezone(VN_TZ)
    lines = [
        stamp or _("Signed by: %(name)s") % {"name": _common_name(hanko)},
        _("Time: %(time)s") % {"time": when.strftime("%H:%M:%S %d/%m/%Y")},
    ]
    if reason:
        lines.append(_("Reason: %(reason)s") % {"reason": reason})
    text = "\n".join(line.replace("%", "%%") for line in lines)
    box_style = TextBoxStyle(font=_font(font_size), leading=round(font_size * 1.45))
    style: TextStampStyle
    params = {}
    if verify_url:
        style = QRStampStyle(stamp_text=text, text_box_style=box_style, border_width=1)
        params["url"] = verify_url
    else:
        style = TextStampStyle(stamp_text=text, text_box_style=box_style, border_width=1)
    meta = signers.PdfSignatureMetadata(
        field_name=name,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        reason=reason or None,
        location=location or None,
        name=_common_name(hanko) or None,
    )
    pdf_signer = signers.PdfSigner(
        meta,
        signer=hanko,
        stamp_style=style,
        new_field_spec=fields.SigFieldSpec(name, on_page=page, box=box or _stamp_box(reader, page)),
    )
    out = BytesIO()
    pdf_signer.sign_pdf(writer, output=out, appearance_text_params=params)
    return out.getvalue()


def signer_for(officer) -> Signer:
    """The officer's active signing key valid now. Raises `NoSigningKey` if he has none."""
    from motcua.documents.models import SigningKey

    now = clock.now()
    key = (
        SigningKey.objects.filter(officer=officer, active=True, valid_from__lte=now, valid_to__gt=now)
        .order_by("-valid_from")
        .first()
    )
    if key is None or key.plugin not in registry:
        raise NoSigningKey(officer)
    return registry.create(key.plugin, key.config)


def has_key(officer) -> bool:
    try:
        signer_for(officer)
    except NoSigningKey:
        return False
    return True
