"""VNPay's payment-gateway protocol, version 2.1.0, as pure functions (no Django): shared by the
plugin that talks to VNPay and by the simulator that plays VNPay in tests and in the demo.

- Payment URL, return URL and IPN: the `vnp_*` parameters sorted by key, each value form-encoded
  (space → "+"), joined as `key=value&…`; `vnp_SecureHash` is the hex HMAC-SHA512 of that string
  under the terminal's hash secret.
- querydr and refund (JSON over POST): the checksum is the HMAC-SHA512 of the raw values joined
  by "|" in a fixed order, for the request and for the response alike.

Signatures are compared with `hmac.compare_digest`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import unicodedata
from collections.abc import Mapping
from urllib.parse import quote_plus, urlencode

VERSION = "2.1.0"
GMT7 = dt.timezone(dt.timedelta(hours=7))
DATE_FORMAT = "%Y%m%d%H%M%S"

# Only for the local simulator: motcua refuses it unless every VNPay URL points to this machine.
DEMO_TMN_CODE = "MOTCUA01"
DEMO_HASH_SECRET = "simulator-only-not-a-secret-0123456789ABCDEF"  # noqa: S105

HASH_KEYS_EXCLUDED = ("vnp_SecureHash", "vnp_SecureHashType")

# IPN replies (what the merchant answers VNPay).
IPN_REPLIES = {
    "00": "Confirm Success",
    "01": "Order not found",
    "02": "Order already confirmed",
    "04": "Invalid amount",
    "97": "Invalid signature",
    "99": "Unknown error",
}

QUERYDR_REQUEST_FIELDS = (
    "vnp_RequestId",
    "vnp_Version",
    "vnp_Command",
    "vnp_TmnCode",
    "vnp_TxnRef",
    "vnp_TransactionDate",
    "vnp_CreateDate",
    "vnp_IpAddr",
    "vnp_OrderInfo",
)
REFUND_REQUEST_FIELDS = (
    "vnp_RequestId",
    "vnp_Version",
    "vnp_Command",
    "vnp_TmnCode",
    "vnp_TransactionType",
    "vnp_TxnRef",
    "vnp_Amount",
    "vnp_TransactionNo",
    "vnp_TransactionDate",
    "vnp_CreateBy",
    "vnp_CreateDate",
    "vnp_IpAddr",
    "vnp_OrderInfo",
)
REFUND_RESPONSE_FIELDS = (
    "vnp_ResponseId",
    "vnp_Command",
    "vnp_ResponseCode",
    "vnp_Message",
    "vnp_TmnCode",
    "vnp_TxnRef",
    "vnp_Amount",
    "vnp_BankCode",
    "vnp_PayDate",
    "vnp_TransactionNo",
    "vnp_TransactionType",
    "vnp_TransactionStatus",
    "vnp_OrderInfo",
)
# The two promotion fields are signed even when empty.
QUERYDR_RESPONSE_FIELDS = (*REFUND_RESPONSE_FIELDS, "vnp_PromotionCode", "vnp_PromotionAmount")

# vnp_TransactionStatus in querydr answers.
TXN_SUCCESS = "00"
TXN_PENDING = "01"
TXN_ERROR = "02"
QUERY_NOT_FOUND = "91"


def format_date(instant: dt.datetime) -> str:
    """yyyyMMddHHmmss in GMT+7, as every VNPay date is written."""
    return instant.astimezone(GMT7).strftime(DATE_FORMAT)


def parse_date(value: str) -> dt.datetime | None:
    try:
        return dt.datetime.strptime(value, DATE_FORMAT).replace(tzinfo=GMT7)
    except (TypeError, ValueError):
        return None


def ascii_text(value: str, limit: int = 255) -> str:
    """vnp_OrderInfo: Vietnamese without diacritics, letters, digits and spaces only."""
    decomposed = unicodedata.normalize("NFD", value.replace("đ", "d").replace("Đ", "D"))
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    kept = "".join(ch if ch.isascii() and (ch.isalnum() or ch == " ") else " " for ch in plain)
    return " ".join(kept.split())[:limit]


def _sign(secret: str, data: str) -> str:
    return hmac.new(secret.encode(), data.encode("utf-8"), hashlib.sha512).hexdigest()


def hash_data(params: Mapping[str, object], *, keep_empty: bool = True) -> str:
    """The string signed for payment URLs, returns and IPNs."""
    pairs = []
    for key in sorted(k for k in params if k.startswith("vnp_") and k not in HASH_KEYS_EXCLUDED):
        value = "" if params[key] is None else str(params[key])
        if value == "" and not keep_empty:
            continue
        pairs.append(f"{key}={quote_plus(value)}")
    return "&".join(pairs)


def sign(params: Mapping[str, object], secret: str) -> str:
    return _sign(secret, hash_data(params))


def verify(params: Mapping[str, object], secret: str) -> bool:
    """Whether `vnp_SecureHash` signs the other vnp_* parameters (constant-time comparison).

    VNPay's own samples differ on empty values (kept as `key=` or left out); both are accepted.
    """
    received = str(params.get("vnp_SecureHash") or "").lower()
    if not received:
        return False
    good = hmac.compare_digest(_sign(secret, hash_data(params)), received)
    if any(params.get(k) in ("", None) for k in params if k.startswith("vnp_")):
        good |= hmac.compare_digest(_sign(secret, hash_data(params, keep_empty=False)), received)
    return good


def signed_query(params: Mapping[str, object], secret: str) -> str:
    """The query string of a signed URL: the sorted, encoded parameters and the signature."""
    ordered = [(k, str(params[k])) for k in sorted(params) if params[k] not in ("", None)]
    return urlencode([*ordered, ("vnp_SecureHash", sign(dict(ordered), secret))])


def payment_params(
    *,
    tmn_code: str,
    amount: int,
    txn_ref: str,
    order_info: str,
    return_url: str,
    ip: str,
    created: dt.datetime,
    expires: dt.datetime,
    locale: str = "vn",
    bank_code: str = "",
    order_type: str = "billpayment",
) -> dict[str, str]:
    """The parameters of a payment URL; `amount` in đồng (sent × 100)."""
    params = {
        "vnp_Version": VERSION,
        "vnp_Command": "pay",
        "vnp_TmnCode": tmn_code,
        "vnp_Amount": str(int(amount) * 100),
        "vnp_CurrCode": "VND",
        "vnp_TxnRef": txn_ref,
        "vnp_OrderInfo": ascii_text(order_info),
        "vnp_OrderType": order_type,
        "vnp_Locale": "en" if locale == "en" else "vn",
        "vnp_ReturnUrl": return_url,
        "vnp_IpAddr": ip,
        "vnp_CreateDate": format_date(created),
        "vnp_ExpireDate": format_date(expires),
    }
    if bank_code:
        params["vnp_BankCode"] = bank_code
    return params


def payment_url(base_url: str, params: Mapping[str, object], secret: str) -> str:
    return f"{base_url}?{signed_query(params, secret)}"


def checksum(values: Mapping[str, object], fields: tuple[str, ...], secret: str) -> str:
    """querydr / refund checksum: the raw values in the fixed order, joined by '|'."""
    return _sign(secret, "|".join("" if values.get(f) is None else str(values.get(f)) for f in fields))


def verify_checksum(values: Mapping[str, object], fields: tuple[str, ...], secret: str) -> bool:
    received = str(values.get("vnp_SecureHash") or "").lower()
    return bool(received) and hmac.compare_digest(checksum(values, fields, secret), received)


def querydr_request(
    *,
    tmn_code: str,
    secret: str,
    request_id: str,
    txn_ref: str,
    transaction_date: str,
    created: dt.datetime,
    ip: str,
    order_info: str,
) -> dict[str, str]:
    body = {
        "vnp_RequestId": request_id,
        "vnp_Version": VERSION,
        "vnp_Command": "querydr",
        "vnp_TmnCode": tmn_code,
        "vnp_TxnRef": txn_ref,
        "vnp_OrderInfo": ascii_text(order_info),
        "vnp_TransactionDate": transaction_date,
        "vnp_CreateDate": format_date(created),
        "vnp_IpAddr": ip,
    }
    body["vnp_SecureHash"] = checksum(body, QUERYDR_REQUEST_FIELDS, secret)
    return body


def refund_request(
    *,
    tmn_code: str,
    secret: str,
    request_id: str,
    txn_ref: str,
    amount: int,
    full: bool,
    transaction_no: str,
    transaction_date: str,
    create_by: str,
    created: dt.datetime,
    ip: str,
    order_info: str,
) -> dict[str, str]:
    """A refund request; `amount` in đồng (sent × 100); type 02 full, 03 partial."""
    body = {
        "vnp_RequestId": request_id,
        "vnp_Version": VERSION,
        "vnp_Command": "refund",
        "vnp_TmnCode": tmn_code,
        "vnp_TransactionType": "02" if full else "03",
        "vnp_TxnRef": txn_ref,
        "vnp_Amount": str(int(amount) * 100),
        "vnp_OrderInfo": ascii_text(order_info),
        "vnp_TransactionNo": transaction_no or "",
        "vnp_TransactionDate": transaction_date,
        "vnp_CreateBy": create_by,
        "vnp_CreateDate": format_date(created),
        "vnp_IpAddr": ip,
    }
    body["vnp_SecureHash"] = checksum(body, REFUND_REQUEST_FIELDS, secret)
    return body


# The daily reconciliation list (VNPay's own daily file comes by SFTP, format not published here):
# motcua and its simulator sign it over the terminal, the day, the number of rows and a digest of
# the rows, with the same checksum as querydr.
LIST_FIELDS = ("vnp_TmnCode", "vnp_Date", "vnp_Count", "vnp_Digest")


def list_digest(rows: list) -> str:
    return hashlib.sha256(json.dumps(rows, sort_keys=True, separators=(",", ":")).encode()).hexdigest()
