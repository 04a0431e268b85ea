"""Sealing personal data to the central's public key, so that a stolen terminal reveals nothing.

A sealed box: an ephemeral X25519 key agreed with the central's journal-sealing key, HKDF-SHA256
to a one-time key, ChaCha20-Poly1305 with associated data. Unlike ODK Collect's scheme (AES-CFB
with no MAC and a signature anyone can forge), any change to the ciphertext, or moving it to another
booking (the associated data names the booking), fails authentication at the central.

The terminal cannot open what it sealed: it does not hold the private key. That is the point.
Whatever the terminal must show or search later (masked ID, keyed hash, slip fields) is kept beside
the box in the clear columns of the journal, never recovered from it.

    {"v": 1, "alg": "x25519-hkdf-sha256-chacha20poly1305", "kid": "...", "epk": "<b64>",
     "nonce": "<b64>", "ct": "<b64>"}
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import x25519
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from kiosk.errors import KioskError
from kiosk.keys import b64, key_id, raw_public, unb64

ALG = "x25519-hkdf-sha256-chacha20poly1305"
INFO = b"thairuamjai-kiosk seal v1"


class SealError(KioskError):
    code = "bad-seal"
    exit_status = 5

    def __init__(self, en: str) -> None:
        super().__init__("ข้อมูลที่ปิดผนึกไม่ถูกต้อง", en)


def _key(shared: bytes, epk: bytes, recipient: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=epk + recipient, info=INFO).derive(
        shared
    )


def seal(plaintext: bytes, recipient: x25519.X25519PublicKey, aad: bytes) -> dict[str, Any]:
    eph = x25519.X25519PrivateKey.generate()
    epk, rpk = raw_public(eph.public_key()), raw_public(recipient)
    key = _key(eph.exchange(recipient), epk, rpk)
    nonce = os.urandom(12)
    ct = ChaCha20Poly1305(key).encrypt(nonce, plaintext, aad)
    return {
        "v": 1,
        "alg": ALG,
        "kid": key_id(rpk),
        "epk": b64(epk),
        "nonce": b64(nonce),
        "ct": b64(ct),
    }


def unseal(box: object, private_key: x25519.X25519PrivateKey, aad: bytes) -> bytes:
    if not isinstance(box, Mapping) or box.get("v") != 1 or box.get("alg") != ALG:
        raise SealError("not a version-1 sealed box")
    rpk = raw_public(private_key.public_key())
    if box.get("kid") != key_id(rpk):
        raise SealError(f"sealed to another key ({box.get('kid')!r})")
    try:
        epk = unb64(str(box["epk"]), "epk")
        nonce = unb64(str(box["nonce"]), "nonce")
        ct = unb64(str(box["ct"]), "ct")
        peer = x25519.X25519PublicKey.from_public_bytes(epk)
        key = _key(private_key.exchange(peer), epk, rpk)
        return ChaCha20Poly1305(key).decrypt(nonce, ct, aad)
    except (KeyError, ValueError, InvalidTag, KioskError):
        raise SealError("the sealed box does not open (tampered, truncated or misplaced)") from None
