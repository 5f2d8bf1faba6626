"""VietQR bank transfers: the pay page shows a QR code any Vietnamese banking app can scan (the
collecting account, the amount, and the invoice reference as the transfer's content); the money
is matched to the invoice when the bank statement is imported (`services.import_statement`)."""

from __future__ import annotations

from dataclasses import dataclass

import segno
from django.utils.translation import gettext_lazy as _

from motcua.payments import conf
from motcua.payments.base import Gateway
from motcua.payments.registry import register

from . import emvco


@dataclass(frozen=True)
class Transfer:
    """What the applicant needs to transfer by hand if he cannot scan the code."""

    payload: str
    bank_name: str
    account_no: str
    account_name: str
    amount: int
    content: str


def transfer_for(invoice) -> Transfer:
    cfg = conf.vietqr()
    content = f"{invoice.reference} NOP PHI"
    payload = emvco.vietqr_payload(
        bank_bin=cfg.bank_bin,
        account_no=cfg.account_no,
        amount=invoice.total,
        bill_number=invoice.reference,
        purpose=content,
    )
    return Transfer(
        payload=payload,
        bank_name=cfg.bank_name,
        account_no=cfg.account_no,
        account_name=cfg.account_name,
        amount=invoice.total,
        content=content,
    )


def qr_svg(payload: str, *, title: str = "") -> str:
    """The QR code as an inline SVG (drawn here by segno; nothing fetched from elsewhere)."""
    return segno.make(payload, error="m", micro=False).svg_inline(scale=5, border=2, title=title or None)


@register
class VietQR(Gateway):
    identifier = "vietqr"
    label = _("Bank transfer (VietQR)")
