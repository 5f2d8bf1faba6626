"""SMS through eSMS.vn's brandname API (see `protocol`): one HTTP request per message, the
delivery status arriving later at motcua's callback URL."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Mapping
from typing import TYPE_CHECKING

from django.urls import reverse

from motcua.notifications import conf
from motcua.notifications.base import Channel, Permanent, Report, Retryable
from motcua.notifications.registry import register

from . import protocol

if TYPE_CHECKING:
    from motcua.notifications.models import Message


def callback_url() -> str:
    return conf.site_url() + reverse("notifications_public:esms_report", args=[conf.callback_token()])


@register
class ESMS(Channel):
    identifier = "sms"
    label = "SMS (eSMS.vn)"

    def send(self, message: Message) -> str:
        settings = conf.sms()
        body = protocol.send_body(
            api_key=settings.api_key,
            secret_key=settings.secret_key,
            phone=message.recipient,
            content=message.body,
            brandname=settings.brandname,
            sms_type=settings.sms_type,
            unicode=settings.unicode,
            request=protocol.request_id(message.pk),
            callback_url=callback_url(),
        )
        request = urllib.request.Request(  # noqa: S310 - URL from settings
            settings.url + protocol.SEND_PATH,
            data=json.dumps(body).encode("utf-8"),
            headers={"Content-Type": "application/json", "Accept": "application/json"},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=settings.timeout) as response:  # noqa: S310
                answer = json.loads(response.read().decode("utf-8"))
        except urllib.error.HTTPError as exc:
            raise Retryable(f"eSMS answered HTTP {exc.code}") from exc
        except TimeoutError as exc:
            raise Retryable("eSMS did not answer in time") from exc
        except urllib.error.URLError as exc:
            raise Retryable(f"eSMS unreachable: {exc.reason}") from exc
        except (OSError, ValueError) as exc:
            raise Retryable(f"eSMS answered something unreadable: {type(exc).__name__}") from exc
        if not isinstance(answer, dict):
            raise Retryable("eSMS answered something unreadable")
        code = str(answer.get("CodeResult", ""))
        if code == protocol.SUCCESS:
            return str(answer.get("SMSID", ""))
        if code == protocol.DUPLICATE_REQUEST:
            # An earlier attempt reached the gateway (its answer was lost): nothing more to send.
            return str(answer.get("SMSID", ""))
        reason = answer.get("ErrorMessage") or protocol.CODES.get(code) or answer.get("error") or "unknown"
        error = f"eSMS code {code or '?'}: {reason}"
        if code in protocol.RETRYABLE_CODES:
            raise Retryable(error)
        raise Permanent(error)

    def parse_report(self, params: Mapping[str, str]) -> Report:
        status = protocol.delivery_state(dict(params))
        error = ""
        if status == "failed":
            error = f"eSMS SendStatus {params.get('SendStatus', '')}, failed {params.get('SendFailed', '')}"
        return Report(provider_message_id=params.get("SMSID", ""), status=status, error=error, raw=dict(params))
