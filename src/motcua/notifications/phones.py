"""Vietnamese mobile numbers in one form: 0912…, +84912…, 84912… and "0912 345 678" are the same
number, stored and sent as the 10-digit national form (0 + 9 digits)."""

from __future__ import annotations

import re

_NOT_DIGIT = re.compile(r"[\s.\-()]")
_NATIONAL = re.compile(r"0[35789]\d{8}")


def normalise(value: str) -> str:
    """The national form, or "" if this is not a Vietnamese mobile number."""
    digits = _NOT_DIGIT.sub("", value or "")
    if digits.startswith("+84"):
        digits = "0" + digits[3:]
    elif digits.startswith("0084"):
        digits = "0" + digits[4:]
    elif digits.startswith("84") and len(digits) == 11:
        digits = "0" + digits[2:]
    return digits if _NATIONAL.fullmatch(digits) else ""


def is_phone(value: str) -> bool:
    return bool(normalise(value))
