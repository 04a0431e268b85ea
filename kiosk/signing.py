"""Ed25519 signatures over JSON documents (rule sets from the central).

A signature covers the document's canonical bytes (sorted keys, no whitespace, UTF-8), so a rule
set re-serialised by any JSON library still verifies, and any change to any value does not. The
signed form is an envelope, keeping the signed object byte-for-byte separate from the signature:

    {"document": {...}, "signature": {"alg": "ed25519", "kid": "<key id>", "sig": "<base64>"}}
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric import ed25519

from kiosk.errors import KioskError
from kiosk.keys import b64, key_id, raw_public, unb64

ALG = "ed25519"


class SignatureError(KioskError):
    code = "bad-signature"
    exit_status = 5

    def __init__(self, en: str) -> None:
        super().__init__("ลายเซ็นดิจิทัลไม่ถูกต้อง จึงไม่ใช้ข้อมูลนี้", en)


def canonical(obj: Any) -> bytes:
    """The exact bytes a signature covers."""
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def sign(document: Mapping[str, Any], private_key: ed25519.Ed25519PrivateKey) -> dict[str, Any]:
    sig = private_key.sign(canonical(document))
    kid = key_id(raw_public(private_key.public_key()))
    return {"document": dict(document), "signature": {"alg": ALG, "kid": kid, "sig": b64(sig)}}


def verify(
    envelope: object, public_keys: Mapping[str, ed25519.Ed25519PublicKey] | ed25519.Ed25519PublicKey
) -> dict[str, Any]:
    """The signed document, or SignatureError saying exactly what is wrong."""
    if not isinstance(envelope, Mapping):
        raise SignatureError("a signed document must be a JSON object")
    document, signature = envelope.get("document"), envelope.get("signature")
    if not isinstance(document, Mapping) or not isinstance(signature, Mapping):
        raise SignatureError("expected {'document': {...}, 'signature': {...}}")
    if signature.get("alg") != ALG:
        raise SignatureError(f"unsupported signature algorithm {signature.get('alg')!r}")
    if isinstance(public_keys, ed25519.Ed25519PublicKey):
        public_keys = {key_id(raw_public(public_keys)): public_keys}
    kid = signature.get("kid")
    key = public_keys.get(kid) if isinstance(kid, str) else None
    if key is None:
        raise SignatureError(f"signed with an unknown key {kid!r}")
    sig = signature.get("sig")
    if not isinstance(sig, str):
        raise SignatureError("the signature is missing")
    try:
        key.verify(unb64(sig, "the signature"), canonical(document))
    except (InvalidSignature, KioskError):
        raise SignatureError("the signature does not match the document") from None
    return dict(document)
