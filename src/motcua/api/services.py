"""The only writer of API tokens: issuing, revoking, and finding the officer behind a secret."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets

from django.utils import timezone

from motcua.core.text import nfc

from .models import ApiToken

PREFIX = "motcua_"
# Recording every use would add a write to every request; a minute is precise enough to audit.
LAST_USED_PRECISION = dt.timedelta(minutes=1)
_MAX_SECRET_LENGTH = 100


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def issue_token(user, name: str) -> str:
    """A new token for the officer; the secret is returned once and only its hash is stored."""
    name = nfc(name or "").strip()
    if not name:
        raise ValueError("Name the token after what uses it.")
    secret = PREFIX + secrets.token_urlsafe(32)
    ApiToken.objects.create(officer=user, name=name[:100], key_hash=hash_secret(secret), prefix=secret[:14])
    return secret


def revoke(token: ApiToken) -> None:
    ApiToken.objects.filter(pk=token.pk).update(revoked=True)


def officer_for(secret: str):
    """The active officer holding this secret, or None; one indexed look-up by the secret's hash.

    The hash is looked up, never the secret compared, so timing reveals nothing about the secret.
    """
    if not secret.startswith(PREFIX) or len(secret) > _MAX_SECRET_LENGTH:
        return None
    digest = hash_secret(secret)
    try:
        token = ApiToken.objects.select_related("officer").get(key_hash=digest, revoked=False, officer__is_active=True)
    except ApiToken.DoesNotExist:
        return None
    if not hmac.compare_digest(token.key_hash, digest):
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_PRECISION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.officer
