"""The embedded defaults: SQLite, local files, one machine. Used by bin/demo."""

import os

from .base import *  # noqa: F403
from .base import SECRET_KEY

DEBUG = False
SECRET_KEY = SECRET_KEY or "motcua-demo-only-not-secret"
ALLOWED_HOSTS = ["localhost", "127.0.0.1", "[::1]"]
# E-mail goes to the message simulator's SMTP server (its inbox is at http://localhost:8781/),
# SMS to its eSMS gateway (ESMS_URL's default in base).
MAILERS = {
    "default": {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {
            "host": os.environ.get("EMAIL_HOST", "127.0.0.1"),
            "port": int(os.environ.get("EMAIL_PORT", "8025")),
            "timeout": 10,
        },
    }
}
# The national identity provider simulator started by `manage.py serve` (docs/portal-accounts.md).
MOTCUA_OIDC_ISSUER = os.environ.get("MOTCUA_OIDC_ISSUER", "http://127.0.0.1:8782")
MOTCUA_OIDC_CLIENT_ID = os.environ.get("MOTCUA_OIDC_CLIENT_ID", "motcua-demo")
MOTCUA_OIDC_CLIENT_SECRET = os.environ.get("MOTCUA_OIDC_CLIENT_SECRET", "motcua-demo-secret")
