"""How many citizen IDs fit what is known of one, and every one of them, in order.

Why this exists: the journal's privacy is measured by the size of this space. Whoever holds a
stolen journal and the terminal's hash key tries every citizen ID the clear columns allow through
the hash; the cost of recovering one ID is the number of candidates times the cost of one hash.
The check digit (kiosk.card.cid.check_digit) is the thirteenth digit's function of the other
twelve, so a known check digit removes about a factor of ten, and an unknown one is computed.

A pattern is thirteen characters, each a digit (known) or `X` (unknown); the masked form
`1-2345-XXXXX-XX-3` (dashes ignored) is one. The same enumeration serves the bench
(bench/cid_recovery.py) and journal migration 4, which recovers each queued booking's ID from
the old masked form and keyed hash in order to re-hash it (sync/journal_privacy.py).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator

from kiosk.card.cid import CID_LENGTH

#: The check digit's weights for digits 1..12 (kiosk.card.cid.check_digit).
WEIGHTS = tuple(CID_LENGTH - i for i in range(CID_LENGTH - 1))
UNKNOWN = "X"


def parse(pattern: str) -> str:
    """The pattern without dashes, checked: 13 characters, digits or X."""
    flat = pattern.replace("-", "").upper()
    if len(flat) != CID_LENGTH or any(c != UNKNOWN and not c.isdigit() for c in flat):
        raise ValueError("a pattern is 13 digits or X, e.g. 1-2345-XXXXX-XX-3")
    return flat


def _residues(check: int) -> tuple[int, ...]:
    """The values of (weighted sum mod 11) that give this check digit: (11 - r) % 11 % 10."""
    return tuple(r for r in range(11) if (11 - r) % 10 == check)


def count(pattern: str) -> int:
    """How many valid citizen IDs fit the pattern (exact, without enumerating them)."""
    flat = parse(pattern)
    known_sum = sum(int(c) * w for c, w in zip(flat[:12], WEIGHTS, strict=True) if c != UNKNOWN)
    free = [w for c, w in zip(flat[:12], WEIGHTS, strict=True) if c == UNKNOWN]
    if flat[12] == UNKNOWN:
        return 10 ** len(free)
    ways = [0] * 11  # ways[r]: fillings of the free digits whose weighted sum is r mod 11
    ways[known_sum % 11] = 1
    for w in free:
        nxt = [0] * 11
        for r, n in enumerate(ways):
            if n:
                for d in range(10):
                    nxt[(r + d * w) % 11] += n
        ways = nxt
    return sum(ways[r] for r in _residues(int(flat[12])))


def candidates(pattern: str) -> Iterator[str]:
    """Every valid citizen ID that fits the pattern, each once.

    With the check digit known, the last unknown digit is solved from it (the weights are all
    invertible mod 11), so no candidate is generated only to be thrown away.
    """
    flat = parse(pattern)
    unknown = [i for i in range(12) if flat[i] == UNKNOWN]
    check_known = flat[12] != UNKNOWN
    if check_known and unknown:
        solve, loop = unknown[-1], unknown[:-1]
    else:
        solve, loop = None, unknown
    base = list(flat)
    known_sum = sum(int(flat[i]) * WEIGHTS[i] for i in range(12) if flat[i] != UNKNOWN)
    residues = _residues(int(flat[12])) if check_known else ()
    for digits in itertools.product(range(10), repeat=len(loop)):
        s = known_sum
        for i, d in zip(loop, digits, strict=True):
            base[i] = str(d)
            s += d * WEIGHTS[i]
        if solve is None:
            check = (11 - s % 11) % 10
            if check_known and check != int(flat[12]):
                continue
            base[12] = str(check)
            yield "".join(base)
            continue
        inverse = pow(WEIGHTS[solve], -1, 11)
        for r in residues:
            d = (r - s) * inverse % 11
            if d < 10:
                base[solve] = str(d)
                yield "".join(base)
