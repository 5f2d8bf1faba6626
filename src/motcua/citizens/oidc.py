"""The OpenID Connect client for the national identity provider (VNeID or any conformant
provider): authorization code flow with PKCE (S256), state and nonce; the ID token is checked
against the provider's published keys (RS256), its issuer, audience, expiry and nonce; the
person's details come from the userinfo endpoint.

These calls are synchronous because the person is waiting for them: they read, they change
nothing outside the database.
"""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import hashlib
import json
import secrets
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

import jwt
from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext as _

from motcua.core.errors import ActionError

from .services import Identity

SESSION_KEY = "citizens_oidc"
FLOW_SECONDS = 10 * 60  # how long a started login may take at the provider


class LoginFailed(ActionError):
    """The provider's answer cannot be trusted or the flow was broken; nothing was changed."""

    status = 400


@dataclass(frozen=True)
class Config:
    issuer: str
    client_id: str
    client_secret: str
    scopes: str
    token_auth: str
    timeout: float


def config() -> Config | None:
    """The configured provider, or None when the portal has none (the button is hidden)."""
    if not (settings.MOTCUA_OIDC_ISSUER and settings.MOTCUA_OIDC_CLIENT_ID):
        return None
    return Config(
        issuer=settings.MOTCUA_OIDC_ISSUER.rstrip("/"),
        client_id=settings.MOTCUA_OIDC_CLIENT_ID,
        client_secret=settings.MOTCUA_OIDC_CLIENT_SECRET,
        scopes=settings.MOTCUA_OIDC_SCOPES,
        token_auth=settings.MOTCUA_OIDC_TOKEN_AUTH,
        timeout=settings.MOTCUA_OIDC_TIMEOUT,
    )


def _fetch(url: str, cfg: Config, *, data: dict | None = None, headers: dict | None = None) -> dict:
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    request = urllib.request.Request(url, data=body, headers={"Accept": "application/json", **(headers or {})})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=cfg.timeout) as response:  # noqa: S310
            payload = json.loads(response.read().decode("utf-8"))
    except urllib.error.HTTPError as exc:
        raise LoginFailed(
            _("The identity provider refused the login (HTTP %(status)s).") % {"status": exc.code}
        ) from None
    except (urllib.error.URLError, OSError, ValueError):
        raise LoginFailed(_("The identity provider cannot be reached now. Please try again later.")) from None
    if not isinstance(payload, dict):
        raise LoginFailed(_("The identity provider sent an answer that cannot be read."))
    return payload


def discovery(cfg: Config) -> dict:
    """The provider's metadata (/.well-known/openid-configuration), cached for an hour."""
    key = f"motcua:oidc:discovery:{hashlib.sha256(cfg.issuer.encode()).hexdigest()[:16]}"
    meta = cache.get(key)
    if meta is None:
        meta = _fetch(f"{cfg.issuer}/.well-known/openid-configuration", cfg)
        if meta.get("issuer", "").rstrip("/") != cfg.issuer:
            raise LoginFailed(_("The identity provider's configuration does not match its address."))
        cache.set(key, meta, 3600)
    return meta


def _keys(cfg: Config, meta: dict, *, refresh: bool = False) -> dict:
    key = f"motcua:oidc:jwks:{hashlib.sha256(meta['jwks_uri'].encode()).hexdigest()[:16]}"
    jwks = None if refresh else cache.get(key)
    if jwks is None:
        jwks = _fetch(meta["jwks_uri"], cfg)
        cache.set(key, jwks, 3600)
    return jwks


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def start(session, redirect_uri: str, *, next_url: str = "", intent: str = "login") -> str:
    """Remember state, nonce and PKCE verifier in the session; the URL to send the browser to."""
    cfg = config()
    if cfg is None:
        raise LoginFailed(_("Login with the electronic identity is not available."))
    meta = discovery(cfg)
    state, nonce, verifier = secrets.token_urlsafe(24), secrets.token_urlsafe(24), secrets.token_urlsafe(48)
    session[SESSION_KEY] = {
        "state": state,
        "nonce": nonce,
        "verifier": verifier,
        "redirect_uri": redirect_uri,
        "next": next_url,
        "intent": intent,
        "started": time.time(),
    }
    query = {
        "response_type": "code",
        "client_id": cfg.client_id,
        "redirect_uri": redirect_uri,
        "scope": cfg.scopes,
        "state": state,
        "nonce": nonce,
        "code_challenge": _b64(hashlib.sha256(verifier.encode("ascii")).digest()),
        "code_challenge_method": "S256",
    }
    endpoint = meta["authorization_endpoint"]
    return f"{endpoint}{'&' if '?' in endpoint else '?'}{urllib.parse.urlencode(query)}"


