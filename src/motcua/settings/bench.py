"""Benchmarks: production settings (DEBUG off, PostgreSQL from DATABASE_URL, persistent
connections) served over plain HTTP on 127.0.0.1, with a throw-away secret."""

import os

os.environ.setdefault("SECRET_KEY", "motcua-bench-only-" + "x" * 32)
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")

from .production import *  # noqa: F403

SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
# Refusals (4xx) are part of some runs; logging each one would measure the console.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "ERROR"},
}
