"""The central's secrets, in files beside the database, created on first serve.

Five secrets, each in its own file so each can be rotated or backed up on its own:

- `rule-signing.ed25519`: signs the rule sets terminals accept (a terminal refuses any rule set it
  cannot verify, so this key decides what "eligible" means on every terminal);
- `lease-signing.ed25519`: signs the seat leases granted to terminals (DESIGN §11); its own key,
  so a leaked lease key cannot sign rule sets and the other way round;
- `journal-sealing.x25519`: opens the personal data terminals sealed in their offline journals; a
  copy of it is as good as a copy of every queued booking, so it never leaves this directory;
- `citizen-hash.secret`: the HMAC key that turns a citizen ID into the lookup key stored in the
  database, so a copy of the database alone cannot be searched for a known ID by hashing guesses;
- `booking-sealing.aes256`: the AES-256-GCM key that seals each booking's card and phone, and each
  SMS's phone, in the database (central/sealed_fields.py), so a copy of the database alone holds
  no names, IDs or phone numbers.

Files are created with mode 0600 in a 0700 directory, atomically (O_EXCL), so two servers starting
at once cannot end up with different keys. Keys are stored as one line of base64 (the format
`kiosk.keys` reads).
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric import ed25519, x25519

from central.errors import StoreError
from central.sealed_fields import FieldSealer
from kiosk.keys import (
    b64,
    key_id,
    load_ed25519_private,
    load_x25519_private,
    raw_private,
    raw_public,
    unb64,
)
from kiosk.sealing import ALG as SEALING_ALG

RULE_SIGNING = "rule-signing.ed25519"
JOURNAL_SEALING = "journal-sealing.x25519"
CITIZEN_HASH = "citizen-hash.secret"
LEASE_SIGNING = "lease-signing.ed25519"
BOOKING_SEALING = "booking-sealing.aes256"


def keys_dir_for(db_path: str | Path) -> Path:
    return Path(f"{db_path}.keys")


def _create_secret_file(path: Path, content: bytes) -> None:
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return  # another process created it first: use theirs
    try:
        os.write(fd, content)
        os.fsync(fd)
    finally:
        os.close(fd)


def _check_private(path: Path) -> None:
    mode = path.stat().st_mode & 0o777
    if mode & 0o077:
        raise StoreError(
            f"key file {str(path)!r} is readable by others (mode {mode:o}); chmod 600 it",
            th="ไฟล์กุญแจเปิดให้ผู้อื่นอ่านได้ กรุณาแก้สิทธิ์ไฟล์ (chmod 600)",
        )


@dataclass(frozen=True)
class ServerKeys:
    rule_signing: ed25519.Ed25519PrivateKey
    journal_sealing: x25519.X25519PrivateKey
    citizen_secret: bytes
    lease_signing: ed25519.Ed25519PrivateKey
    booking_sealing: bytes

    @classmethod
    def load_or_create(cls, directory: str | Path) -> ServerKeys:
        directory = Path(directory)
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        signing, sealing, citizen, lease = (
            directory / RULE_SIGNING,
            directory / JOURNAL_SEALING,
            directory / CITIZEN_HASH,
            directory / LEASE_SIGNING,
        )
        _create_secret_file(
            signing, (b64(raw_private(ed25519.Ed25519PrivateKey.generate())) + "\n").encode()
        )
        _create_secret_file(
            sealing, (b64(raw_private(x25519.X25519PrivateKey.generate())) + "\n").encode()
        )
        _create_secret_file(citizen, (b64(secrets.token_bytes(32)) + "\n").encode())
        # A keys directory from before leases gets its lease key on the first serve after.
        _create_secret_file(
            lease, (b64(raw_private(ed25519.Ed25519PrivateKey.generate())) + "\n").encode()
        )
        # A keys directory from before sealing at rest gets its key on the first open after
        # (migration 10 then seals the rows written in clear before).
        booking = directory / BOOKING_SEALING
        _create_secret_file(booking, (b64(secrets.token_bytes(32)) + "\n").encode())
        for path in (signing, sealing, citizen, lease, booking):
            _check_private(path)
        secret = unb64(citizen.read_text(encoding="ascii"), "the citizen hash secret")
        booking_key = unb64(booking.read_text(encoding="ascii"), "the booking-sealing key")
        if len(booking_key) != 32:
            raise StoreError(
                f"key file {str(booking)!r} does not hold 32 bytes of base64",
                th="ไฟล์กุญแจเข้ารหัสข้อมูลการจองไม่ถูกต้อง (ต้องเป็น 32 ไบต์ base64)",
            )
        return cls(
            load_ed25519_private(signing),
            load_x25519_private(sealing),
            secret,
            load_ed25519_private(lease),
            booking_key,
        )

    def field_sealer(self) -> FieldSealer:
        """What the store seals and opens the personal columns with (central/sealed_fields.py)."""
        return FieldSealer(self.booking_sealing)

    def citizen_key(self, cid: str) -> str:
        """The stored identity of a citizen: HMAC-SHA256 of the CID under the server secret."""
        return hmac.new(self.citizen_secret, cid.encode("ascii"), hashlib.sha256).hexdigest()

    def fingerprint(self, canonical_body: bytes) -> str:
        """The idempotency fingerprint of a request body.

        Keyed, because the body holds a citizen ID: a plain hash of a body whose other fields are
        known could be searched for the ID.
        """
        return hmac.new(self.citizen_secret, b"body:" + canonical_body, hashlib.sha256).hexdigest()

    @property
    def rule_signing_public(self) -> dict[str, str]:
        raw = raw_public(self.rule_signing.public_key())
        return {"alg": "ed25519", "kid": key_id(raw), "public": b64(raw)}

    @property
    def lease_signing_public(self) -> dict[str, str]:
        raw = raw_public(self.lease_signing.public_key())
        return {"alg": "ed25519", "kid": key_id(raw), "public": b64(raw)}

    @property
    def journal_sealing_public(self) -> dict[str, str]:
        raw = raw_public(self.journal_sealing.public_key())
        return {"alg": SEALING_ALG, "kid": key_id(raw), "public": b64(raw)}
