"""Bank statement rows (sao kê): read from the CSV a bank exports, and the invoice reference found
in each transfer's content."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import unicodedata
from dataclasses import dataclass

from django.utils.translation import gettext as _

from motcua.payments.models import REFERENCE_ALPHABET, REFERENCE_LENGTH, REFERENCE_PREFIX

# Banks upper-case the content and drop punctuation, sometimes spaces too: look for the reference
# anywhere in the letters and digits that remain.
REFERENCE = re.compile(rf"{REFERENCE_PREFIX}[{REFERENCE_ALPHABET}]{{{REFERENCE_LENGTH - 2}}}")

HEADERS = {
    "date": ("date", "ngay", "ngay giao dich", "transaction date", "ngay gd"),
    "amount": ("amount", "credit", "so tien", "so tien ghi co", "ghi co", "so tien co"),
    "description": ("description", "content", "noi dung", "dien giai", "mo ta", "noi dung giao dich"),
    "bank_ref": ("bank_ref", "reference", "so tham chieu", "ma giao dich", "so but toan", "transaction id"),
}


class StatementError(ValueError):
    """The file cannot be read as a statement; the message says why."""


@dataclass(frozen=True)
class StatementRow:
    line: int
    day: dt.date | None
    amount: int
    description: str
    bank_ref: str

    def references(self) -> list[str]:
        squeezed = re.sub(r"[^A-Z0-9]", "", _plain(self.description).upper())
        return list(dict.fromkeys(REFERENCE.findall(squeezed)))


def _plain(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _header(name: str) -> str | None:
    key = " ".join(_plain(name).lower().replace("_", " ").split())
    for column, aliases in HEADERS.items():
        if key in aliases or key == column:
            return column
    return None


def parse_amount(text: str) -> int:
    """ "1.250.000", "1,250,000", "1250000 VND" → 1250000; a credit of whole đồng only."""
    cleaned = re.sub(r"(?i)vn[dđ]|đ|\s", "", text or "")
    if re.fullmatch(r"\d{1,3}([.,]\d{3})+", cleaned):
        cleaned = re.sub(r"[.,]", "", cleaned)
    if re.fullmatch(r"\d+([.,]0{1,2})?", cleaned):
        return int(re.split(r"[.,]", cleaned)[0])
    raise StatementError(_("“%(text)s” is not an amount in whole đồng.") % {"text": text})


def parse_day(text: str) -> dt.date | None:
    text = (text or "").strip().split(" ")[0]
    for pattern in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y"):
        try:
            return dt.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


def read_csv(content: bytes) -> list[StatementRow]:
    """Rows of a CSV statement with a header line naming date, amount, description and reference
    (in English or Vietnamese); comma or semicolon separated, UTF-8 (with or without BOM)."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise StatementError(_("The statement must be a CSV file in UTF-8.")) from exc
    try:
        dialect = csv.Sniffer().sniff(text[:2048], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    header = next(reader, None)
    if not header:
        raise StatementError(_("The statement is empty."))
    columns = {_header(name): index for index, name in enumerate(header) if _header(name)}
    if "amount" not in columns or "description" not in columns:
        raise StatementError(_("The statement needs at least an amount column and a description column."))
    rows = []
    for number, cells in enumerate(reader, start=2):
        if not any(c.strip() for c in cells):
            continue

        def cell(name, cells=cells):
            index = columns.get(name)
            return cells[index].strip() if index is not None and index < len(cells) else ""

        try:
            amount = parse_amount(cell("amount"))
        except StatementError as exc:
            raise StatementError(_("Line %(line)s: %(error)s") % {"line": number, "error": exc}) from exc
        rows.append(
            StatementRow(
                line=number,
                day=parse_day(cell("date")),
                amount=amount,
                description=cell("description"),
                bank_ref=cell("bank_ref"),
            )
        )
    return rows
