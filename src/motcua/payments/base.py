"""The interface every payment gateway plugin implements (cổng thanh toán).

A gateway turns a payment attempt into something the applicant can act on (`start`: a redirect
to the gateway's page, a QR payload, instructions), reads the gateway's server-to-server
notifications (`parse_callback`, answered with `reply`), answers questions about one transaction
(`query`) and about a whole day (`transactions`, for the nightly reconciliation), and gives money
back (`refund`). Each method a gateway cannot do raises `NotSupported`; the services then fall back
to people (a cash refund, a statement imported by hand). Gateways never change the database:
`services` owns every state change, so the rules (what "paid" means, idempotence, refunds of
double payments) are the same whatever the gateway.

Shipped plugins live in `contrib/<gateway>/plugin.py` and register themselves in `registry`:
`vnpay` (VNPay's published protocol), `vietqr` (bank transfer QR codes matched against the
bank statement) and `cash` (money taken at the counter).

The national public service portal's payment platform (Nền tảng thanh toán trực tuyến của Cổng
Dịch vụ công quốc gia) fits the same shape, as `contrib/dvcqg/` would: `start` registers the bill
(the invoice reference as bill code, the amount, the fee account, the service and agency codes)
with the platform and returns the platform's page to redirect the applicant to, where he chooses
his bank or intermediary; the platform's signed notification to motcua arrives at a callback URL
of its own and is read by `parse_callback` into the same `GatewayResult` (the bill code is our
`txn_ref`), `reply` writes the platform's acknowledgement, `query` asks the platform about a bill
when no notification came, `transactions` reads the platform's daily reconciliation list, and
`refund` raises `NotSupported` if the platform leaves refunds to the State Treasury (then the
refund is recorded by an officer). Where the platform pulls bills instead (it asks motcua for the
bill by code before the applicant pays), the plugin's view answers from `services.describe_bill`.
Nothing in `services`, the models or the pages changes for it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, ClassVar

if TYPE_CHECKING:
    from .models import Payment, Refund


class GatewayError(Exception):
    """The gateway could not be asked or refused to answer; the caller retries later."""


class GatewayUnavailable(GatewayError):
    """The gateway is down, slow or answered something unreadable."""


class NotSupported(GatewayError):
    """The gateway does not offer this (a statement, a refund API)."""


class State(StrEnum):
    """What the gateway says about one transaction."""

    PAID = "paid"
    FAILED = "failed"
    PENDING = "pending"
    NOT_FOUND = "not_found"


class Outcome(StrEnum):
    """What motcua did with a callback; each gateway writes its own reply for it."""

    CONFIRMED = "confirmed"  # the callback changed our records
    NOT_FOUND = "not_found"  # no such order
    ALREADY_CONFIRMED = "already_confirmed"  # the order was already final; nothing changed
    BAD_AMOUNT = "bad_amount"  # the amount differs from the order's
    BAD_SIGNATURE = "bad_signature"  # not signed by the gateway
    ERROR = "error"  # motcua failed; the gateway should try again


@dataclass(frozen=True)
class GatewayResult:
    """One transaction as the gateway sees it. Amounts in đồng."""

    txn_ref: str
    state: State
    amount: int | None = None
    transaction_no: str = ""
    bank_code: str = ""
    paid_at: dt.datetime | None = None
    response_code: str = ""
    transaction_status: str = ""
    raw: Mapping[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class Callback:
    """A notification as received: whether the gateway signed it, and what it says."""

    signature_valid: bool
    result: GatewayResult | None
    # The merchant / terminal the notification is for is ours.
    for_us: bool = True


@dataclass(frozen=True)
class Method:
    """A way to pay offered on the pay page (e.g. a domestic card through VNPay)."""

    code: str
    label: str
    help: str = ""


@dataclass(frozen=True)
class StartRequest:
    payment: Payment
    return_url: str
    client_ip: str
    locale: str = "vn"


@dataclass(frozen=True)
class StartResponse:
    redirect_url: str = ""
    data: Mapping[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class RefundResult:
    done: bool
    transaction_no: str = ""
    code: str = ""
    message: str = ""
    raw: Mapping[str, object] = field(default_factory=dict)


class Gateway:
    """Base class of the plugins. `identifier` is stored on every payment; never change it."""

    identifier: ClassVar[str]
    label: ClassVar[str]
    # Ways to pay shown on the pay page; empty for gateways a person does not choose there.
    methods: ClassVar[tuple[Method, ...]] = ()
    # The gateway notifies motcua or can be queried, so pending attempts converge by themselves.
    settles_itself: ClassVar[bool] = False

    def start(self, request: StartRequest) -> StartResponse:
        raise NotSupported(self.identifier)

    def parse_callback(self, params: Mapping[str, str]) -> Callback:
        raise NotSupported(self.identifier)

    def reply(self, outcome: Outcome) -> dict:
        raise NotSupported(self.identifier)

    def query(self, payment: Payment, *, now: dt.datetime) -> GatewayResult:
        raise NotSupported(self.identifier)

    def transactions(self, day: dt.date) -> list[GatewayResult]:
        raise NotSupported(self.identifier)

    def refund(self, refund: Refund, *, now: dt.datetime) -> RefundResult:
        raise NotSupported(self.identifier)
