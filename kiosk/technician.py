"""The technician PIN: stored as a salted scrypt hash, never as the PIN itself (DESIGN §8).

A PIN has few digits, so a plain hash of it is reversed by trying them all in a second; scrypt's
cost (about 50 ms and 16 MB per guess) and a per-terminal random salt make a stolen config file
worth little. The stored form names its parameters, so they can be raised later without breaking
PINs already set:

    scrypt$16384$8$1$<salt, base64>$<hash, base64>

Pure: no Qt, no files. `kiosk technician set-pin` writes the hash into the terminal config.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets

from kiosk.errors import InputError

N, R, P = 2**14, 8, 1
SALT_BYTES = 16
HASH_BYTES = 32
PIN_PATTERN = re.compile(r"^\d{6,12}$")


def check_pin_format(pin: str) -> str:
    """A PIN is 6 to 12 digits: typed on the screen's keypad, long enough not to be guessed."""
    if not PIN_PATTERN.match(pin or ""):
        raise InputError(
            "the technician PIN must be 6 to 12 digits",
            "รหัส PIN ของช่างเทคนิคต้องเป็นตัวเลข 6 ถึง 12 หลัก",
        )
    return pin


def hash_pin(pin: str, *, salt: bytes | None = None) -> str:
    check_pin_format(pin)
    salt = salt if salt is not None else secrets.token_bytes(SALT_BYTES)
    digest = hashlib.scrypt(pin.encode(), salt=salt, n=N, r=R, p=P, dklen=HASH_BYTES)
    return f"scrypt${N}${R}${P}${_b64(salt)}${_b64(digest)}"


def verify_pin(pin: str, stored: str | None) -> bool:
    """True only for the right PIN; a missing or malformed stored hash lets nobody in."""
    if not stored or not PIN_PATTERN.match(pin or ""):
        return False
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        expected = base64.b64decode(digest, validate=True)
        actual = hashlib.scrypt(
            pin.encode(),
            salt=base64.b64decode(salt, validate=True),
            n=int(n),
            r=int(r),
            p=int(p),
            dklen=len(expected),
        )
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(actual, expected)


def looks_like_hash(stored: str) -> bool:
    parts = stored.split("$")
    return len(parts) == 6 and parts[0] == "scrypt" and all(parts[1:])


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")
