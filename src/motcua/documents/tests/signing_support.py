"""A test certificate authority made in the tests, and signing keys for the test officers."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from weasyprint import HTML

from motcua.documents.models import SigningKey, TrustedRoot
from motcua.documents.signing import ca, registry

UTC = dt.UTC
FROM, TO = dt.datetime(2025, 1, 1, tzinfo=UTC), dt.datetime(2030, 1, 1, tzinfo=UTC)


class Authority:
    def __init__(self, folder: Path, name: str = "Test Root CA") -> None:
        self.folder = folder
        self.root = ca.make_root(name, not_before=FROM, not_after=TO)

    def trust(self) -> TrustedRoot:
        return TrustedRoot.objects.create(name="test root", certificate_pem=self.root.pem.decode())

    def key_file(self, common_name: str, *, not_before=FROM, not_after=TO, passphrase: str = "secret") -> Path:  # noqa: S107
        issued = ca.make_signer(self.root, common_name, not_before=not_before, not_after=not_after)
        path = self.folder / f"{abs(hash((common_name, not_before)))}.p12"
        path.write_bytes(ca.pkcs12_bytes(issued, [self.root], passphrase.encode()))
        return path

    def signer(self, common_name: str = "Phạm Quốc Hùng", **kwargs):
        return registry.create("pkcs12", {"path": str(self.key_file(common_name, **kwargs)), "passphrase": "secret"})

    def give_key(self, officer, common_name: str, **kwargs) -> SigningKey:
        path = self.key_file(common_name, **kwargs)
        return SigningKey.objects.create(
            officer=officer,
            plugin="pkcs12",
            config={"path": str(path), "passphrase": "secret"},
            subject=f"CN={common_name}",
            valid_from=kwargs.get("not_before", FROM),
            valid_to=kwargs.get("not_after", TO),
        )


@pytest.fixture
def test_ca(tmp_path) -> Authority:
    return Authority(tmp_path)


def plain_pdf(text: str = "Quyết định cấp giấy phép cho bà Nguyễn Thị Lan") -> bytes:
    return HTML(string=f"<h1>Quyết định</h1><p>{text}</p>").write_pdf()
