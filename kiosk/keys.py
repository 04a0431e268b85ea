"""Key files: the formats a technician or the central hands over, read and written one way.

Keys travel as PEM (what `openssl` and `cryptography` produce) or as the bare 32 bytes in base64
on one line (what fits in a config file or a JSON field). Both are accepted wherever a key file
is; a file that is neither is a clear error, not a crash.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, x25519

from kiosk.errors import KioskError


class KeyFileError(KioskError):
    code = "bad-key"
    exit_status = 2

    def __init__(self, en: str) -> None:
        super().__init__("ไฟล์กุญแจไม่ถูกต้อง", en)


def key_id(public_raw: bytes) -> str:
    """A short, stable name for a public key: the first 8 bytes of its SHA-256, in hex."""
    return hashlib.sha256(public_raw).hexdigest()[:16]


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def unb64(text: str, what: str) -> bytes:
    try:
        return base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError, AttributeError):
        raise KeyFileError(f"{what} is not valid base64") from None


def _read(path: str | Path) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise KeyFileError(f"cannot read key file {str(path)!r}: {exc.strerror}") from None


def _raw(data: bytes, what: str) -> bytes | None:
    """The 32 bytes of a one-line base64 key, or None if `data` is PEM."""
    if data.lstrip().startswith(b"-----BEGIN"):
        return None
    raw = unb64(data.decode("ascii", "replace"), what)
    if len(raw) != 32:
        raise KeyFileError(f"{what} must be 32 bytes, found {len(raw)}")
    return raw


def load_ed25519_private(path: str | Path) -> ed25519.Ed25519PrivateKey:
    data = _read(path)
    raw = _raw(data, f"private key {str(path)!r}")
    if raw is not None:
        return ed25519.Ed25519PrivateKey.from_private_bytes(raw)
    try:
        key = serialization.load_pem_private_key(data, password=None)
    except (ValueError, TypeError) as exc:
        raise KeyFileError(f"{str(path)!r} is not a PEM private key: {exc}") from None
    if not isinstance(key, ed25519.Ed25519PrivateKey):
        raise KeyFileError(f"{str(path)!r} is not an Ed25519 private key")
    return key


def load_ed25519_public(path: str | Path) -> ed25519.Ed25519PublicKey:
    data = _read(path)
    raw = _raw(data, f"public key {str(path)!r}")
    if raw is not None:
        return ed25519.Ed25519PublicKey.from_public_bytes(raw)
    try:
        key = serialization.load_pem_public_key(data)
    except (ValueError, TypeError) as exc:
        raise KeyFileError(f"{str(path)!r} is not a PEM public key: {exc}") from None
    if not isinstance(key, ed25519.Ed25519PublicKey):
        raise KeyFileError(f"{str(path)!r} is not an Ed25519 public key")
    return key


def raw_public(key: ed25519.Ed25519PublicKey | x25519.X25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def raw_private(key: ed25519.Ed25519PrivateKey | x25519.X25519PrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.Raw,
        serialization.PrivateFormat.Raw,
        serialization.NoEncryption(),
    )


def load_x25519_private(path: str | Path) -> x25519.X25519PrivateKey:
    data = _read(path)
    raw = _raw(data, f"private key {str(path)!r}")
    if raw is not None:
        return x25519.X25519PrivateKey.from_private_bytes(raw)
    try:
        key = serialization.load_pem_private_key(data, password=None)
    except (ValueError, TypeError) as exc:
        raise KeyFileError(f"{str(path)!r} is not a PEM private key: {exc}") from None
    if not isinstance(key, x25519.X25519PrivateKey):
        raise KeyFileError(f"{str(path)!r} is not an X25519 private key")
    return key


def x25519_public_from_b64(text: str) -> x25519.X25519PublicKey:
    raw = unb64(text, "the sealing public key")
    if len(raw) != 32:
        raise KeyFileError("the sealing public key must be 32 bytes")
    return x25519.X25519PublicKey.from_public_bytes(raw)


def ed25519_public_from_b64(text: str) -> ed25519.Ed25519PublicKey:
    raw = unb64(text, "the signing public key")
    if len(raw) != 32:
        raise KeyFileError("the signing public key must be 32 bytes")
    return ed25519.Ed25519PublicKey.from_public_bytes(raw)
