"""The interface every message channel plugin implements (kênh gửi tin: e-mail, SMS).

A channel carries one outbox `Message` to its recipient and answers the gateway's identifier for
it. It never changes the database: `services` owns every state change, so retries, backoff and
the statuses shown to officers are the same whatever the channel. A failure that may pass (the
gateway is down, slow, out of credit) raises `Retryable`; one that never will (a refused number, a
wrong key, a brandname not registered) raises `Permanent`, and the message is marked failed at once.

Shipped plugins live in `contrib/<channel>/plugin.py` and register themselves in `registry`:
`email` (SMTP through Django's mailers) and `sms` (eSMS.vn's brandname API).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, ClassVar

if TYPE_CHECKING:
    from .models import Message


class DeliveryError(Exception):
    """The channel could not hand the message over."""


class Retryable(DeliveryError):
    """Try again later: the gateway is down, slow, or temporarily refuses."""


class Permanent(DeliveryError):
    """Trying again will not help: the recipient or the account is refused."""


@dataclass(frozen=True)
class Report:
    """A gateway's delivery report, read from its callback."""

    provider_message_id: str
    # "delivered", "failed" or "" (still on its way).
    status: str
    error: str = ""
    raw: Mapping[str, str] = field(default_factory=dict)


class Channel:
    """Base class of the plugins. `identifier` is stored on every message; never change it."""

    identifier: ClassVar[str]
    label: ClassVar[str]

    def send(self, message: Message) -> str:
        """Hand the message to the gateway; return the gateway's id for it ("" if it has none)."""
        raise NotImplementedError

    def parse_report(self, params: Mapping[str, str]) -> Report:
        """Read a delivery callback; channels without one raise `Permanent`."""
        raise Permanent(f"{self.identifier} sends no delivery reports")
