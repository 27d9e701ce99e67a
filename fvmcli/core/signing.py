"""Device keys for bundles: Ed25519 key pairs, signatures over a bundle's canonical content,
and the fingerprint a lead trusts."""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass

from fvmcli.i18n import _

PREFIX = "ed25519:"


@dataclass(frozen=True)
class KeyPair:
    private_pem: bytes
    public: str  # "ed25519:<base64 of the 32 raw bytes>"


def generate() -> KeyPair:
    """Return a new Ed25519 key pair: the private key as PEM, the public key as text."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return KeyPair(pem, public_text(key.public_key().public_bytes_raw()))


def public_text(raw: bytes) -> str:
    """Return the text form of a raw public key."""
    return PREFIX + base64.b64encode(raw).decode("ascii")


def public_raw(text: str) -> bytes:
    """Return the raw public key of its text form; ValueError when it is not one."""
    if not text.startswith(PREFIX):
        raise ValueError(_("not an ed25519 public key"))
    try:
        raw = base64.b64decode(text[len(PREFIX) :], validate=True)
    except ValueError as exc:
        raise ValueError(_("not an ed25519 public key")) from exc
    if len(raw) != 32:
        raise ValueError(_("not an ed25519 public key"))
    return raw


def fingerprint(public: str) -> str:
    """Return ``SHA256:<base64>`` of the raw public key: what a lead compares and trusts."""
    digest = hashlib.sha256(public_raw(public)).digest()
    return "SHA256:" + base64.b64encode(digest).decode("ascii").rstrip("=")


def sign(private_pem: bytes, message: bytes) -> tuple[str, str]:
    """Return (public key text, signature text) of ``message`` under the private key;
    ValueError when the PEM is not an Ed25519 private key."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    key = serialization.load_pem_private_key(private_pem, password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError(_("not an Ed25519 private key"))
    signature = key.sign(message)
    public = public_text(key.public_key().public_bytes_raw())
    return public, PREFIX + base64.b64encode(signature).decode("ascii")


def verify(public: str, signature: str, message: bytes) -> bool:
    """Return True when ``signature`` is the key's signature of ``message``."""
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    if not signature.startswith(PREFIX):
        return False
    try:
        raw = base64.b64decode(signature[len(PREFIX) :], validate=True)
        Ed25519PublicKey.from_public_bytes(public_raw(public)).verify(raw, message)
    except (ValueError, InvalidSignature):
        return False
    return True
