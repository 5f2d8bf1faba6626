"""WSGI entry point (granian --interface wsgi motcua.wsgi:application): Django, with the payment
gateways' callbacks answered ahead of its request stack (motcua.payments.callbacks, ADR 0010)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings.production")
django_application = get_wsgi_application()

from motcua.payments.callbacks import GatewayCallbacks  # noqa: E402 — needs Django set up

application = GatewayCallbacks(django_application)
