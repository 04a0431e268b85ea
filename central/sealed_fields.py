"""The central's personal data sealed at rest: a booking's card and phone, and an SMS's phone.

A copy of the central's database (a backup, a stolen disk, a replica) should not be a list of
citizens: the card (`bookings.card_json`: ID, names, birth date, address) and the phone numbers
are stored sealed with AES-256-GCM under `booking-sealing.aes256`, a key kept beside the other
central secrets (central/keys.py), never in the database. The citizen's identity for uniqueness
is already an HMAC (`citizen_key`), so nothing the central looks rows up by needs the clear text.

Stored form: `s1:` + base64(nonce || ciphertext+tag), a fresh 12-byte random nonce per value. The
associated data is the row's identity (the booking id; an SMS row's event id), so a sealed value
copied into another row does not open there: it is refused (`SealedFieldError`) rather than
shown as someone else's data. The prefix lets a reader (and migration 10) tell sealed from clear.
"""

from __future__ import annotations

import base64
import binascii
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from central.errors import StoreError

PREFIX = "s1:"
NONCE_BYTES = 12
KEY_BYTES = 32


class SealedFieldError(StoreError):
    """A stored value that does not open under this central's key for this row."""

    def __init__(self, what: str) -> None:
        super().__init__(
            f"a sealed {what} does not open with this central's booking-sealing key for this row "
            "(moved from another row, altered, or sealed under another key)",
            th="ข้อมูลส่วนบุคคลที่เข้ารหัสไว้เปิดไม่ได้ด้วยกุญแจของเครื่องกลางสำหรับแถวนี้ "
            "(ถูกย้ายมาจากแถวอื่น ถูกแก้ไข หรือเข้ารหัสด้วยกุญแจอื่น)",
        )


def is_sealed(stored: str | None) -> bool:
    return stored is not None and stored.startswith(PREFIX)


class FieldSealer:
    """Seals and opens the personal fields of one central (one key)."""

    def __init__(self, key: bytes) -> None:
        if len(key) != KEY_BYTES:
            raise StoreError(f"the booking-sealing key must be {KEY_BYTES} bytes, not {len(key)}")
        self._aead = AESGCM(key)

    def seal(self, row_id: str, text: str) -> str:
        nonce = os.urandom(NONCE_BYTES)
        sealed = self._aead.encrypt(nonce, text.encode("utf-8"), row_id.encode("utf-8"))
        return PREFIX + base64.b64encode(nonce + sealed).decode("ascii")

    def open_(self, row_id: str, stored: str, what: str = "field") -> str:
        """The clear text of `stored`. A value without the prefix is refused: after migration
        10 every row is sealed, so a clear one was written around this seam."""
        if not is_sealed(stored):
            raise SealedFieldError(what)
        try:
            raw = base64.b64decode(stored[len(PREFIX) :], validate=True)
            nonce, sealed = raw[:NONCE_BYTES], raw[NONCE_BYTES:]
            return self._aead.decrypt(nonce, sealed, row_id.encode("utf-8")).decode("utf-8")
        except (InvalidTag, binascii.Error, ValueError):
            raise SealedFieldError(what) from None

    def seal_optional(self, row_id: str, text: str) -> str:
        """An SMS row's phone is blanked ('') once sent: blank stays blank."""
        return self.seal(row_id, text) if text else ""

    def open_optional(self, row_id: str, stored: str, what: str = "phone") -> str:
        return self.open_(row_id, stored, what) if stored else ""


class NoSealer(FieldSealer):
    """A store opened without the central's key (a PostgreSQL URL without `--keys-dir`): it can
    do everything that touches no personal column, and refuses the rest in so many words."""

    def __init__(self) -> None:
        pass

    def seal(self, row_id: str, text: str) -> str:
        raise _no_key()

    def open_(self, row_id: str, stored: str, what: str = "field") -> str:
        raise _no_key()


def _no_key() -> StoreError:
    return StoreError(
        "this store was opened without the central's booking-sealing key, so it cannot read or "
        "write personal data: give --keys-dir DIR (the central's keys)",
        th="เปิดฐานข้อมูลโดยไม่มีกุญแจเข้ารหัสของเครื่องกลาง จึงอ่านหรือเขียนข้อมูลส่วนบุคคลไม่ได้ กรุณาระบุ --keys-dir",
    )
