"""The content-addressed file store: `put` keeps bytes once under their SHA-256, `read` gives them
back after checking they are still the same, `verify` checks a stored file without reading it
into the caller. Nothing is ever overwritten: the same bytes put twice are one blob.

Files go through Django's storage API (`STORAGES["default"]`): a local folder by default,
S3-compatible object storage in production (django-storages).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import F, Max, Q
from django.utils import timezone

from .models import Blob, Document, DocumentVersion

log = logging.getLogger("motcua.documents")

EXTENSIONS = {"application/pdf": "pdf", "image/png": "png", "image/jpeg": "jpg", "text/plain": "txt"}


class Corrupted(Exception):
    """The stored bytes no longer match their hash."""


def name_for(sha256: str, content_type: str) -> str:
    extension = EXTENSIONS.get(content_type, "bin")
    return f"blobs/{sha256[:2]}/{sha256[2:4]}/{sha256}.{extension}"


def put(content: bytes, content_type: str) -> Blob:
    """Keep `content` (once) and return its blob. Safe when two requests put the same bytes: the
    file is written only if absent, and the row is inserted unless it already exists."""
    sha256 = hashlib.sha256(content).hexdigest()
    existing = Blob.objects.filter(pk=sha256).first()
    if existing is not None:
        return existing
    name = name_for(sha256, content_type)
    if not default_storage.exists(name):
        saved = default_storage.save(name, ContentFile(content))
        if saved != name:  # another writer stored the same bytes a moment ago: keep one copy
            default_storage.delete(saved)
    blob = Blob(sha256=sha256, size=len(content), content_type=content_type, name=name, created_at=timezone.now())
    # One statement, no savepoint; a row put meanwhile by another writer names the same bytes.
    Blob.objects.bulk_create([blob], ignore_conflicts=True)
    return blob


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


# -- documents and their versions -----------------------------------------------------------------


def _blob(content: bytes | Blob, content_type: str) -> Blob:
    return content if isinstance(content, Blob) else put(content, content_type)


def new_document(content: bytes | Blob, content_type: str = "", *, kind: str, title: str, by=None, note="", **owner):
    """A document with its first version. `owner`: owner_id_number, owner_account, owner_tax_code,
    and where it came from: required_document(_id), source_dossier(_id)."""
    return new_documents([(_blob(content, content_type), {"kind": kind, "title": title, **owner})], by=by, note=note)[0]


def new_documents(items: list[tuple[Blob, dict]], *, by=None, note="") -> list[Document]:
    """Several documents with their first versions in two statements: (blob, Document fields)."""
    with transaction.atomic(savepoint=False):  # inside the caller's transaction: no savepoint
        documents = Document.objects.bulk_create([Document(**fields) for _blob_, fields in items])
        DocumentVersion.objects.bulk_create(
            DocumentVersion(document=d, blob=blob, number=1, created_by=by, note=note)
            for d, (blob, _fields) in zip(documents, items, strict=True)
        )
    return documents


def add_version(
    document: Document, content: bytes | Blob, content_type: str = "", *, by=None, note=""
) -> DocumentVersion:
    """A new version of the document; the earlier ones stay as they were."""
    blob = _blob(content, content_type)
    with transaction.atomic():
        Document.objects.select_for_update().filter(pk=document.pk).first()
        last = document.versions.aggregate(last=Max("number"))["last"] or 0
        return DocumentVersion.objects.create(document=document, blob=blob, number=last + 1, created_by=by, note=note)


# -- the integrity check ---------------------------------------------------------------------------


def check_due(*, limit: int | None = None, again_after: dt.timedelta | None = None) -> list[str]:
    """Read again the blobs not checked for a while (never checked first) and record the outcome.
    Returns the hashes that failed; each failure is logged as an error and shown in the admin.
    Defaults: MOTCUA_BLOB_CHECK_BATCH files, not checked for MOTCUA_BLOB_CHECK_DAYS days."""
    limit = limit or settings.MOTCUA_BLOB_CHECK_BATCH
    again_after = again_after or dt.timedelta(days=settings.MOTCUA_BLOB_CHECK_DAYS)
    now = timezone.now()
    due = Blob.objects.filter(Q(checked_at__isnull=True) | Q(checked_at__lt=now - again_after))
    failed = []
    for blob in due.order_by(F("checked_at").asc(nulls_first=True), "created_at")[:limit]:
        intact = verify(blob)
        Blob.objects.filter(pk=blob.pk).update(checked_at=now, intact=intact)
        if not intact:
            failed.append(blob.sha256)
            log.error("Stored file %s (%s) is missing or no longer matches its hash.", blob.sha256, blob.name)
    return failed
