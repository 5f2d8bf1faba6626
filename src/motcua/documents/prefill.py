"""Values read in the OCR text of a scanned paper, offered to the officer to confirm.

Pure functions on text: the citizen ID number (12 digits), the name after "Họ và tên", dates of
birth, numbers and dates of earlier decisions, and the page numbers printed on each page (to flag
a scan whose pages are out of order). OCR makes mistakes, so nothing here is applied by itself.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
import unicodedata
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

KINDS = {
    "id_number": _("Citizen ID number"),
    "name": _("Full name"),
    "birth_date": _("Date of birth"),
    "decision_number": _("Decision number"),
    "decision_date": _("Decision date"),
}


@dataclass(frozen=True)
class Suggestion:
    kind: str
    value: str

    @property
    def label(self) -> str:
        return str(KINDS[self.kind])


def _clean(text: str) -> str:
    return unicodedata.normalize("NFC", text or "")


# A citizen ID number (căn cước): 12 digits, the first three a province code 001–096; scans often
# space them in groups.
_ID = re.compile(r"(?<![\d])(\d(?:[ .]?\d){11})(?![\d])")


def id_numbers(text: str) -> list[str]:
    found = []
    for match in _ID.finditer(_clean(text)):
        digits = re.sub(r"\D", "", match.group(1))
        if len(digits) == 12 and 1 <= int(digits[:3]) <= 96 and digits not in found:
            found.append(digits)
    return found


_NAME_LABEL = re.compile(
    r"h[oọ](?:\s*,\s*ch[uữ]\s+đ[eệ]m\s+v[aà]|\s+v[aà])?\s+t[eê]n"  # Họ và tên / Họ, chữ đệm và tên / Họ tên
    r"(?:[ \t]+[^\s:：()]+){0,4}?"  # Họ và tên khai sinh / … người yêu cầu
    r"\s*(?:\([^)\n]*\))?\s*[:：]\s*(?P<value>[^\n]*)",
    re.IGNORECASE,
)
# Where the name ends on its line: the next label or a run of dots left by the form.
_NAME_END = re.compile(
    r"\s*(?:\.{2,}|…|;|\b(?:Giới tính|Nam/Nữ|Ngày sinh|Sinh ngày|Dân tộc|Quốc tịch|Số định danh|CCCD|CMND)\b).*$",
    re.IGNORECASE,
)
_NAME_WORD = re.compile(r"^[^\W\d_]+$")


def _title(name: str) -> str:
    return " ".join(word[:1].upper() + word[1:].lower() for word in name.split())


def names(text: str) -> list[str]:
    """Names written after a name label, in title case ("NGUYỄN THỊ LAN" → "Nguyễn Thị Lan")."""
    found = []
    for match in _NAME_LABEL.finditer(_clean(text)):
        value = _NAME_END.sub("", match.group("value")).strip(" .:,-")
        words = value.split()
        if 2 <= len(words) <= 7 and all(_NAME_WORD.match(w) for w in words):
            name = _title(value)
            if name not in found:
                found.append(name)
    return found


_NUMERIC_DATE = r"(?P<d>\d{1,2})\s*[/.\-]\s*(?P<m>\d{1,2})\s*[/.\-]\s*(?P<y>\d{4})"
_WORDED_DATE = r"(?:ngày\s*)?(?P<d>\d{1,2})\s+tháng\s+(?P<m>\d{1,2})\s*,?\s+năm\s+(?P<y>\d{4})"
_DATE = re.compile(rf"(?:{_NUMERIC_DATE})|(?:{_WORDED_DATE.replace('?P<', '?P<w')})", re.IGNORECASE)
_BIRTH_LABEL = re.compile(r"(?:ngày\s*,?\s*tháng\s*,?\s*năm\s+sinh|ngày\s+sinh|sinh\s+ngày)\s*[:：]?\s*", re.IGNORECASE)
_WORDED = re.compile(r"ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s*,?\s+năm\s+(\d{4})", re.IGNORECASE)


def _date(match: re.Match) -> dt.date | None:
    parts = match.groupdict()
    prefix = "" if parts.get("d") else "w"
    day, month, year = parts[prefix + "d"], parts[prefix + "m"], parts[prefix + "y"]
    try:
        value = dt.date(int(year), int(month), int(day))
    except ValueError:
        return None
    return value if 1900 <= value.year <= 2100 else None


def parse_date(text: str) -> dt.date | None:
    """The first date written as 12/03/2025, 12-3-2025 or "ngày 12 tháng 3 năm 2025"."""
    match = _DATE.search(_clean(text))
    return _date(match) if match else None


def birth_dates(text: str) -> list[dt.date]:
    found = []
    text = _clean(text)
    for label in _BIRTH_LABEL.finditer(text):
        match = _DATE.match(text, label.end())
        value = _date(match) if match else None
        if value and value not in found:
            found.append(value)
    return found


# "Số: 123/QĐ-UBND", "Số 45/2025/QĐ-UBND": a number, then a slash and the issuer's symbol.
_DECISION = re.compile(r"\b[Ss][ốô]\s*[:.]?\s*(\d{1,6}(?:/\d{4})?/[A-ZĐ][A-ZĐ0-9]*(?:[-–][A-ZĐ0-9]+)*)")


def decision_numbers(text: str) -> list[str]:
    found = []
    for match in _DECISION.finditer(_clean(text)):
        value = match.group(1).replace("–", "-")
        if value not in found:
            found.append(value)
    return found


def decision_dates(text: str) -> list[dt.date]:
    """Dates written in words ("…, ngày 12 tháng 3 năm 2025"), as decisions and letters date themselves."""
    found = []
    for day, month, year in _WORDED.findall(_clean(text)):
        try:
            value = dt.date(int(year), int(month), int(day))
        except ValueError:
            continue
        if value not in found:
            found.append(value)
    return found


def suggestions(text: str) -> list[Suggestion]:
    """Everything found, in a fixed order of kinds; dates as dd/mm/yyyy."""
    result = [Suggestion("id_number", v) for v in id_numbers(text)]
    result += [Suggestion("name", v) for v in names(text)]
    births = birth_dates(text)
    result += [Suggestion("birth_date", d.strftime("%d/%m/%Y")) for d in births]
    result += [Suggestion("decision_number", v) for v in decision_numbers(text)]
    result += [Suggestion("decision_date", d.strftime("%d/%m/%Y")) for d in decision_dates(text) if d not in births]
    return result


# -- page numbers --------------------------------------------------------------------------------

_PAGE_WORD = re.compile(r"\btrang\s+(\d{1,3})(?:\s*/\s*(\d{1,3}))?\b", re.IGNORECASE)
_PAGE_FRACTION = re.compile(r"^\s*[-–]?\s*(\d{1,3})\s*/\s*(\d{1,3})\s*[-–]?\s*$")
_PAGE_DASHED = re.compile(r"^\s*[-–]\s*(\d{1,3})\s*[-–]\s*$")


def page_number(text: str) -> tuple[int, int | None] | None:
    """The page number printed on a page ("Trang 2", "Trang 2/3", "2/3" or "- 2 -" alone on a
    line), with the page count when printed; the last one on the page wins (footers)."""
    found = None
    for line in _clean(text).splitlines():
        match = _PAGE_WORD.search(line) or _PAGE_FRACTION.match(line)
        if match:
            number, total = int(match.group(1)), match.group(2)
            total = int(total) if total else None
            if number >= 1 and (total is None or number <= total):
                found = (number, total)
            continue
        match = _PAGE_DASHED.match(line)
        if match and int(match.group(1)) >= 1:
            found = (int(match.group(1)), None)
    return found


def page_order_problems(pages: list[str]) -> list[dict]:
    """Warnings about a scan whose printed page numbers are out of sequence or incomplete.

    Each is a dict {"code": ..., "pages": [...]}: `out_of_order` lists (scan position, printed
    number) pairs; `incomplete` gives the printed page count and the pages scanned.
    """
    printed = [(position, found) for position, text in enumerate(pages, 1) if (found := page_number(text))]
    problems = []
    if printed:
        numbers = [number for _position, (number, _total) in printed]
        in_sequence = all(a < b for a, b in itertools.pairwise(numbers))
        offset = printed[0][1][0] - printed[0][0]
        if not in_sequence or any(number - position != offset for position, (number, _t) in printed):
            problems.append({"code": "out_of_order", "pages": [[p, n] for p, (n, _t) in printed]})
        totals = {total for _p, (_n, total) in printed if total}
        if len(totals) == 1 and offset == 0 and (total := totals.pop()) != len(pages):
            problems.append({"code": "incomplete", "pages": [total, len(pages)]})
    return problems


def fold_value(value: str) -> str:
    """A value compared without case, accents, spaces or punctuation (OCR's small slips in layout)."""
    from motcua.core.text import fold

    return fold(value).replace(" ", "")