def finish(session, params: dict) -> tuple[Identity, dict]:
    """Check the callback, trade the code for tokens, verify the ID token, read userinfo.

    The flow in the session is used once, whatever happens."""
    flow = session.pop(SESSION_KEY, None)
    cfg = config()
    if cfg is None or not flow or time.time() - flow.get("started", 0) > FLOW_SECONDS:
        raise LoginFailed(_("This login has expired. Please start again."))
    if not secrets.compare_digest(str(params.get("state", "")), flow["state"]):
        raise LoginFailed(_("This login could not be checked (wrong state). Please start again."))
    if params.get("error"):
        if params["error"] == "access_denied":
            raise LoginFailed(_("You cancelled the login at the identity provider."))
        raise LoginFailed(_("The identity provider refused the login (%(error)s).") % {"error": params["error"][:60]})
    if not params.get("code"):
        raise LoginFailed(_("This login could not be checked. Please start again."))
    meta = discovery(cfg)
    form = {
        "grant_type": "authorization_code",
        "code": params["code"],
        "redirect_uri": flow["redirect_uri"],
        "code_verifier": flow["verifier"],
    }
    headers = {}
    if cfg.token_auth == "client_secret_post":  # noqa: S105 — a method's name
        form.update(client_id=cfg.client_id, client_secret=cfg.client_secret)
    else:
        pair = f"{urllib.parse.quote(cfg.client_id, safe='')}:{urllib.parse.quote(cfg.client_secret, safe='')}"
        headers["Authorization"] = "Basic " + base64.b64encode(pair.encode()).decode("ascii")
    tokens = _fetch(meta["token_endpoint"], cfg, data=form, headers=headers)
    if not tokens.get("id_token") or not tokens.get("access_token"):
        raise LoginFailed(_("The identity provider sent an answer that cannot be read."))
    claims = verify_id_token(tokens["id_token"], cfg, meta, nonce=flow["nonce"])
    info = _fetch(meta["userinfo_endpoint"], cfg, headers={"Authorization": f"Bearer {tokens['access_token']}"})
    if info.get("sub") != claims["sub"]:
        raise LoginFailed(_("The identity provider's answers do not match."))
    return identity_from({**claims, **info}), flow


def verify_id_token(token: str, cfg: Config, meta: dict, *, nonce: str) -> dict:
    """The ID token's claims, if its RS256 signature is by one of the provider's published keys
    and it was issued by the provider, for us, for this login, and is still valid."""
    try:
        kid = jwt.get_unverified_header(token).get("kid")
    except jwt.PyJWTError:
        raise LoginFailed(_("The identity token cannot be read.")) from None
    key = _key_for(kid, cfg, meta)
    try:
        claims = jwt.decode(
            token,
            key,
            algorithms=["RS256"],
            audience=cfg.client_id,
            issuer=meta["issuer"],
            leeway=60,
            options={"require": ["exp", "iat", "iss", "aud", "sub", "nonce"]},
        )
    except jwt.ExpiredSignatureError:
        raise LoginFailed(_("The identity token has expired. Please start again.")) from None
    except jwt.InvalidSignatureError:
        raise LoginFailed(_("The identity token's signature is not valid.")) from None
    except jwt.PyJWTError as exc:
        raise LoginFailed(_("The identity token is not valid (%(reason)s).") % {"reason": str(exc)[:80]}) from None
    if not secrets.compare_digest(str(claims.get("nonce", "")), nonce):
        raise LoginFailed(_("The identity token was not issued for this login (wrong nonce)."))
    return claims


def _key_for(kid: str | None, cfg: Config, meta: dict):
    for refresh in (False, True):  # a key not in the cached set: the provider may have rotated
        for jwk in _keys(cfg, meta, refresh=refresh).get("keys", []):
            if jwk.get("kty") == "RSA" and (kid is None or jwk.get("kid") == kid):
                return jwt.algorithms.RSAAlgorithm.from_jwk(jwk)
    raise LoginFailed(_("The identity token's signature is not valid."))


def identity_from(claims: dict) -> Identity:
    """Map standard and configured claims to the profile's fields."""
    address = claims.get("address") or ""
    if isinstance(address, dict):
        address = address.get("formatted") or ", ".join(
            str(address[k]) for k in ("street_address", "locality", "region") if address.get(k)
        )
    born = None
    with contextlib.suppress(ValueError):
        born = dt.date.fromisoformat(str(claims.get("birthdate", "")))
    organisations = claims.get(settings.MOTCUA_OIDC_CLAIM_ORGANISATIONS) or []
    return Identity(
        subject=str(claims["sub"]),
        full_name=str(claims.get("name") or ""),
        id_number=str(claims.get(settings.MOTCUA_OIDC_CLAIM_ID_NUMBER) or ""),
        birth_date=born,
        phone=str(claims.get("phone_number") or ""),
        email=str(claims.get("email") or "") if claims.get("email_verified", True) else "",
        address=str(address),
        organisations=organisations if isinstance(organisations, list) else [],
    )
