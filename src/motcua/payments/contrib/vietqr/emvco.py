"""EMVCo merchant-presented QR payloads as VietQR (NAPAS) uses them for bank transfers.

A payload is a list of ID (2 digits) + length (2 digits) + value fields; templates nest the
same way. VietQR puts the beneficiary under ID 38 (GUID A000000727, the bank's BIN and the account
number, service QRIBFTTA "to an account"), the amount under 54, and the bill number and purpose of
the transfer under 62 (sub-IDs 01 and 08) — the purpose is what the bank writes in the transfer's
content, so the invoice reference found there matches the transfer to the invoice. ID 63 closes
the payload with a CRC-16/CCITT-FALSE over everything before it, "6304" included.
"""

from __future__ import annotations

NAPAS_GUID = "A000000727"
TO_ACCOUNT = "QRIBFTTA"


def field(tag: str, value: str) -> str:
    if len(tag) != 2 or not tag.isdigit():
        raise ValueError(f"EMVCo IDs are two digits, not {tag!r}.")
    if not value.isascii():
        raise ValueError("EMVCo values are ASCII.")
    if len(value) > 99:
        raise ValueError(f"Field {tag} is longer than 99 characters.")
    return f"{tag}{len(value):02d}{value}"


def crc16(data: str) -> str:
    """CRC-16/CCITT-FALSE (polynomial 0x1021, initial 0xFFFF), four upper-case hex digits."""
    crc = 0xFFFF
    for byte in data.encode("ascii"):
        crc ^= byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else crc << 1
            crc &= 0xFFFF
    return f"{crc:04X}"


def vietqr_payload(*, bank_bin: str, account_no: str, amount: int | None, bill_number: str, purpose: str) -> str:
    beneficiary = field("00", bank_bin) + field("01", account_no)
    merchant = field("00", NAPAS_GUID) + field("01", beneficiary) + field("02", TO_ACCOUNT)
    parts = [
        field("00", "01"),
        field("01", "12" if amount else "11"),  # 12: dynamic, for one amount
        field("38", merchant),
        field("53", "704"),  # VND
    ]
    if amount:
        parts.append(field("54", str(int(amount))))
    parts.append(field("58", "VN"))
    parts.append(field("62", field("01", bill_number) + field("08", purpose)))
    body = "".join(parts) + "6304"
    return body + crc16(body)


def parse(payload: str) -> dict[str, str]:
    """The top-level fields of a payload (for tests and for reading a QR back)."""
    fields, position = {}, 0
    while position < len(payload):
        tag, length = payload[position : position + 2], int(payload[position + 2 : position + 4])
        fields[tag] = payload[position + 4 : position + 4 + length]
        position += 4 + length
    return fields
