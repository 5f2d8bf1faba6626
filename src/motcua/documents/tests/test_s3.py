"""The store against a local S3 server (moto speaking the S3 protocol over HTTP): the production
configuration, with django-storages' S3 backend pointed at it."""

import socket
import urllib.request

import boto3
import pytest
from django.core.files.storage import default_storage

from motcua.documents import store
from motcua.dossiers.tests.conftest import PDF

pytestmark = pytest.mark.django_db
BUCKET = "motcua-test"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def s3(settings, monkeypatch):
    from moto.server import ThreadedMotoServer

    for name in ("AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE"):
        monkeypatch.setenv(name, "/nonexistent")
    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    options = {"access_key": "test", "secret_key": "test", "region_name": "us-east-1", "endpoint_url": endpoint}
    client = boto3.client(
        "s3",
        endpoint_url=endpoint,
        aws_access_key_id="test",
        aws_secret_access_key="test",
        region_name="us-east-1",
    )
    # The server keeps its objects for the whole process: start each test with an empty one.
    urllib.request.urlopen(urllib.request.Request(f"{endpoint}/moto-api/reset", method="POST"), timeout=5)  # noqa: S310
    client.create_bucket(Bucket=BUCKET)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {**options, "bucket_name": BUCKET, "file_overwrite": False, "default_acl": None},
        },
    }
    yield client
    server.stop()


def test_put_read_verify_on_s3(s3):
    blob = store.put(PDF, "application/pdf")
    assert store.put(PDF, "application/pdf").pk == blob.pk
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket=BUCKET)["Contents"]]
    assert keys == [blob.name]
    assert s3.get_object(Bucket=BUCKET, Key=blob.name)["Body"].read() == PDF
    assert store.read(blob) == PDF and store.verify(blob)
    # Someone changes the object in the bucket: detected, and reported by the periodic check.
    s3.put_object(Bucket=BUCKET, Key=blob.name, Body=b"%PDF-1.4 tampered")
    assert store.verify(blob) is False
    assert store.check_due() == [blob.sha256]


def test_a_dossier_upload_round_trip_through_s3(s3, receive):
    dossier = receive()
    component = dossier.documents.get()
    assert default_storage.exists(component.blob.name)
    assert s3.get_object(Bucket=BUCKET, Key=component.blob.name)["Body"].read() == PDF
    # The page that serves the file reads the same object.
    with component.file.open("rb") as handle:
        assert handle.read() == PDF
    assert store.read(component.document.current.blob) == PDF
