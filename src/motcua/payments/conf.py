"""Payment settings: each read from Django's settings, else from the environment, else a default.

Secrets (the VNPay hash secret) never have a default in code that a real gateway would accept:
the demo secret is used only while every VNPay URL points to this machine (the simulator).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from .contrib.vnpay import protocol

SIMULATOR = "http://127.0.0.1:8780"
LOOPBACK = {"127.0.0.1", "localhost", "::1"}


def value(name: str, default=None):
    configured = getattr(settings, name, None)
    if configured not in (None, ""):
        return configured
    return os.environ.get(name) or default


def number(name: str, default: int) -> int:
    return int(value(name, default))


@dataclass(frozen=True)
class VNPaySettings:
    tmn_code: str
    hash_secret: str
    payment_url: str
    api_url: str
    # Stand-in for VNPay's daily reconciliation file (the simulator serves it; see docs/payments.md).
    reconciliation_url: str
    timeout: float

    @property
    def is_simulator(self) -> bool:
        return all(urlsplit(u).hostname in LOOPBACK for u in (self.payment_url, self.api_url))


def vnpay() -> VNPaySettings:
    payment_url = value("VNPAY_PAYMENT_URL", f"{SIMULATOR}/paymentv2/vpcpay.html")
    api_url = value("VNPAY_API_URL", f"{SIMULATOR}/merchant_webapi/api/transaction")
    on_loopback = all(urlsplit(u).hostname in LOOPBACK for u in (payment_url, api_url))
    secret = value("VNPAY_HASH_SECRET")
    tmn_code = value("VNPAY_TMN_CODE")
    if not secret or not tmn_code:
        if not on_loopback:
            raise ImproperlyConfigured("VNPAY_TMN_CODE and VNPAY_HASH_SECRET must be set for a real VNPay terminal.")
        secret = secret or protocol.DEMO_HASH_SECRET
        tmn_code = tmn_code or protocol.DEMO_TMN_CODE
    reconciliation_url = value("VNPAY_RECONCILIATION_URL", "")
    if not reconciliation_url and on_loopback:
        api = urlsplit(api_url)
        reconciliation_url = f"{api.scheme}://{api.netloc}/merchant_webapi/reconciliation"
    return VNPaySettings(
        tmn_code=tmn_code,
        hash_secret=secret,
        payment_url=payment_url,
        api_url=api_url,
        reconciliation_url=reconciliation_url,
        timeout=float(value("VNPAY_TIMEOUT", 10)),
    )


@dataclass(frozen=True)
class VietQRSettings:
    bank_bin: str
    account_no: str
    account_name: str
    bank_name: str


def vietqr() -> VietQRSettings:
    """The collecting account shown in transfer QR codes (an account number is not a secret)."""
    return VietQRSettings(
        bank_bin=value("VIETQR_BANK_BIN", "970415"),
        account_no=value("VIETQR_ACCOUNT_NO", "113000006868"),
        account_name=value("VIETQR_ACCOUNT_NAME", "TT PHUC VU HANH CHINH CONG (DEMO)"),
        bank_name=value("VIETQR_BANK_NAME", "VietinBank (demo)"),
    )


def invoice_valid_days() -> int:
    """Days an invoice can be paid after it is issued."""
    return number("PAYMENTS_INVOICE_VALID_DAYS", 30)


def attempt_minutes() -> int:
    """Minutes the gateway gives a person to pay (vnp_ExpireDate)."""
    return number("PAYMENTS_ATTEMPT_MINUTES", 15)


def query_after_minutes() -> int:
    """A pending payment older than this is asked about at the gateway (querydr)."""
    return number("PAYMENTS_QUERY_AFTER_MINUTES", 3)


def requery_minutes() -> int:
    """VNPay refuses the same query within 5 minutes (code 94): wait that long between two."""
    return number("PAYMENTS_REQUERY_MINUTES", 5)


def refund_on() -> frozenset[str]:
    """Dossier actions after which paid fees are given back."""
    configured = value("PAYMENTS_REFUND_ON", "refuse,withdraw,close_unsupplemented")
    if isinstance(configured, str):
        configured = configured.split(",")
    return frozenset(a.strip() for a in configured if a.strip())
