"""Gateway callbacks answered ahead of Django's request stack (ADR 0010).

VNPay's IPN is a server-to-server GET: no session, cookie, CSRF token, language, user or page. Every
online payment ends with one, and a gateway retries and replays them, so this WSGI layer sends the
callback URL straight to `services.handle_callback` — the same function the Django view calls —
and everything else to Django. It keeps what Django's handler does around a request that matters
here: the `request_started` / `request_finished` signals (which close stale database connections)
the language (Vietnamese, as the locale middleware gives a request without a language cookie: the
notes written on the control slip are in it, whatever the thread served before) and the view's
headers (JSON, never cached). A POST, an over-long query or anything unusual goes
to the Django view unchanged.
"""

from __future__ import annotations

import json
from urllib.parse import parse_qsl

from django.conf import settings
from django.core import signals
from django.urls import get_script_prefix, reverse
from django.utils import translation

from . import services

MAX_FIELDS = 100  # VNPay sends 13; Django's own limit answers a flood with 400
MAX_QUERY = 8192
HEADERS = [
    ("Content-Type", "application/json"),
    ("Cache-Control", "max-age=0, no-cache, no-store, must-revalidate, private"),
    ("X-Content-Type-Options", "nosniff"),
]


class GatewayCallbacks:
    """WSGI middleware: GET on a gateway's callback URL goes to `services.handle_callback`."""

    def __init__(self, django_application):
        self.django = django_application
        self._routes: dict[str, str] | None = None

    def routes(self) -> dict[str, str]:
        """Callback path → gateway, from the URLconf (so the path is written in one place), as
        PATH_INFO carries it: without the script prefix of a deployment under a sub-path."""
        if self._routes is None:
            prefix = get_script_prefix()
            self._routes = {"/" + reverse("payments:vnpay_ipn").removeprefix(prefix): "vnpay"}
        return self._routes

    def __call__(self, environ, start_response):
        gateway = self.routes().get(environ.get("PATH_INFO", "")) if environ.get("REQUEST_METHOD") == "GET" else None
        query = environ.get("QUERY_STRING", "")
        if gateway is None or len(query) > MAX_QUERY:
            return self.django(environ, start_response)
        try:
            params = dict(parse_qsl(query, keep_blank_values=True, max_num_fields=MAX_FIELDS, errors="replace"))
        except ValueError:
            return self.django(environ, start_response)
        signals.request_started.send(sender=self.__class__, environ=environ)
        try:
            with translation.override(settings.LANGUAGE_CODE):
                _outcome, reply = services.handle_callback(gateway, params)
        finally:
            signals.request_finished.send(sender=self.__class__)
        body = json.dumps(reply).encode()
        start_response("200 OK", [*HEADERS, ("Content-Length", str(len(body)))])
        return [body]
