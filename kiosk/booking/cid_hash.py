"""The journal's lookup hash of a citizen ID: slow, memory-hard and keyed (docs/journal-privacy.md).

Why slow: the terminal must find a customer's queued booking from the card (the journal's
one-pending-per-citizen rule, the existing-booking screen), so it keeps a hash of the ID beside
the booking; whoever steals the terminal holds the journal and the hash key together, and the
hash is then only as strong as the number of IDs to try times the cost of one try. The clear
columns show no digit of the ID (journal schema 4), leaving 10^12 candidates (13 digits, the
last one the check digit of the others: kiosk/card/cid_space.py); one scrypt at N=2^13, r=8
costs a core about 17 ms, so one ID costs about 270 core-years on average. The kiosk pays one
hash per card read and one per booking, about 17 ms each on an idle core of this machine and
under 50 ms with the machine loaded three times over (bench/cid_recovery.py measures both).
N=2^14 doubles the attack but measured 95 ms per hash under that load: too close to the 100 ms a
lookup may take, and the breaker-open booking (DESIGN §9: under 100 ms) pays one hash too.

Why keyed: the terminal's random 32-byte key (sync/terminal.py `terminal_secret`, kept in the
config directory apart from the journal) is the salt, so a copy of the journal alone (a backup, a
file sent for recovery) cannot be searched at all, and no precomputed table works on two
terminals. Why scrypt and not Argon2id: hashlib has scrypt in every Python we run, while
Argon2id needs `cryptography` 44 or later (the installed 50.0.2 has it; pyproject allows 42).
Measured here, Argon2id gives twice the memory for the same CPU time (16 MiB, t=2 ~ scrypt's
8 MiB): better against GPUs, the same against the one core this figure counts; a possible
follow-up with the version floor raised (docs/journal-privacy.md).

Memory: 128 * r * N = 8 MiB per hash, once at a time, on a kiosk with gigabytes; the memory is
what makes a GPU or an ASIC no cheaper per candidate than the core this figure assumes.
"""

from __future__ import annotations

import hashlib
import hmac

#: scrypt cost (production). Asserted by tests/sync/test_journal_privacy.py; chosen by
#: measurement (bench/cid_recovery.py): one hash ~17 ms CPU on this 2-core machine (budget: a
#: lookup under 100 ms), 8 MiB (fits any kiosk), 10^12 candidates x 17 ms / 2 = ~270 years.
SCRYPT_N = 2**13
SCRYPT_R = 8
SCRYPT_P = 1
DKLEN = 32
#: 128 * r * N is what scrypt needs; hashlib refuses by default above 32 MiB, so say it.
MAXMEM = 2 * 128 * SCRYPT_R * SCRYPT_N
#: The salt is this label and the terminal key: a hash made for another purpose with the same
#: key never equals a lookup hash.
DOMAIN = b"thairuamjai-kiosk journal cid v2\x00"


def cid_key(secret: bytes, cid: str) -> str:
    """The lookup hash (hex) of one citizen ID at this terminal: one per card read or booking."""
    digest = hashlib.scrypt(
        cid.encode("ascii"),
        salt=DOMAIN + secret,
        n=SCRYPT_N,
        r=SCRYPT_R,
        p=SCRYPT_P,
        maxmem=MAXMEM,
        dklen=DKLEN,
    )
    return digest.hex()


def legacy_cid_key(secret: bytes, cid: str) -> str:
    """The HMAC-SHA256 the journal used before schema 4 (fast: ~2 µs).

    Kept only so that journal migration 4 can find which ID an old queued booking belongs to
    (sync/journal_privacy.py) and the bench can show what the old journal cost a thief.
    """
    return hmac.new(secret, cid.encode("ascii"), hashlib.sha256).hexdigest()
