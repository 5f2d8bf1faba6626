"""A key in a PKCS#12 file (.p12/.pfx): the demo's and the tests' keys.

Configuration: ``path`` (the file) and one of ``passphrase_env`` (the name of the environment
variable holding the passphrase: the way to configure a real key), ``passphrase_file`` (a file
readable only by motcua, as the demo keys have) or ``passphrase`` (tests only).
"""

from __future__ import annotations

import os
from functools import cached_property

from pyhanko.sign import signers

from motcua.documents.signing.base import Signer, SigningUnavailable
from motcua.documents.signing.registry import register


@register
class Pkcs12Signer(Signer):
    identifier = "pkcs12"
    label = "PKCS#12 key file"

    def _passphrase(self) -> bytes | None:
        if env := self.config.get("passphrase_env"):
            value = os.environ.get(env)
            if value is None:
                raise SigningUnavailable(f"The environment variable {env} is not set.")
            return value.encode()
        if path := self.config.get("passphrase_file"):
            try:
                with open(path, "rb") as handle:
                    return handle.read().strip()
            except OSError as exc:
                raise SigningUnavailable(f"The passphrase file {path!r} cannot be read.") from exc
        value = self.config.get("passphrase")
        return value.encode() if value else None

    @cached_property
    def _signer(self) -> signers.SimpleSigner:
        path = self.config.get("path", "")
        if not path or not os.path.exists(path):
            raise SigningUnavailable(f"The key file {path!r} does not exist.")
        signer = signers.SimpleSigner.load_pkcs12(path, passphrase=self._passphrase())
        if signer is None:
            raise SigningUnavailable(f"The key file {path!r} could not be opened (wrong passphrase?).")
        return signer

    def pyhanko_signer(self) -> signers.Signer:
        return self._signer
