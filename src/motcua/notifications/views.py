"""The SMS gateway's delivery callback (public: the gateway calls it; a secret token in the URL
says it is the gateway we gave the URL to)."""

from __future__ import annotations

import hmac
import json

from django.http import Http404, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from . import conf, services


@csrf_exempt
@require_http_methods(["GET", "POST"])
def esms_report(request, token: str):
    if not hmac.compare_digest(token.encode(), conf.callback_token().encode()):
        raise Http404
    # eSMS calls with a GET query; some accounts are set to POST a form or JSON instead.
    params = dict(request.GET.items())
    if request.method == "POST":
        if request.content_type == "application/json":
            try:
                body = json.loads(request.body or b"{}")
            except ValueError:
                body = {}
            params.update({k: str(v) for k, v in (body if isinstance(body, dict) else {}).items()})
        else:
            params.update(request.POST.items())
    outcome = services.record_report("sms", params)
    return HttpResponse(json.dumps({"result": outcome}), content_type="application/json")
