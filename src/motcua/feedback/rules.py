"""Rules of feedback items that need no database: the legal deadlines on a working calendar, the
masking of personal data before an answer is published, the text checks and the anonymous
sender's challenge (a small sum in Vietnamese words, signed with a timestamp)."""

from __future__ import annotations

import datetime as dt
import re
import secrets
from dataclasses import dataclass

from django.core import signing
from django.utils.crypto import constant_time_compare, salted_hmac

from motcua.core.people import mask_name
from motcua.workdays.calendar import Unit, WorkCalendar

# Working days allowed for each step (DOMAIN.md "Satisfaction and feedback"); settings may change them.
LIMITS = {"reject": 2, "forward": 5, "more": 5, "answer": 15, "publish": 2}


@dataclass(frozen=True)
class Deadlines:
    reject: dt.datetime
    forward: dt.datetime
    more: dt.datetime
    answer: dt.datetime
    publish: dt.datetime


def deadlines(calendar: WorkCalendar, start: dt.datetime, limits: dict[str, int] | None = None) -> Deadlines:
    """Due instants counted from `start` (an arrival outside working time counts from the next
    working period). Publication is due `publish` working days after the answer is."""
    limits = {**LIMITS, **(limits or {})}
    origin = calendar.clock_start(start)

    def due(days: float) -> dt.datetime:
        return calendar.instant(calendar.add(origin, days, Unit.WORKING_DAYS))

    return Deadlines(
        reject=due(limits["reject"]),
        forward=due(limits["forward"]),
        more=due(limits["more"]),
        answer=due(limits["answer"]),
        publish=due(limits["answer"] + limits["publish"]),
    )


def pushed_back(calendar: WorkCalendar, due: dt.datetime, since: dt.datetime, until: dt.datetime) -> dt.datetime:
    """`due` moved later by the working time spent waiting for the sender between since and until."""
    waited = max(0, calendar.position(until) - calendar.position(since))
    return calendar.instant(calendar.position(due) + waited)


def reopen_until(calendar: WorkCalendar, answered_at: dt.datetime, days: int) -> dt.datetime:
    """The last instant at which the sender may reopen an answered item."""
    return calendar.instant(calendar.add(calendar.clock_start(answered_at), days, Unit.WORKING_DAYS))


# -- masking personal data before publication --------------------------------------------------------

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
# Phone numbers with or without spaces/dots/dashes: 0912 345 678, +84 912.345.678, 024 3825 1234.
_PHONE = re.compile(r"(?<!\d)(?:\+84|0)(?:[\s.-]?\d){8,10}(?!\d)")
# Citizen ID (12 digits), old ID card (9), tax codes (10, or 10-3), passport-like runs of 8+ digits.
_NUMBER = re.compile(r"(?<!\d)\d{8,13}(?:-\d{3})?(?!\d)")


def mask_personal(text: str, names: tuple[str, ...] | list[str] = ()) -> str:
    """The text with e-mail addresses, phone numbers, ID numbers and the given people's names
    masked, so a published answer reveals no one's personal data."""
    masked = _EMAIL.sub(lambda m: m.group(0)[0] + "***@***", text or "")
    masked = _PHONE.sub(lambda m: _stars(m.group(0), keep=3), masked)
    masked = _NUMBER.sub(lambda m: _stars(m.group(0), keep=3), masked)
    for name in sorted({n.strip() for n in names if n and n.strip()}, key=len, reverse=True):
        masked = re.sub(re.escape(name), mask_name(name), masked, flags=re.IGNORECASE)
        words = name.split()
        # "ông Hùng", "chị Thị Lan": the given name after a form of address names the person too.
        for start in range(1, len(words)):
            tail = " ".join(words[start:])
            pattern = rf"\b({_ADDRESS})\s+{re.escape(tail)}\b"
            masked = re.sub(pattern, lambda m, t=tail: f"{m.group(1)} {_initials(t)}", masked, flags=re.IGNORECASE)
    return masked


