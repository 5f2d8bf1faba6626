"""The embedded defaults: SQLite, local files, one machine. Used by bin/demo."""

from .base import *  # noqa: F403
from .base import SECRET_KEY, VAR_DIR

DEBUG = False
SECRET_KEY = SECRET_KEY or "motcua-demo-only-not-secret"
ALLOWED_HOSTS = ["localhost", "127.0.0.1", "[::1]"]
# Messages are written to var/mail/ instead of being sent.
MAILERS = {
    "default": {
        "BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "OPTIONS": {"file_path": VAR_DIR / "mail"},
    }
}
