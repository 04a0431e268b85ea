"""The clerk PIN and its lockout: pure rules, no Qt, no files (DESIGN §14).

Store clerks get their own PIN, separate from the technician's, because they are many, they
change often, and what they may do (pause, paper, counts, send now, answer a call) is a strict
subset of the technician's. The hash is the technician's scheme (salted scrypt, kiosk.technician)
stored as `[clerk] pin_hash`; a clerk PIN equal to the technician's is refused, so knowing one
never opens the other screen.

Lockout policy (`PinGuard`): three wrong PINs in a row lock the pad for one minute; every further
lockout without a right PIN in between doubles the wait, up to fifteen minutes. A right PIN resets
it. A clerk who mistypes twice loses nothing; a customer trying PINs at random gets about a dozen
tries an hour (6 digits: a million possibilities), and the wait is shown, so staff see it.

The guard's state outlives the process (`to_record` / `restore`, kept in the journal by the
controller): otherwise pulling the plug, or anything that makes systemd restart the kiosk, would
hand out three fresh tries and no wait. The lock is stored as a wall-clock instant, since the
monotonic clock starts again with the machine; a restored wait is capped at the longest lock,
so a clock set far forward cannot lock the pad for a day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from kiosk.errors import InputError
from kiosk.technician import PIN_PATTERN, hash_pin, verify_pin

MAX_TRIES = 3
FIRST_LOCK_SECONDS = 60.0
MAX_LOCK_SECONDS = 15 * 60.0
#: The technician's pad: three tries, then a minute, every time (fewer people, one PIN each).
TECHNICIAN_TRIES = 3
TECHNICIAN_LOCK_SECONDS = 60.0
#: More lockouts than this change nothing (the wait is capped long before): a bound for a record.
MAX_LOCKOUTS = 32


def check_clerk_pin(pin: str, technician_hash: str | None = None) -> str:
    """6 to 12 digits, and not the technician's PIN."""
    if not PIN_PATTERN.match(pin or ""):
        raise InputError(
            "the clerk PIN must be 6 to 12 digits",
            "รหัส PIN ของพนักงานต้องเป็นตัวเลข 6 ถึง 12 หลัก",
        )
    if technician_hash and verify_pin(pin, technician_hash):
        raise InputError(
            "the clerk PIN must differ from the technician PIN; nothing was changed",
            "รหัส PIN ของพนักงานต้องไม่ซ้ำกับรหัสของช่างเทคนิค ยังไม่ได้เปลี่ยนแปลงใด ๆ",
        )
    return pin


def hash_clerk_pin(pin: str, technician_hash: str | None = None) -> str:
    check_clerk_pin(pin, technician_hash)
    return hash_pin(pin)


@dataclass
class PinGuard:
    """Counts wrong PINs and says how long the pad stays locked. Time is passed in (monotonic
    seconds), so the policy is tested without waiting."""

    max_tries: int = MAX_TRIES
    first_lock: float = FIRST_LOCK_SECONDS
    max_lock: float = MAX_LOCK_SECONDS
    tries: int = 0
    lockouts: int = 0
    locked_until: float = 0.0

    def seconds_left(self, now: float) -> int:
        """Whole seconds until the pad takes a PIN again (0: it takes one now)."""
        if now >= self.locked_until:
            return 0
        return int(self.locked_until - now) + (0 if (self.locked_until - now).is_integer() else 1)

    def attempt(self, ok: bool, now: float) -> str:
        """Record one try: "locked" (ignored, still locked), "ok", "wrong" or "locked-now"."""
        if self.seconds_left(now):
            return "locked"
        if ok:
            self.tries = 0
            self.lockouts = 0
            return "ok"
        self.tries += 1
        if self.tries < self.max_tries:
            return "wrong"
        self.tries = 0
        self.locked_until = now + self.lock_seconds()
        self.lockouts += 1
        return "locked-now"

    @classmethod
    def technician(cls) -> PinGuard:
        return cls(TECHNICIAN_TRIES, TECHNICIAN_LOCK_SECONDS, TECHNICIAN_LOCK_SECONDS)

    def lock_seconds(self) -> float:
        """The wait the next lockout imposes: doubling from the first, capped."""
        return min(self.max_lock, self.first_lock * (2**self.lockouts))

    def to_record(self, now: float, wall: datetime) -> dict[str, Any]:
        """What to keep across a restart: `now` is the monotonic reading, `wall` the same
        instant on the wall clock."""
        left = max(0.0, self.locked_until - now)
        until = (wall + timedelta(seconds=left)).astimezone(UTC).isoformat() if left else None
        return {"tries": self.tries, "lockouts": self.lockouts, "locked_until_utc": until}

    def restore(self, record: dict[str, Any], now: float, wall: datetime) -> None:
        """Take a kept record back (a record that cannot be read is ignored, field by field:
        a damaged one must not unlock a pad, nor lock it for longer than the longest lock)."""
        tries = record.get("tries")
        if isinstance(tries, int) and 0 <= tries < self.max_tries:
            self.tries = tries
        lockouts = record.get("lockouts")
        if isinstance(lockouts, int) and 0 <= lockouts <= MAX_LOCKOUTS:
            self.lockouts = lockouts
        try:
            until = datetime.fromisoformat(record["locked_until_utc"])
        except (KeyError, TypeError, ValueError):
            return
        if until.tzinfo is None:
            return
        left = min(self.max_lock, (until - wall).total_seconds())
        if left > 0:
            self.locked_until = max(self.locked_until, now + left)
