"""Checks the answers of a procedure's online form (tờ khai trực tuyến) against its fields.

A pure function of the field definitions and what was typed: no database, no clock other than
`today` for relative date limits. Every error is one sentence naming the field, in the active
language, so the page can show it beside the field it belongs to.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.core.text import nfc

_CITIZEN_ID = re.compile(r"0[0-9]{11}")
_PHONE = re.compile(r"(\+84|0)[1-9][0-9]{8}")
_YES = {"yes", "true", "1", "on", "có"}
_NO = {"no", "false", "0", "không"}
# Long enough for an address or a note; a field may set a smaller limit.
DEFAULT_MAX_LENGTH = {"text": 300, "long_text": 3000}


def clean(fields: Iterable, data: Mapping, today: dt.date | None = None) -> tuple[dict, dict[str, str]]:
    """The checked answers by field name, and the error of each field that fails.

    `fields` are `FormField` rows (or anything with the same attributes); `data` maps names to
    what was typed (strings, or booleans for yes/no). Valid answers come back normalised: text in
    NFC, numbers as int or decimal string, dates as ISO strings, yes/no as booleans. An empty
    optional answer is left out.
    """
    today = today or timezone.localdate()
    values: dict = {}
    errors: dict[str, str] = {}
    for field in fields:
        raw = data.get(field.name)
        try:
            value = _clean_one(field, raw, today)
        except _Error as exc:
            errors[field.name] = exc.message
            continue
        if value is not None:
            values[field.name] = value
    return values, errors


class _Error(Exception):
    def __init__(self, message: str):
        self.message = message


def _text(raw) -> str:
    if raw is None:
        return ""
    if isinstance(raw, bool):
        return "yes" if raw else "no"
    return nfc(str(raw)).strip()


def _clean_one(field, raw, today: dt.date):
    label = field.label
    text = _text(raw)
    kind = field.type
    if not text:
        if field.required:
            if kind in ("choice", "yes_no"):
                raise _Error(_("Choose an answer for “%(label)s”.") % {"label": label})
            raise _Error(_("Enter “%(label)s”.") % {"label": label})
        return None
    cleaner = _CLEANERS.get(kind, _clean_text)
    value = cleaner(field, text, today)
    pattern = getattr(field, "pattern", "")
    if pattern and kind not in ("yes_no", "number", "date") and not re.fullmatch(pattern, str(value)):
        message = getattr(field, "pattern_message", "")
        raise _Error(message or _("“%(label)s” is not in the expected form.") % {"label": label})
    return value


def _clean_text(field, text: str, today: dt.date) -> str:
    limit = field.max_length or DEFAULT_MAX_LENGTH.get(field.type, DEFAULT_MAX_LENGTH["text"])
    if len(text) > limit:
        raise _Error(
            _("“%(label)s” may have at most %(limit)s characters; you typed %(count)s.")
            % {"label": field.label, "limit": limit, "count": len(text)}
        )
    return text


def _clean_number(field, text: str, today: dt.date) -> int | str:
    compact = text.replace(" ", "").replace(",", ".")
    try:
        number = Decimal(compact)
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite():
        raise _Error(_("“%(label)s” must be a number, e.g. 2.") % {"label": field.label})
    if field.min_value is not None and number < Decimal(field.min_value):
        raise _Error(
            _("“%(label)s” must be at least %(limit)s.") % {"label": field.label, "limit": _number(field.min_value)}
        )
    if field.max_value is not None and number > Decimal(field.max_value):
        raise _Error(
            _("“%(label)s” must be at most %(limit)s.") % {"label": field.label, "limit": _number(field.max_value)}
        )
    return _number(number)


def _number(value) -> int | str:
    value = Decimal(value)
    return int(value) if value == value.to_integral_value() else str(value.normalize())


def _parse_date(text: str) -> dt.date | None:
    for form in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y"):
        try:
            return dt.datetime.strptime(text, form).date()
        except ValueError:
            continue
    return None


def _clean_date(field, text: str, today: dt.date) -> str:
    day = _parse_date(text)
    if day is None:
        raise _Error(_("“%(label)s” must be a date such as 25/12/2020.") % {"label": field.label})
    # Date limits are counted in days from today, so "not in the future" is a maximum of 0.
    if field.min_value is not None:
        earliest = today + dt.timedelta(days=int(field.min_value))
        if day < earliest:
            raise _Error(
                _("“%(label)s” cannot be before %(day)s.")
                % {"label": field.label, "day": earliest.strftime("%d/%m/%Y")}
            )
    if field.max_value is not None:
        latest = today + dt.timedelta(days=int(field.max_value))
        if day > latest:
            if latest == today:
                raise _Error(_("“%(label)s” cannot be in the future.") % {"label": field.label})
            raise _Error(
                _("“%(label)s” cannot be after %(day)s.") % {"label": field.label, "day": latest.strftime("%d/%m/%Y")}
            )
    return day.isoformat()


def _choices(field) -> list[str]:
    listed = getattr(field, "choice_list", None)
    if listed is not None:
        return list(listed)
    return [line.strip() for line in (field.choices or "").splitlines() if line.strip()]


def _clean_choice(field, text: str, today: dt.date) -> str:
    if text not in _choices(field):
        raise _Error(_("Choose one of the answers listed for “%(label)s”.") % {"label": field.label})
    return text


def _clean_yes_no(field, text: str, today: dt.date) -> bool:
    answer = text.lower()
    if answer in _YES:
        return True
    if answer in _NO:
        return False
    raise _Error(_("Answer “%(label)s” with yes or no.") % {"label": field.label})


def _clean_citizen_id(field, text: str, today: dt.date) -> str:
    compact = re.sub(r"\s", "", text)
    if not _CITIZEN_ID.fullmatch(compact) or not 1 <= int(compact[:3]) <= 96:
        raise _Error(
            _("“%(label)s” must be a citizen ID number of 12 digits starting with 001 to 096.") % {"label": field.label}
        )
    return compact


def _clean_phone(field, text: str, today: dt.date) -> str:
    compact = re.sub(r"[\s.\-]", "", text)
    if not _PHONE.fullmatch(compact):
        raise _Error(_("“%(label)s” must be a phone number of 10 digits starting with 0.") % {"label": field.label})
    return compact


def _clean_email(field, text: str, today: dt.date) -> str:
    try:
        validate_email(text)
    except ValidationError as exc:
        message = _("“%(label)s” must be an e-mail address such as ten@example.com.")
        raise _Error(message % {"label": field.label}) from exc
    return _clean_text(field, text, today)


_CLEANERS = {
    "text": _clean_text,
    "long_text": _clean_text,
    "number": _clean_number,
    "date": _clean_date,
    "choice": _clean_choice,
    "yes_no": _clean_yes_no,
    "citizen_id": _clean_citizen_id,
    "phone": _clean_phone,
    "email": _clean_email,
}
