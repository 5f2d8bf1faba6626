"""Trusted devices: a browser that passed a one-time code carries a signed cookie, and the next
logins from it within the configured days ask for the password only (elderly users are not sent
a code every time). Changing the password makes every such cookie worthless."""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.utils.crypto import constant_time_compare

COOKIE = "motcua_trusted_device"
SALT = "motcua.citizens.trusted-device"


def _value(user) -> str:
    # Bound to the password: the session hash changes with it.
    return f"{user.pk}:{user.get_session_auth_hash()[:20]}"


def _max_age() -> int:
    return settings.MOTCUA_TRUSTED_DEVICE_DAYS * 24 * 3600


def trust(response, user) -> None:
    if settings.MOTCUA_TRUSTED_DEVICE_DAYS <= 0:
        return
    response.set_signed_cookie(
        COOKIE,
        _value(user),
        salt=SALT,
        max_age=_max_age(),
        httponly=True,
        secure=settings.SESSION_COOKIE_SECURE,
        samesite="Lax",
    )


def is_trusted(request, user) -> bool:
    if settings.MOTCUA_TRUSTED_DEVICE_DAYS <= 0:
        return False
    try:
        value = request.get_signed_cookie(COOKIE, salt=SALT, max_age=_max_age())
    except (KeyError, signing.BadSignature):
        return False
    return constant_time_compare(value, _value(user))
