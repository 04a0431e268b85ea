"""Operator passwords as slow salted hashes: scrypt (hashlib, OpenSSL's), its parameters kept
beside the salt and hash ("scrypt$N$r$p$salt$hash") so the cost can be raised later and the
hashes made before still verify.

N = 2**14, r = 8, p = 1 (16 MiB, about 50 ms on the 2-core test machine): slow enough that a
stolen table costs an attacker, fast enough that a sign-in does not keep a worker busy.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import secrets

N, R, P = 2**14, 8, 1
LENGTH = 32
#: Passwords shorter than this are refused when an operator is added.
MIN_LENGTH = 10


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(
        password.encode(), salt=salt, n=n, r=r, p=p, maxmem=256 * n * r + 1024 * 1024, dklen=LENGTH
    )


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = _scrypt(password, salt, N, R, P)
    b64 = base64.b64encode
    return f"scrypt${N}${R}${P}${b64(salt).decode()}${b64(digest).decode()}"


def verify_password(password: str, stored: str) -> bool:
    """Whether `password` is the one `stored` was made from (constant time compare)."""
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
    except ValueError:
        return False
    if scheme != "scrypt":
        return False
    got = _scrypt(password, base64.b64decode(salt), int(n), int(r), int(p))
    return hmac.compare_digest(got, base64.b64decode(digest))


@functools.cache
def dummy() -> str:
    """Checked against when the name is unknown, so an unknown name costs the same time as a
    known one (the answer must not tell which names exist)."""
    return hash_password(secrets.token_urlsafe(16))
