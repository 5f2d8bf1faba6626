"""Checks on what is typed at reception: ID numbers, phones and uploaded files."""

import re

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

_CITIZEN_ID = re.compile(r"0[0-9]{2}[0-9]{9}")
_TAX_CODE = re.compile(r"[0-9]{10}(-[0-9]{3})?")
_PHONE = re.compile(r"(\+84|0)[1-9][0-9]{8}")

# Leading bytes of the file types a scan may be.
_SIGNATURES = {
    "application/pdf": (b"%PDF-",),
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "image/jpeg": (b"\xff\xd8\xff",),
}


class InvalidInput(ValueError):
    """Bad input: `field` names what is wrong, the message says why (in the active language)."""

    def __init__(self, field: str, message: str):
        self.field, self.message = field, message
        super().__init__(f"{field}: {message}")


def citizen_id(value: str) -> str:
    """A 12-digit citizen ID (căn cước); the first three digits are a province code 001–096."""
    value = (value or "").strip()
    if not _CITIZEN_ID.fullmatch(value) or not 1 <= int(value[:3]) <= 96:
        raise InvalidInput("applicant_id_number", _("A citizen ID number has 12 digits and starts with 001 to 096."))
    return value


def tax_code(value: str) -> str:
    value = (value or "").strip()
    if not _TAX_CODE.fullmatch(value):
        raise InvalidInput("applicant_id_number", _("A tax code has 10 digits, or 10 digits, a dash and 3 digits."))
    return value


def phone(value: str) -> str:
    value = re.sub(r"[\s.]", "", value or "")
    if value and not _PHONE.fullmatch(value):
        raise InvalidInput("applicant_phone", _("A phone number has 10 digits and starts with 0."))
    return value


def scan(name: str, head: bytes, size: int) -> str:
    """The content type of an uploaded scan, checked from its first bytes, or an error."""
    limit = settings.MOTCUA_MAX_UPLOAD_BYTES
    if size > limit:
        raise InvalidInput(
            "documents", _("“%(name)s” is larger than %(limit)s.") % {"name": name, "limit": filesizeformat(limit)}
        )
    if size == 0:
        raise InvalidInput("documents", _("“%(name)s” is empty.") % {"name": name})
    for content_type, signatures in _SIGNATURES.items():
        if any(head.startswith(s) for s in signatures):
            return content_type
    raise InvalidInput("documents", _("“%(name)s” is not a PDF, PNG or JPEG file.") % {"name": name})
