"""The content-addressed file store: `put` keeps bytes once under their SHA-256, `read` gives them
back after checking they are still the same, `verify` checks a stored file without reading it
into the caller. Nothing is ever overwritten: the same bytes put twice are one blob.

Files go through Django's storage API (`STORAGES["default"]`): a local folder by default,
S3-compatible object storage in production (django-storages).
"""

from __future__ import annotations

import hashlib

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction

from .models import Blob

EXTENSIONS = {"application/pdf": "pdf", "image/png": "png", "image/jpeg": "jpg", "text/plain": "txt"}


class Corrupted(Exception):
    """The stored bytes no longer match their hash."""


def name_for(sha256: str, content_type: str) -> str:
    extension = EXTENSIONS.get(content_type, "bin")
    return f"blobs/{sha256[:2]}/{sha256[2:4]}/{sha256}.{extension}"


def put(content: bytes, content_type: str) -> Blob:
    """Keep `content` (once) and return its blob. Safe when two requests put the same bytes."""
    sha256 = hashlib.sha256(content).hexdigest()
    existing = Blob.objects.filter(pk=sha256).first()
    if existing is not None:
        return existing
    name = name_for(sha256, content_type)
    if not default_storage.exists(name):
        saved = default_storage.save(name, ContentFile(content))
        if saved != name:  # another writer stored the same bytes a moment ago: keep one copy
            default_storage.delete(saved)
    try:
        with transaction.atomic():
            return Blob.objects.create(sha256=sha256, size=len(content), content_type=content_type, name=name)
    except IntegrityError:
        return Blob.objects.get(pk=sha256)


def read(blob: Blob | str) -> bytes:
    """The blob's bytes, checked against its hash."""
    blob = blob if isinstance(blob, Blob) else Blob.objects.get(pk=blob)
    with default_storage.open(blob.name, "rb") as handle:
        content = handle.read()
    if hashlib.sha256(content).hexdigest() != blob.sha256:
        raise Corrupted(blob.sha256)
    return content


def verify(blob: Blob | str) -> bool:
    """Whether the stored file is still exactly the bytes it was stored as."""
    try:
        read(blob)
    except (Corrupted, FileNotFoundError, OSError):
        return False
    return True
