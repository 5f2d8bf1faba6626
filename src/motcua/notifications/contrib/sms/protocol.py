"""eSMS.vn's brandname SMS API (version 4, JSON), the parts motcua uses: sending one customer-care
message and reading the delivery callback. Pure functions, shared by the plugin and the simulator.

Send: POST <base>/MainService.svc/json/SendMultipleMessage_V4_post_json/ with ApiKey, SecretKey,
Phone, Content, Brandname, SmsType, IsUnicode, RequestId and CallbackUrl; the answer is
{"CodeResult": "100", "SMSID": "…"} when the gateway took the message, another CodeResult (with
an ErrorMessage) when it did not. A RequestId seen before is answered 124 and not sent again, so
a retry of the same message can never reach the phone twice.

Delivery: the gateway calls CallbackUrl (HTTP GET) with SMSID, RequestId, SendStatus (1 pending
approval, 2 waiting, 4 rejected, 5 sent, 7 at the operator, waiting for its report), SendSuccess
and SendFailed (numbers of recipients), phonenumber and telcoid.
"""

from __future__ import annotations

import unicodedata

# Keys the simulator accepts; a real gateway never does.
DEMO_API_KEY = "MOTCUA-DEMO-APIKEY"
DEMO_SECRET_KEY = "MOTCUA-DEMO-SECRET"  # noqa: S105 - accepted only by the simulator
DEMO_BRANDNAME = "MOTCUA"

SEND_PATH = "/MainService.svc/json/SendMultipleMessage_V4_post_json/"

SUCCESS = "100"
DUPLICATE_REQUEST = "124"
# Codes after which the same request may succeed later without anyone changing anything.
RETRYABLE_CODES = frozenset({"103"})  # not enough balance: the account is topped up
CODES = {
    "99": "Phone number blocked or unknown error",
    "100": "Request accepted",
    "101": "Incorrect ApiKey or SecretKey",
    "102": "No price list available",
    "103": "Not enough balance",
    "104": "Brandname does not exist",
    "108": "Phone number is not in correct format",
    "124": "Duplicate RequestId",
    "140": "IP is not whitelisted",
    "146": "Wrong customer care template",
    "177": "The network is not registered",
    "300": "Missing message type",
}

# SendStatus values of the callback.
STATUS_PENDING_APPROVAL, STATUS_WAITING, STATUS_REJECTED, STATUS_SENT, STATUS_AT_OPERATOR = "1", "2", "4", "5", "7"

# Characters per message: GSM 7-bit text 160 (153 per part when split), UCS-2 (accents) 70 (67).
GSM_SINGLE, GSM_PART = 160, 153
UCS2_SINGLE, UCS2_PART = 70, 67


def request_id(message_id: int) -> str:
    """The same for every attempt at one message: the gateway refuses it twice."""
    return f"motcua-{message_id}"


def message_id_of(request: str) -> int | None:
    prefix, _, number = (request or "").partition("-")
    return int(number) if prefix == "motcua" and number.isdigit() else None


def unaccent(text: str) -> str:
    """Vietnamese without diacritics, case kept ("Hồ sơ đã nhận" → "Ho so da nhan"), in the
    characters every handset shows; what is left outside them becomes "?"."""
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    plain = plain.replace("–", "-").replace("—", "-").replace("…", "...").replace("“", '"').replace("”", '"')
    return "".join(ch if (32 <= ord(ch) < 127 or ch == "\n") else "?" for ch in plain)


def segments(text: str, *, unicode: bool) -> int:
    single, part = (UCS2_SINGLE, UCS2_PART) if unicode else (GSM_SINGLE, GSM_PART)
    length = len(text)
    return 1 if length <= single else -(-length // part)


def fit(text: str, *, unicode: bool, max_segments: int) -> str:
    """The text as it will be sent: accents kept or folded, cut at a word to fit the parts."""
    text = unicodedata.normalize("NFC", text) if unicode else unaccent(text)
    single, part = (UCS2_SINGLE, UCS2_PART) if unicode else (GSM_SINGLE, GSM_PART)
    limit = single if max_segments <= 1 else part * max_segments
    if len(text) <= limit:
        return text
    cut = text[: limit - 3]
    if " " in cut[-20:]:
        cut = cut[: cut.rfind(" ")]
    return cut.rstrip(" ,.;:") + "..."


def send_body(
    *,
    api_key: str,
    secret_key: str,
    phone: str,
    content: str,
    brandname: str,
    sms_type: str,
    unicode: bool,
    request: str,
    callback_url: str,
) -> dict[str, str]:
    return {
        "ApiKey": api_key,
        "SecretKey": secret_key,
        "Phone": phone,
        "Content": content,
        "Brandname": brandname,
        "SmsType": sms_type,
        "IsUnicode": "1" if unicode else "0",
        "Sandbox": "0",
        "RequestId": request,
        "CallbackUrl": callback_url,
    }


def delivery_state(params: dict[str, str]) -> str:
    """ "delivered", "failed" or "" (not final yet) from a callback's fields."""
    status = params.get("SendStatus", "")

    def count(name: str) -> int:
        try:
            return int(float(params.get(name) or 0))
        except ValueError:
            return 0

    if status == STATUS_REJECTED:
        return "failed"
    if status == STATUS_SENT:
        if count("SendSuccess") > 0:
            return "delivered"
        if count("SendFailed") > 0:
            return "failed"
    return ""
