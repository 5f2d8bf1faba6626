"""The interface every signing-key plugin implements (khóa ký số).

A plugin turns a stored configuration (a `SigningKey` row: which plugin, its settings) into a
pyHanko signer: the object that holds, or can reach, the private key and gives back raw
signatures over the digest pyHanko computes. pyHanko builds the CMS signature, the PAdES
attributes and the visible stamp the same way whatever the key: `signing.sign_pdf` does that.

Shipped: `contrib/pkcs12` (a key file, PKCS#12, with its passphrase in an environment variable),
used by the demo and the tests. Production options that implement the same `Signer` interface:

- a PKCS#11 token or HSM (USB token issued by the Government Cipher Committee's CA, or a network
  HSM): `pyhanko.sign.pkcs11.PKCS11Signer` opened from the module path, token label, key and
  certificate labels and a PIN read from the environment;
- a remote signing service (the Government Cipher Committee's remote signing, a cloud HSM):
  a `pyhanko.sign.signers.Signer` subclass whose `async_sign_raw` sends the digest to the service
  over HTTPS and returns the signature, with the certificate chain fetched from the service.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from asn1crypto import x509
from pyhanko.sign import signers


class SigningUnavailable(Exception):
    """The key cannot be used now (file missing, wrong passphrase, token absent, service down)."""


class Signer:
    """A signing key as motcua sees it. Subclasses register with `registry.register`."""

    identifier: ClassVar[str]
    label: ClassVar[str]

    def __init__(self, config: Mapping[str, Any]) -> None:
        self.config = dict(config)

    def pyhanko_signer(self) -> signers.Signer:
        """The pyHanko signer holding the key and its certificate chain."""
        raise NotImplementedError

    @property
    def certificate(self) -> x509.Certificate:
        return self.pyhanko_signer().signing_cert
