"""One-time codes (mã xác thực một lần): six digits sent by SMS or e-mail, kept only as a keyed
hash, valid for a few minutes and a few tries, voided by a newer code for the same purpose."""

from __future__ import annotations

import datetime as dt
import secrets

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from motcua.core import clock
from motcua.core.errors import Conflict, Invalid

from . import ratelimit
from .models import OneTimeCode

Purpose = OneTimeCode.Purpose


def _hash(salt: str, code: str) -> str:
    # Keyed with SECRET_KEY: a copy of the table alone does not let anyone try the million codes.
    return salted_hmac("motcua.citizens.one-time-code", f"{salt}:{code}", algorithm="sha256").hexdigest()


def _latest(destination: str, purpose: str) -> OneTimeCode | None:
    return OneTimeCode.objects.filter(destination=destination, purpose=purpose).order_by("-created_at", "-pk").first()


def seconds_before_resend(destination: str, purpose: str) -> int:
    """0 if a new code may be sent now, else how many seconds to wait (only while the last code is
    still waiting to be entered: after it was used, the next step needs a new one at once)."""
    latest = _latest(destination, purpose)
    if latest is None or latest.used_at is not None:
        return 0
    ready = latest.created_at + dt.timedelta(seconds=settings.MOTCUA_CODE_RESEND_SECONDS)
    return max(0, int((ready - clock.now()).total_seconds() + 0.999))


def issue(destination: str, purpose: str, *, ip: str, resend: bool = False) -> OneTimeCode:
    """Send a new code to a phone number or e-mail address (already normalised); the older
    unused code for the same purpose stops working.

    Starting the same step again within the resend delay keeps the code just sent (the person
    went back and forth); asking for a new one (`resend`) then is refused with the wait."""
    wait = seconds_before_resend(destination, purpose)
    if wait and not resend:
        return _latest(destination, purpose)
    if wait:
        raise Conflict(
            ngettext(
                "A code was sent just now. You can ask for a new one in %(n)d second.",
                "A code was sent just now. You can ask for a new one in %(n)d seconds.",
                wait,
            )
            % {"n": wait}
        )
    ratelimit.hit("code_send_ip", ip)
    ratelimit.hit("code_send_destination", destination)
    from motcua.notifications.services import send_one_time_code

    code = f"{secrets.randbelow(10**6):06d}"
    salt = secrets.token_hex(16)
    now = clock.now()
    with transaction.atomic():
        OneTimeCode.objects.filter(destination=destination, purpose=purpose, used_at__isnull=True).update(used_at=now)
        row = OneTimeCode.objects.create(
            destination=destination,
            purpose=purpose,
            salt=salt,
            code_hash=_hash(salt, code),
            created_at=now,
            expires_at=now + dt.timedelta(seconds=settings.MOTCUA_CODE_TTL_SECONDS),
        )
        send_one_time_code(destination, code, purpose, minutes=max(1, settings.MOTCUA_CODE_TTL_SECONDS // 60))
    return row


def verify(destination: str, purpose: str, code: str, *, ip: str) -> None:
    """Accept the code once, or raise Invalid (field "code") saying what to do next."""
    ratelimit.check("code_attempt_ip", ip, field="code")
    code = "".join(ch for ch in (code or "") if ch.isdigit())
    row = (
        OneTimeCode.objects.filter(destination=destination, purpose=purpose, used_at__isnull=True)
        .order_by("-created_at", "-pk")
        .first()
    )
    now = clock.now()
    if row is None:
        raise Invalid(_("This code can no longer be used. Please ask for a new code."), "code")
    if row.expires_at <= now:
        raise Invalid(_("This code has expired. Please ask for a new code."), "code")
    if row.attempts >= settings.MOTCUA_CODE_MAX_ATTEMPTS:
        raise Invalid(_("Too many wrong codes. Please ask for a new code."), "code")
    if len(code) == 6 and constant_time_compare(_hash(row.salt, code), row.code_hash):
        # The update is the lock: of two requests with the same code, only one passes.
        if OneTimeCode.objects.filter(pk=row.pk, used_at__isnull=True).update(used_at=now) == 1:
            return
        raise Invalid(_("This code can no longer be used. Please ask for a new code."), "code")
    OneTimeCode.objects.filter(pk=row.pk).update(attempts=F("attempts") + 1)
    ratelimit.count("code_attempt_ip", ip)
    left = settings.MOTCUA_CODE_MAX_ATTEMPTS - row.attempts - 1
    if left <= 0:
        raise Invalid(_("Too many wrong codes. Please ask for a new code."), "code")
    raise Invalid(
        ngettext(
            "The code is not correct. You have %(n)d more try.",
            "The code is not correct. You have %(n)d more tries.",
            left,
        )
        % {"n": left},
        "code",
    )
