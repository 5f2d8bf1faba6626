"""Dossier codes (mã số hồ sơ): `<agency identifier>-<YYMMDD of receipt>-<daily sequence>`.

The sequence runs per agency per day, has at least four digits and grows longer when needed
(Circular 04/2025); codes are stored as opaque strings of at most 50 characters.
"""

import datetime as dt
import re

MAX_LENGTH = 50
_CODE = re.compile(r"(?P<agency>[0-9A-Z.]+)-(?P<date>\d{6})-(?P<seq>[0-9A-Z]*\d{4,})")


def format_code(agency_identifier: str, day: dt.date, sequence: int) -> str:
    if sequence < 1:
        raise ValueError("Sequences start at 1.")
    code = f"{agency_identifier}-{day:%y%m%d}-{sequence:04d}"
    if len(code) > MAX_LENGTH:
        raise ValueError("A dossier code is at most 50 characters.")
    return code


def looks_like_code(value: str) -> bool:
    """Whether a search term is shaped like a dossier code (then it is looked up exactly)."""
    return len(value) <= MAX_LENGTH and _CODE.fullmatch(value) is not None
