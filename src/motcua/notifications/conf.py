"""Message settings: each read from Django's settings, else from the environment, else a default.

The eSMS keys have no default a real gateway would accept: the demo keys are used only while the
SMS gateway's URL points to this machine (the simulator).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from .contrib.sms.protocol import DEMO_API_KEY, DEMO_BRANDNAME, DEMO_SECRET_KEY

SIMULATOR = "http://127.0.0.1:8781"
LOOPBACK = {"127.0.0.1", "localhost", "::1"}
# Minutes to wait before each retry; after the last, the message is failed.
DEFAULT_BACKOFF = (1, 5, 15, 60)


def value(name: str, default=None):
    configured = getattr(settings, name, None)
    if configured not in (None, ""):
        return configured
    return os.environ.get(name) or default


def flag(name: str, default: bool) -> bool:
    configured = value(name, None)
    if configured is None:
        return default
    if isinstance(configured, bool):
        return configured
    return str(configured).strip().lower() in ("1", "true", "yes", "on")


@dataclass(frozen=True)
class SMSSettings:
    url: str
    api_key: str
    secret_key: str
    brandname: str
    sms_type: str
    unicode: bool
    timeout: float


def sms() -> SMSSettings:
    url = value("ESMS_URL", SIMULATOR).rstrip("/")
    api_key, secret_key = value("ESMS_API_KEY"), value("ESMS_SECRET_KEY")
    if not api_key or not secret_key:
        if urlsplit(url).hostname not in LOOPBACK:
            raise ImproperlyConfigured("ESMS_API_KEY and ESMS_SECRET_KEY must be set for a real eSMS account.")
        api_key, secret_key = api_key or DEMO_API_KEY, secret_key or DEMO_SECRET_KEY
    return SMSSettings(
        url=url,
        api_key=api_key,
        secret_key=secret_key,
        brandname=value("ESMS_BRANDNAME", DEMO_BRANDNAME),
        # 2: customer care / one-time codes (tin chăm sóc khách hàng), the type for notices.
        sms_type=str(value("ESMS_SMS_TYPE", "2")),
        unicode=sms_unicode(),
        timeout=float(value("ESMS_TIMEOUT", 10)),
    )


def site_url() -> str:
    """motcua's public address, for links in messages and the gateway's callback."""
    return str(value("MOTCUA_SITE_URL", "http://localhost:8000")).rstrip("/")


def callback_token() -> str:
    """The secret in the delivery-report URL given to the SMS gateway."""
    token = value("NOTIFICATIONS_CALLBACK_TOKEN")
    if token:
        return str(token)
    if getattr(settings, "DEBUG", False) or urlsplit(sms().url).hostname in LOOPBACK:
        return "demo-callback-token"
    raise ImproperlyConfigured("NOTIFICATIONS_CALLBACK_TOKEN must be set when SMS go to a real gateway.")


def mailer() -> str:
    return str(value("NOTIFICATIONS_MAILER", "default"))


def backoff() -> tuple[int, ...]:
    configured = value("NOTIFICATIONS_RETRY_MINUTES", DEFAULT_BACKOFF)
    if isinstance(configured, str):
        configured = [c for c in configured.split(",") if c.strip()]
    return tuple(int(c) for c in configured)


def lease_minutes() -> int:
    """A message claimed this long ago and still "sending" belongs to a worker that died."""
    return int(value("NOTIFICATIONS_LEASE_MINUTES", 5))


def sms_unicode() -> bool:
    """SMS with Vietnamese accents (UCS-2) rather than folded to plain letters."""
    return flag("NOTIFICATIONS_SMS_UNICODE", False)


def sms_max_segments() -> int:
    return int(value("NOTIFICATIONS_SMS_MAX_SEGMENTS", 3))


def code_minutes() -> int:
    """How long a one-time code is valid, as the message tells (the accounts app checks it)."""
    return int(value("NOTIFICATIONS_CODE_MINUTES", 5))