# Forms of address that come before a person's given name in Vietnamese.
_ADDRESS = "ông|bà|anh|chị|em|cô|chú|bác|cháu|cụ|cán bộ|đồng chí|đ/c|công dân"


def _initials(words: str) -> str:
    return " ".join(word[0] + "*" * max(1, len(word) - 1) for word in words.split())


def _stars(value: str, keep: int) -> str:
    digits = re.sub(r"\D", "", value)
    return value[: len(value) - len(value.lstrip("+"))] + "*" * (len(digits) - keep) + digits[-keep:]


# -- text checks -------------------------------------------------------------------------------------

MIN_TEXT = 20
MAX_TEXT = 5000
MAX_LINKS = 2
_LINK = re.compile(r"https?://|www\.", re.IGNORECASE)


def text_problem(text: str) -> str | None:
    """Why a feedback text cannot be taken (a code for the caller to word), or None when it is fine:
    "empty", "short", "long", "links" (spam), "absurd" (no words: one character repeated, symbols)."""
    text = (text or "").strip()
    if not text:
        return "empty"
    if len(text) > MAX_TEXT:
        return "long"
    if len(text) < MIN_TEXT:
        return "short"
    if len(_LINK.findall(text)) > MAX_LINKS:
        return "links"
    letters = [c for c in text.lower() if c.isalpha()]
    words = re.findall(r"[^\W\d_]{2,}", text)
    if len(letters) < MIN_TEXT // 2 or len(set(letters)) < 5 or len({w.lower() for w in words}) < 3:
        return "absurd"
    if re.search(r"(.)\1{14,}", text):
        return "absurd"
    return None


# -- the anonymous sender's challenge ----------------------------------------------------------------

_WORDS = ["không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín", "mười"]
_SALT = "motcua.feedback.challenge"


@dataclass(frozen=True)
class Challenge:
    question: str
    token: str


def new_challenge() -> Challenge:
    """A small sum asked in Vietnamese words ("Hai cộng năm bằng mấy?"). The token carries a nonce
    and a keyed hash of the answer, signed with a timestamp; it does not reveal the answer."""
    a, b = secrets.randbelow(9) + 1, secrets.randbelow(9) + 1
    nonce = secrets.token_urlsafe(12)
    digest = salted_hmac(_SALT, f"{nonce}:{a + b}", algorithm="sha256").hexdigest()
    question = f"{_WORDS[a].capitalize()} cộng {_WORDS[b]} bằng mấy?"
    return Challenge(question=question, token=signing.TimestampSigner(salt=_SALT).sign(f"{nonce}:{digest}"))


def challenge_nonce(token: str, max_age: int) -> str | None:
    """The nonce of a genuine, unexpired challenge (for the caller to mark as used), or None."""
    try:
        value = signing.TimestampSigner(salt=_SALT).unsign(token or "", max_age=max_age)
    except signing.BadSignature:
        return None
    return value.partition(":")[0] or None


def check_challenge(token: str, answer: str, max_age: int) -> str | None:
    """The nonce of a correctly answered, unexpired challenge, or None. The answer may be typed
    in digits or in words."""
    try:
        value = signing.TimestampSigner(salt=_SALT).unsign(token or "", max_age=max_age)
    except signing.BadSignature:
        return None
    nonce, _, digest = value.partition(":")
    answer = (answer or "").strip().lower()
    number = int(answer) if answer.isdigit() and len(answer) < 4 else _from_words(answer)
    if number is None:
        return None
    if not constant_time_compare(salted_hmac(_SALT, f"{nonce}:{number}", algorithm="sha256").hexdigest(), digest):
        return None
    return nonce


def _from_words(answer: str) -> int | None:
    words = answer.split()
    if answer in _WORDS:
        return _WORDS.index(answer)
    # "mười một" … "mười tám"; "mười lăm" is how fifteen is said.
    if len(words) == 2 and words[0] == "mười":
        tail = {"lăm": 5, **{w: i for i, w in enumerate(_WORDS[:10])}}.get(words[1])
        return None if tail is None or tail == 0 else 10 + tail
    return None
