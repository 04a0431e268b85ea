"""Booking references a person can read aloud, type and copy from a slip without mistakes.

`TRJ-7K3M-Q9X4`: the programme prefix, then seven random characters and one check character from
an alphabet without the look-alikes 0/O, 1/I/L and U (30 symbols). Seven random symbols give
2.2e10 references, so a reference cannot be guessed from another; the check character (Luhn mod
N) catches every single-character typo and almost every swap of two neighbours when a clerk types
one in.
"""

from __future__ import annotations

import secrets

ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
PREFIX = "TRJ"
_VALUE = {c: i for i, c in enumerate(ALPHABET)}


def _check(body: str) -> str:
    n = len(ALPHABET)
    total, factor = 0, 2
    for ch in reversed(body):
        addend = factor * _VALUE[ch]
        addend = addend // n + addend % n
        total += addend
        factor = 1 if factor == 2 else 2
    return ALPHABET[(n - total % n) % n]


def new_reference() -> str:
    body = "".join(secrets.choice(ALPHABET) for _ in range(7))
    full = body + _check(body)
    return f"{PREFIX}-{full[:4]}-{full[4:]}"


def normalise(text: str) -> str | None:
    """The canonical form of a typed reference (case, spaces and dashes forgiven), or None."""
    compact = "".join(text.upper().split()).replace("-", "")
    compact = compact.removeprefix(PREFIX)
    if len(compact) != 8 or any(c not in _VALUE for c in compact):
        return None
    if _check(compact[:7]) != compact[7]:
        return None
    return f"{PREFIX}-{compact[:4]}-{compact[4:]}"
