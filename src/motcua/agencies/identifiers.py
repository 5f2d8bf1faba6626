"""Electronic identifiers of agencies (mã định danh điện tử, Decision 20/2020/QĐ-TTg as amended).

Groups of [0-9A-Z] separated by dots, read left to right; the first group is the level-1 code
MX1X2 (a letter A–Y and two digits, e.g. H42); at most 35 characters in all.
"""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

MAX_LENGTH = 35
_PATTERN = re.compile(r"[A-Y][0-9]{2}(\.[0-9A-Z]+)*")


def is_valid_identifier(value: str) -> bool:
    return len(value) <= MAX_LENGTH and _PATTERN.fullmatch(value) is not None


def validate_identifier(value: str) -> None:
    if not is_valid_identifier(value):
        raise ValidationError(
            _(
                "“%(value)s” is not an agency identifier: it must start with a level-1 code such as "
                "H42, followed by dot-separated groups of digits and capital letters, at most 35 characters."
            ),
            code="invalid_identifier",
            params={"value": value},
        )
