"""The content-addressed store: the same bytes are kept once and never overwritten, a changed
file is detected (by `read`, `verify` and the periodic check), documents keep all their versions,
and a dossier's components go through the store, never half-stored."""

import datetime as dt
import logging
import os

import pytest
from django.core.files.storage import default_storage
from django.utils import timezone

from motcua.documents import store
from motcua.documents.models import Blob, Document, DocumentVersion
from motcua.dossiers.models import Dossier, DossierDocument
from motcua.dossiers.services import Upload
from motcua.dossiers.tests.conftest import PDF

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _folder(settings, tmp_path):
    """A local folder, as in production without S3, so that a file can be changed behind our back."""
    local = {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path)}}
    settings.STORAGES = {**settings.STORAGES, "default": local}


def _spoil(blob: Blob) -> None:
    with open(default_storage.path(blob.name), "wb") as handle:
        handle.write(b"%PDF-1.4 changed behind our back")


def test_the_same_bytes_are_kept_once():
    first = store.put(PDF, "application/pdf")
    again = store.put(PDF, "application/pdf")
    assert first.pk == again.pk and Blob.objects.count() == 1
    assert first.name.endswith(f"{first.sha256}.pdf") and first.size == len(PDF)
    assert len(os.listdir(os.path.dirname(default_storage.path(first.name)))) == 1
    assert store.read(first) == PDF and store.read(first.sha256) == PDF


def test_a_stored_file_is_never_overwritten_and_a_change_is_detected(caplog):
    blob = store.put(PDF, "application/pdf")
    _spoil(blob)
    store.put(PDF, "application/pdf")  # putting the same bytes again repairs nothing silently
    with pytest.raises(store.Corrupted):
        store.read(blob)
    assert store.verify(blob) is False
    sound = store.put(b"%PDF-1.4 another file", "application/pdf")
    with caplog.at_level(logging.ERROR, logger="motcua.documents"):
        failed = store.check_due()
    assert failed == [blob.sha256]
    assert blob.sha256 in caplog.text
    assert Blob.objects.get(pk=blob.pk).intact is False
    assert Blob.objects.get(pk=sound.pk).intact is True and Blob.objects.get(pk=sound.pk).checked_at is not None
    # Checked a moment ago: not read again until the interval has passed.
    assert store.check_due() == []


def test_a_missing_file_fails_the_check():
    blob = store.put(PDF, "application/pdf")
    default_storage.delete(blob.name)
    assert store.verify(blob) is False
    assert store.check_due() == [blob.sha256]


def test_a_new_version_never_replaces_an_old_one(django_user_model):
    officer = django_user_model.objects.create_user("tiepnhan")
    document = store.new_document(
        PDF, "application/pdf", kind=Document.Kind.COMPONENT, title="Tờ khai", owner_id_number="042190000123"
    )
    second = store.add_version(document, PDF + b"v2", "application/pdf", by=officer, note="Bản ký số")
    assert [v.number for v in document.versions.all()] == [1, 2]
    first = document.versions.get(number=1)
    assert store.read(first.blob) == PDF and store.read(second.blob) == PDF + b"v2"
    assert document.current == second and second.created_by == officer
    with pytest.raises(Exception):  # noqa: B017 — the number is unique per document
        DocumentVersion.objects.create(document=document, blob=first.blob, number=2)


def test_counter_components_go_through_the_store(receive, officers):
    dossier = receive()
    component = dossier.documents.get()
    assert component.blob is not None and component.file.name == component.blob.name
    assert component.file.read() == PDF and store.read(component.blob) == PDF
    document = component.document
    assert (document.kind, document.title, document.owner_id_number, document.source_dossier) == (
        "component",
        "Dự thảo hợp đồng",
        "042190000123",
        dossier,
    )
    version = document.versions.get()
    assert (version.number, version.blob, version.created_by) == (1, component.blob, officers["receptionist"])


def test_nothing_is_half_stored_when_the_transaction_fails(receive, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(DossierDocument.objects, "bulk_create", broken)
    with pytest.raises(RuntimeError):
        receive(documents=[Upload(name="Tờ khai", form="original", filename="a.pdf", content=PDF + b"x")])
    assert not Dossier.objects.exists()
    assert not Document.objects.exists() and not DocumentVersion.objects.exists()
    assert not DossierDocument.objects.exists()


def test_the_check_reads_never_checked_files_first_a_batch_at_a_time():
    old = store.put(PDF, "application/pdf")
    store.check_due()
    Blob.objects.filter(pk=old.pk).update(checked_at=timezone.now() - dt.timedelta(days=30))
    new = store.put(PDF + b"new", "application/pdf")
    store.check_due(limit=1)
    assert Blob.objects.get(pk=new.pk).checked_at is not None
    assert Blob.objects.get(pk=old.pk).checked_at < timezone.now() - dt.timedelta(days=29)
    store.check_due(limit=1)
    assert Blob.objects.get(pk=old.pk).checked_at > timezone.now() - dt.timedelta(days=1)
