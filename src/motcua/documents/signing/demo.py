"""The demo's certificate authority and keys, made on this machine (never committed).

`make_demo_keys` writes into MOTCUA_DEMO_KEYS_DIR a root CA (root.pem and its key) and for each
demo officer who exists (the leader `lanhdao`, the receptionist `tiepnhan`) a PKCS#12 key with a
random passphrase in a file beside it; it registers the keys (`SigningKey`) and trusts the root
(`TrustedRoot` "motcua demo root"). Run again, it keeps the root and the keys still valid.
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction

from motcua.core import clock
from motcua.documents.models import SigningKey, TrustedRoot

from . import ca

ROOT_NAME = "motcua demo root"
DEMO_OFFICERS = ("lanhdao", "tiepnhan")


def _write(path: Path, content: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(content)


def _root(folder: Path) -> ca.Issued:
    cert_path, key_path = folder / "root.pem", folder / "root.key.pem"
    if cert_path.exists() and key_path.exists():
        key = serialization.load_pem_private_key(key_path.read_bytes(), password=None)
        return ca.Issued(key, x509.load_pem_x509_certificate(cert_path.read_bytes()))
    now = clock.now()
    root = ca.make_root(
        "motcua Demo Root CA", not_before=now - dt.timedelta(days=1), not_after=now + dt.timedelta(days=3650)
    )
    _write(
        key_path,
        root.key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        ),
    )
    _write(cert_path, root.pem)
    return root


def _display_name(user) -> str:
    return " ".join(part for part in (user.last_name, user.first_name) if part).strip() or user.username


@transaction.atomic
def make_demo_keys(folder: Path | None = None, usernames=DEMO_OFFICERS) -> list[SigningKey]:
    folder = Path(folder or settings.MOTCUA_DEMO_KEYS_DIR)
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    root = _root(folder)
    TrustedRoot.objects.update_or_create(
        name=ROOT_NAME, defaults={"certificate_pem": root.pem.decode(), "active": True}
    )
    now = clock.now()
    made = []
    for user in get_user_model().objects.filter(username__in=usernames):
        current = SigningKey.objects.filter(officer=user, active=True, valid_to__gt=now + dt.timedelta(days=30)).first()
        if current is not None and Path(current.config.get("path", "")).exists():
            continue  # keep a key made earlier
        issued = ca.make_signer(
            root, _display_name(user), not_before=now - dt.timedelta(hours=1), not_after=now + dt.timedelta(days=730)
        )
        passphrase = secrets.token_urlsafe(16)
        key_path, pass_path = folder / f"{user.username}.p12", folder / f"{user.username}.pass"
        _write(key_path, ca.pkcs12_bytes(issued, [root], passphrase.encode(), user.username))
        _write(pass_path, passphrase.encode())
        SigningKey.objects.filter(officer=user, active=True).update(active=False)
        made.append(
            SigningKey.objects.create(
                officer=user,
                plugin="pkcs12",
                config={"path": str(key_path), "passphrase_file": str(pass_path)},
                subject=issued.certificate.subject.rfc4514_string(),
                valid_from=issued.certificate.not_valid_before_utc,
                valid_to=issued.certificate.not_valid_after_utc,
            )
        )
    return made
