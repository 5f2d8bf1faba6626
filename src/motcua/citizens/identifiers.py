"""The identifiers people type: a phone number or e-mail address to log in with, the 12-digit
citizen ID number (số định danh cá nhân / CCCD) and an organisation's tax code (mã số thuế)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from motcua.core.errors import Invalid
from motcua.core.text import nfc
from motcua.notifications import phones

# Province and city codes that open a citizen ID number (Circular 07/2016/TT-BCA, as amended).
_PROVINCES = (
    "001 002 004 006 008 010 011 012 014 015 017 019 020 022 024 025 026 027 030 031 033 034 "
    "035 036 037 038 040 042 044 045 046 048 049 051 052 054 056 058 060 062 064 066 067 068 "
    "070 072 074 075 077 079 080 082 083 084 086 087 089 091 092 093 094 095 096 "
)
PROVINCE_CODES = frozenset(_PROVINCES.split())
TAX_WEIGHTS = (31, 29, 23, 19, 17, 13, 7, 5, 3)


@dataclass(frozen=True)
class Contact:
    """A normalised phone number (10-digit national form) or e-mail address (lower case)."""

    kind: str  # "phone" or "email"
    value: str


def contact(text: str, field: str = "contact") -> Contact:
    """Read a phone number or an e-mail address, or raise Invalid."""
    text = nfc(text or "")
    if not text:
        raise Invalid(_("Enter your mobile phone number or e-mail address."), field)
    if "@" in text:
        value = text.lower()
        try:
            validate_email(value)
        except ValidationError:
            raise Invalid(_("This e-mail address is not valid, for example ten@gmail.com."), field) from None
        return Contact("email", value)
    number = phones.normalise(text)
    if not number:
        raise Invalid(_("This phone number is not valid: 10 digits starting with 0, for example 0912345678."), field)
    return Contact("phone", number)


def mask(value: str) -> str:
    """Show enough to recognise one's own contact: 091****678, ng***@gmail.com."""
    if "@" in value:
        name, _, domain = value.partition("@")
        return f"{name[:2]}***@{domain}"
    return f"{value[:3]}****{value[-3:]}"


def id_number(text: str, birth_date: dt.date | None = None, field: str = "id_number") -> str:
    """A 12-digit citizen ID number: province code, century-and-sex digit, year of birth, serial."""
    value = re.sub(r"\s", "", text or "")
    if not re.fullmatch(r"\d{12}", value):
        raise Invalid(_("The citizen ID number has exactly 12 digits."), field)
    if value[:3] not in PROVINCE_CODES:
        raise Invalid(_("The first three digits of the citizen ID number are not a province code."), field)
    if birth_date is not None:
        # The fourth digit is the century and sex: 0/1 born 1900–1999, 2/3 born 2000–2099, …
        year = 1900 + int(value[3]) // 2 * 100 + int(value[4:6])
        if year != birth_date.year:
            raise Invalid(_("The citizen ID number does not match the date of birth."), field)
    return value


def tax_code(text: str, field: str = "tax_code") -> str:
    """A tax code of 10 digits (with its check digit) or 13 digits (a branch: 10 + 3), stored
    without the dash."""
    value = re.sub(r"[\s.\-]", "", text or "")
    if not re.fullmatch(r"\d{10}|\d{13}", value):
        raise Invalid(_("A tax code has 10 digits, or 13 digits for a branch (e.g. 0100109106-001)."), field)
    total = sum(int(d) * w for d, w in zip(value[:9], TAX_WEIGHTS, strict=True))
    check = 10 - total % 11
    if check == 10 or int(value[9]) != check or value[10:] == "000":
        raise Invalid(_("This tax code is not valid: please check the digits."), field)
    return value


def show_tax_code(value: str) -> str:
    return f"{value[:10]}-{value[10:]}" if len(value) == 13 else value
