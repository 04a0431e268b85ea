"""How a central is configured, and its clock.

The clock is injected because every decision the central makes depends on "now" in Asia/Bangkok
(channel hours, the 7-day limit, which slots have passed, enrolment code expiry): tests and the
staging `--now` option run the same code at a chosen instant instead of waiting for one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from central.errors import StoreError
from central.keys import keys_dir_for
from central.store.leases import LeasePolicy
from kiosk.dates import BANGKOK
from kiosk.leases import GRACE

Clock = Callable[[], datetime]


def system_clock() -> datetime:
    return datetime.now(tz=BANGKOK)


def clock_starting_at(start: datetime) -> Clock:
    """A clock that reads `start` now and runs at the normal rate (staging and tests only)."""
    offset = start - datetime.now(tz=BANGKOK)

    def now() -> datetime:
        return datetime.now(tz=BANGKOK) + offset

    return now


def clock_from_file(path: Path) -> Clock:
    """TEST ONLY (`serve --clock-file`): the instant written in `path` (ISO 8601), read at
    every call. It lets a test move the clock of a central running as other processes (`serve
    --workers N`) as it moves an in-process central's; the writer replaces the file whole
    (rename), so a reader never sees half an instant. (Read every time: file timestamps are
    too coarse to tell two quick moves apart, and a test central's pace allows it.)"""

    def now() -> datetime:
        return datetime.fromisoformat(path.read_text("ascii").strip())

    return now


@dataclass(frozen=True)
class Settings:
    #: A SQLite file, or a `postgresql://` URL (`central.store.open_store`).
    db: Path | str
    #: Where the private keys live; default `<db>.keys/` beside a SQLite file. A PostgreSQL URL
    #: has no "beside": it needs `keys_dir` (`--keys-dir`); the keys are never in the database.
    keys_dir: Path | None = None
    clock: Clock = system_clock
    #: Requests admitted at once; beyond it the central answers 503 with Retry-After at once.
    max_in_flight: int = 256
    retry_after_seconds: int = 2
    #: Seconds between passes that settle pending-verification bookings; 0 disables the pass.
    verify_interval: float = 5.0
    #: TEST ONLY: seconds each registry check run keeps its lock after its work, so a test can
    #: see that runs in two workers never overlap. Never set in production.
    verify_hold: float = 0.0
    #: SQLite `synchronous` (FULL unless a benchmark compares).
    synchronous: str = "FULL"
    #: Seed the demo data when the database is empty.
    demo: bool = False
    demo_capacity: int = 200
    enrolment_code_ttl: timedelta = timedelta(hours=24)
    #: TEST ONLY: seconds each booking request waits while holding its idempotency key, so tests
    #: can observe a request in flight and an overload. Never set in production.
    booking_delay: float = 0.0
    #: PostgreSQL: ordinary bookings by central/fast_bookings.py instead of FastAPI's route (same
    #: answers; off only to compare the two in tests).
    fast_bookings: bool = True
    #: Seat leases (DESIGN §11): at most this share of a slot's capacity held in leases,
    lease_share: float = 0.10
    #: at most this many seats held by one terminal in all, and this many in one slot (so one
    #: slot selling out does not strand the terminal),
    lease_seats_per_terminal: int = 6
    lease_seats_per_slot: int = 2
    #: only slots starting more than `lease_lead` after the grant; `use_until` = the earlier of
    #: grant + `lease_life` and slot start - `lease_lead`; a booking confirmed up to
    #: `lease_grace` after `use_until` is still honoured.
    lease_lead: timedelta = timedelta(hours=12)
    lease_life: timedelta = timedelta(hours=24)
    lease_grace: timedelta = GRACE
    #: The SMS outbox sender (DESIGN §12, central/notify/): run it in this process unless
    #: `notify` is False; without a gateway URL nothing is sent and rows stay pending.
    notify: bool = True
    sms_gateway_url: str | None = None
    sms_token: str = field(default="", repr=False)
    sms_timeout: float = 10.0
    #: Seconds between passes of the sender over the outbox.
    notify_interval: float = 2.0

    @property
    def lease_policy(self) -> LeasePolicy:
        return LeasePolicy(
            share=self.lease_share,
            seats_per_terminal=self.lease_seats_per_terminal,
            seats_per_slot=self.lease_seats_per_slot,
            lead=self.lease_lead,
            life=self.lease_life,
            grace=self.lease_grace,
        )

    @property
    def keys_path(self) -> Path:
        if self.keys_dir is not None:
            return self.keys_dir
        if str(self.db).startswith(("postgresql://", "postgres://")):
            raise StoreError(
                "a PostgreSQL database needs --keys-dir DIR: the central's private keys are "
                "files on this machine, never rows in the database",
                th="ฐานข้อมูล PostgreSQL ต้องระบุ --keys-dir สำหรับเก็บกุญแจของเซิร์ฟเวอร์",
            )
        return keys_dir_for(self.db)
