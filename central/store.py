"""The central's storage: a small repository interface and its SQLite implementation.

The invariants that matter (no slot ever holds more bookings than its capacity; a citizen has at
most one active booking, whatever the channel) are enforced by the database itself, not by Python
checks that a concurrent request could slip between:

- a booking takes its seat with `UPDATE slots SET booked = booked + 1 WHERE slot_id = ? AND
  booked < capacity`, inside the same `BEGIN IMMEDIATE` transaction that inserts the booking, and
  a CHECK constraint (`booked <= capacity`) refuses anything that gets past it;
- a partial UNIQUE index on the citizen key over bookings that are not cancelled makes a second
  active booking impossible even if two writers raced past the lookup.

SQLite runs in WAL mode with `synchronous=FULL`: a booking the central has answered 201 for is on
the slip in the customer's hand, so it must survive a power cut, not only a process crash (WAL +
NORMAL may lose the last commits on power loss; see reference/offline-sync.md §4). Measured on
this machine a FULL commit costs about 0.2 ms, far below the booking budget. `synchronous` is per
connection, so every connection sets it.

PostgreSQL can follow behind the same `Store` protocol: the conditional UPDATE and the partial
unique index carry over unchanged; `BEGIN IMMEDIATE` becomes an ordinary transaction.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import secrets
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, Protocol

from central import references
from central.errors import (
    AlreadyBooked,
    BookingCancelled,
    EnrolmentRefused,
    IdempotencyKeyReused,
    NotFound,
    SlotFull,
    StoreError,
    VersionMismatch,
)
from central.hours import DEFAULT_HOURS, ChannelHours
from kiosk.booking.phone import masked as masked_phone
from kiosk.dates import BANGKOK

SCHEMA_VERSION = 1
ACTIVE = ("confirmed", "pending-verification")

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;
CREATE TABLE IF NOT EXISTS channel_hours (
    channel TEXT PRIMARY KEY,
    opens TEXT NOT NULL,
    closes TEXT NOT NULL,
    valid_from TEXT NOT NULL
) STRICT;
CREATE TABLE IF NOT EXISTS occupations (
    code TEXT PRIMARY KEY,
    label_th TEXT NOT NULL,
    label_en TEXT NOT NULL,
    free_text INTEGER NOT NULL DEFAULT 0,
    position INTEGER NOT NULL
) STRICT;
CREATE TABLE IF NOT EXISTS sites (
    site_id TEXT PRIMARY KEY,
    name_th TEXT NOT NULL,
    name_en TEXT NOT NULL,
    address_th TEXT NOT NULL,
    address_en TEXT NOT NULL,
    district_th TEXT NOT NULL,
    district_en TEXT NOT NULL,
    position INTEGER NOT NULL
) STRICT;
CREATE TABLE IF NOT EXISTS slots (
    slot_id TEXT PRIMARY KEY,
    site_id TEXT NOT NULL REFERENCES sites(site_id),
    date TEXT NOT NULL,
    start TEXT NOT NULL,
    end TEXT NOT NULL,
    capacity INTEGER NOT NULL CHECK (capacity >= 0),
    booked INTEGER NOT NULL DEFAULT 0 CHECK (booked >= 0 AND booked <= capacity)
) STRICT;
CREATE INDEX IF NOT EXISTS slots_by_site_date ON slots(site_id, date, start);
CREATE INDEX IF NOT EXISTS slots_by_date ON slots(date, start);
CREATE TABLE IF NOT EXISTS bookings (
    booking_id TEXT PRIMARY KEY,
    reference TEXT NOT NULL UNIQUE,
    citizen_key TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('confirmed', 'pending-verification', 'cancelled')),
    slot_id TEXT NOT NULL REFERENCES slots(slot_id),
    channel TEXT NOT NULL,
    terminal_id TEXT NOT NULL,
    masked_cid TEXT NOT NULL,
    card_json TEXT NOT NULL,
    phone TEXT NOT NULL,
    occupation_code TEXT NOT NULL,
    occupation_other TEXT,
    answers_json TEXT NOT NULL,
    claimed_decision_json TEXT NOT NULL,
    decision_json TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    confirmed_at TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    cancel_reason TEXT,
    version INTEGER NOT NULL DEFAULT 1
) STRICT;
CREATE UNIQUE INDEX IF NOT EXISTS bookings_one_active_per_citizen
    ON bookings(citizen_key) WHERE status != 'cancelled';
CREATE INDEX IF NOT EXISTS bookings_by_citizen ON bookings(citizen_key);
CREATE INDEX IF NOT EXISTS bookings_pending ON bookings(status)
    WHERE status = 'pending-verification';
CREATE TABLE IF NOT EXISTS registry (
    citizen_key TEXT PRIMARY KEY,
    programme TEXT NOT NULL
) STRICT;
CREATE TABLE IF NOT EXISTS terminals (
    terminal_id TEXT PRIMARY KEY,
    store TEXT NOT NULL,
    channel TEXT NOT NULL DEFAULT 'kiosk',
    token_hash TEXT UNIQUE,
    created_at TEXT NOT NULL,
    revoked_at TEXT
) STRICT;
CREATE TABLE IF NOT EXISTS enrolment_codes (
    code_hash TEXT PRIMARY KEY,
    store TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at TEXT,
    used_by TEXT
) STRICT;
"""


@dataclass(frozen=True)
class Site:
    site_id: str
    name_th: str
    name_en: str
    address_th: str
    address_en: str
    district_th: str
    district_en: str
    position: int = 0

    def to_json(self) -> dict[str, str]:
        return {
            "site_id": self.site_id,
            "name_th": self.name_th,
            "name_en": self.name_en,
            "address_th": self.address_th,
            "address_en": self.address_en,
            "district_th": self.district_th,
            "district_en": self.district_en,
        }


@dataclass(frozen=True)
class Slot:
    slot_id: str
    site_id: str
    date: str
    start: str
    end: str
    capacity: int
    booked: int

    @property
    def available(self) -> int:
        return max(0, self.capacity - self.booked)

    def starts_at(self) -> datetime:
        hh, mm = self.start.split(":")
        return datetime.fromisoformat(self.date).replace(
            hour=int(hh), minute=int(mm), tzinfo=BANGKOK
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "slot_id": self.slot_id,
            "site_id": self.site_id,
            "date": self.date,
            "start": self.start,
            "end": self.end,
            "capacity": self.capacity,
            "available": self.available,
        }


@dataclass(frozen=True)
class Occupation:
    code: str
    label_th: str
    label_en: str
    free_text: bool

    def to_json(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "th": self.label_th,
            "en": self.label_en,
            "free_text": self.free_text,
        }


@dataclass(frozen=True)
class Terminal:
    terminal_id: str
    store: str
    channel: str


@dataclass(frozen=True)
class NewBooking:
    """A booking the routes have validated and re-checked, ready to take a seat."""

    booking_id: str
    citizen_key: str
    status: str
    slot_id: str
    channel: str
    terminal_id: str
    masked_cid: str
    card: dict[str, Any]
    phone: str
    occupation_code: str
    occupation_other: str | None
    answers: dict[str, Any]
    claimed_decision: dict[str, Any]
    decision: dict[str, Any]
    fingerprint: str
    confirmed_at: str


@dataclass(frozen=True)
class Booking:
    booking_id: str
    reference: str
    status: str
    slot: Slot
    site: Site
    channel: str
    terminal_id: str
    masked_cid: str
    phone: str
    occupation_code: str
    occupation_other: str | None
    confirmed_at: str
    created_at: str
    updated_at: str
    cancel_reason: str | None
    version: int
    fingerprint: str = field(repr=False)
    citizen_key: str = field(repr=False)

    @property
    def active(self) -> bool:
        return self.status in ACTIVE

    def to_json(self) -> dict[str, Any]:
        return {
            "reference": self.reference,
            "status": self.status,
            "booking_id": self.booking_id,
            "site_id": self.site.site_id,
            "slot_id": self.slot.slot_id,
            "date": self.slot.date,
            "start": self.slot.start,
            "end": self.slot.end,
            "version": self.version,
            "site": self.site.to_json(),
            "channel": self.channel,
            "masked_cid": self.masked_cid,
            # masked: a terminal shows a customer their own number to recognise, never the
            # whole of it (an already-booked problem travels to another terminal's journal)
            "phone": masked_phone(self.phone),
            "occupation": {"code": self.occupation_code, "other": self.occupation_other},
            "confirmed_at": self.confirmed_at,
            "created_at": self.created_at,
            "updated_at": self.updated_at,
            "cancel_reason": self.cancel_reason,
        }


class Store(Protocol):
    """What the routes need from storage; a PostgreSQL store implements the same."""

    def meta(self, key: str) -> str | None: ...
    def set_meta(self, key: str, value: str) -> None: ...
    def hours(self) -> dict[str, ChannelHours]: ...
    def set_hours(self, hours: ChannelHours) -> None: ...
    def occupations(self) -> list[Occupation]: ...
    def sites(self) -> list[Site]: ...
    def slot(self, slot_id: str) -> Slot | None: ...
    def slots(self, site_id: str, first: date, last: date) -> list[Slot]: ...
    def alternatives(self, slot: Slot, now: datetime, limit: int = 3) -> list[dict[str, Any]]: ...
    def booking_by_id(self, booking_id: str) -> Booking | None: ...
    def book(self, new: NewBooking, now: datetime) -> tuple[bool, Booking]: ...
    def active_booking(self, citizen_key: str) -> Booking | None: ...
    def change(
        self,
        reference: str,
        citizen_key: str,
        version: int,
        changes: dict[str, Any],
        now: datetime,
    ) -> Booking: ...
    def cancel(
        self, reference: str, citizen_key: str, version: int | None, now: datetime
    ) -> Booking: ...
    def registered(self, citizen_key: str) -> bool: ...
    def verify_pending(self, now: datetime) -> tuple[int, int]: ...
    def terminal_for_token(self, token: str) -> Terminal | None: ...


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _iso(now: datetime) -> str:
    return now.astimezone(BANGKOK).isoformat(timespec="seconds")


class SqliteStore:
    """The SQLite store. One connection per thread; every write in BEGIN IMMEDIATE."""

    def __init__(self, path: str | Path, *, synchronous: str = "FULL") -> None:
        self.path = str(path)
        if synchronous.upper() not in ("FULL", "NORMAL", "EXTRA"):
            raise StoreError(f"synchronous must be FULL, NORMAL or EXTRA, not {synchronous!r}")
        self.synchronous = synchronous.upper()
        self._local = threading.local()
        self._all: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        try:
            conn = self._conn()
            conn.execute("PRAGMA journal_mode=WAL")
            conn.executescript(SCHEMA)
            found = self.meta("schema_version")
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path!r} is not a usable database: {exc}") from None
        if found is None:
            self.set_meta("schema_version", str(SCHEMA_VERSION))
            if not self.hours():
                for h in DEFAULT_HOURS:
                    self.set_hours(h)
        elif int(found) != SCHEMA_VERSION:
            raise StoreError(
                f"{self.path!r} has schema {found}, this central needs {SCHEMA_VERSION}"
            )

    # --- connections and transactions -------------------------------------------------------

    def _conn(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            _create_private(self.path)
            try:
                conn = sqlite3.connect(
                    self.path, isolation_level=None, timeout=10.0, check_same_thread=False
                )
            except sqlite3.Error as exc:
                raise StoreError(f"cannot open database {self.path!r}: {exc}") from None
            conn.row_factory = sqlite3.Row
            conn.execute(f"PRAGMA synchronous={self.synchronous}")
            conn.execute("PRAGMA foreign_keys=ON")
            conn.execute("PRAGMA busy_timeout=10000")
            self._local.conn = conn
            with self._lock:
                self._all.append(conn)
        return conn

    @contextlib.contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        conn = self._conn()
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    def close(self) -> None:
        with self._lock:
            for conn in self._all:
                with contextlib.suppress(sqlite3.Error):
                    conn.close()
            self._all.clear()
        self._local = threading.local()

    # --- configuration ----------------------------------------------------------------------

    def meta(self, key: str) -> str | None:
        row = self._conn().execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else row[0]

    def set_meta(self, key: str, value: str) -> None:
        with self._write() as c:
            c.execute(
                "INSERT INTO meta(key, value) VALUES (?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (key, value),
            )

    def hours(self) -> dict[str, ChannelHours]:
        rows = self._conn().execute("SELECT * FROM channel_hours ORDER BY channel").fetchall()
        return {
            r["channel"]: ChannelHours(
                r["channel"], r["opens"], r["closes"], date.fromisoformat(r["valid_from"])
            )
            for r in rows
        }

    def set_hours(self, hours: ChannelHours) -> None:
        with self._write() as c:
            c.execute(
                "INSERT INTO channel_hours(channel, opens, closes, valid_from) VALUES (?,?,?,?) "
                "ON CONFLICT(channel) DO UPDATE SET opens = excluded.opens, "
                "closes = excluded.closes, valid_from = excluded.valid_from",
                (hours.channel, hours.opens, hours.closes, hours.valid_from.isoformat()),
            )

    def put_occupations(self, occupations: Sequence[Occupation]) -> None:
        with self._write() as c:
            c.execute("DELETE FROM occupations")
            c.executemany(
                "INSERT INTO occupations VALUES (?,?,?,?,?)",
                [
                    (o.code, o.label_th, o.label_en, int(o.free_text), i)
                    for i, o in enumerate(occupations)
                ],
            )

    def occupations(self) -> list[Occupation]:
        rows = self._conn().execute("SELECT * FROM occupations ORDER BY position").fetchall()
        return [
            Occupation(r["code"], r["label_th"], r["label_en"], bool(r["free_text"])) for r in rows
        ]

    # --- sites and slots --------------------------------------------------------------------

    def is_empty(self) -> bool:
        return self._conn().execute("SELECT count(*) FROM sites").fetchone()[0] == 0

    def put_sites(self, sites: Sequence[Site], slots: Sequence[Slot], version: str) -> None:
        with self._write() as c:
            c.executemany(
                "INSERT INTO sites VALUES (?,?,?,?,?,?,?,?) ON CONFLICT(site_id) DO UPDATE SET "
                "name_th=excluded.name_th, name_en=excluded.name_en, "
                "address_th=excluded.address_th, address_en=excluded.address_en, "
                "district_th=excluded.district_th, district_en=excluded.district_en, "
                "position=excluded.position",
                [
                    (
                        s.site_id,
                        s.name_th,
                        s.name_en,
                        s.address_th,
                        s.address_en,
                        s.district_th,
                        s.district_en,
                        s.position,
                    )
                    for s in sites
                ],
            )
            c.executemany(
                "INSERT INTO slots(slot_id, site_id, date, start, end, capacity, booked) "
                "VALUES (?,?,?,?,?,?,0) ON CONFLICT(slot_id) DO NOTHING",
                [(s.slot_id, s.site_id, s.date, s.start, s.end, s.capacity) for s in slots],
            )
            c.execute(
                "INSERT INTO meta(key, value) VALUES ('sites_version', ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (version,),
            )

    def sites(self) -> list[Site]:
        rows = self._conn().execute("SELECT * FROM sites ORDER BY position, site_id").fetchall()
        return [_site(r) for r in rows]

    def site(self, site_id: str) -> Site | None:
        row = self._conn().execute("SELECT * FROM sites WHERE site_id = ?", (site_id,)).fetchone()
        return None if row is None else _site(row)

    def slot(self, slot_id: str) -> Slot | None:
        row = self._conn().execute("SELECT * FROM slots WHERE slot_id = ?", (slot_id,)).fetchone()
        return None if row is None else _slot(row)

    def slots(self, site_id: str, first: date, last: date) -> list[Slot]:
        rows = (
            self._conn()
            .execute(
                "SELECT * FROM slots WHERE site_id = ? AND date BETWEEN ? AND ? "
                "ORDER BY date, start",
                (site_id, first.isoformat(), last.isoformat()),
            )
            .fetchall()
        )
        return [_slot(r) for r in rows]

    def alternatives(self, slot: Slot, now: datetime, limit: int = 3) -> list[dict[str, Any]]:
        """Open slots nearest in time to `slot`: first at the same site, then one per other site.

        A customer turned away from a full slot is shown a few choices at once instead of
        starting the search over; nearest in time comes first because people pick a time that
        fits their day.
        """
        local = now.astimezone(BANGKOK)
        today, hhmm = local.date().isoformat(), local.strftime("%H:%M")
        distance = (
            "abs((julianday(s.date) - julianday(:date)) * 24 * 60 "
            "+ (cast(substr(s.start, 1, 2) AS INTEGER) * 60 "
            "+ cast(substr(s.start, 4, 2) AS INTEGER))"
            " - :minutes)"
        )
        hh, mm = slot.start.split(":")
        params = {
            "site": slot.site_id,
            "date": slot.date,
            "minutes": int(hh) * 60 + int(mm),
            "today": today,
            "hhmm": hhmm,
            "limit": limit,
        }
        future = "(s.date > :today OR (s.date = :today AND s.start > :hhmm))"
        same = (
            self._conn()
            .execute(
                f"SELECT s.*, {distance} AS dist FROM slots s "  # noqa: S608
                f"WHERE s.site_id = :site AND s.booked < s.capacity AND {future} "
                "ORDER BY dist, s.date, s.start LIMIT :limit",
                params,
            )
            .fetchall()
        )
        others = (
            self._conn()
            .execute(
                "SELECT * FROM (SELECT s.*, st.position AS pos, "  # noqa: S608
                f"{distance} AS dist, row_number() OVER (PARTITION BY s.site_id "
                f"ORDER BY {distance}, s.date, s.start) AS rn FROM slots s JOIN sites st "
                "ON st.site_id = s.site_id WHERE s.site_id != :site AND s.booked < s.capacity "
                f"AND {future}) WHERE rn = 1 ORDER BY dist, pos LIMIT :limit",
                params,
            )
            .fetchall()
        )
        return [_slot(r).to_json() for r in (*same, *others)]

    # --- bookings ---------------------------------------------------------------------------

    _BOOKING_SELECT = (
        "SELECT b.*, s.site_id AS s_site_id, s.date AS s_date, s.start AS s_start, "
        "s.end AS s_end, s.capacity AS s_capacity, s.booked AS s_booked, "
        "st.name_th, st.name_en, st.address_th, st.address_en, st.district_th, st.district_en, "
        "st.position FROM bookings b JOIN slots s ON s.slot_id = b.slot_id "
        "JOIN sites st ON st.site_id = s.site_id "
    )

    def _booking(self, conn: sqlite3.Connection, where: str, params: tuple) -> Booking | None:
        row = conn.execute(self._BOOKING_SELECT + where, params).fetchone()
        return None if row is None else _booking(row)

    def booking_by_id(self, booking_id: str) -> Booking | None:
        return self._booking(self._conn(), "WHERE b.booking_id = ?", (booking_id,))

    def booking_by_reference(self, reference: str) -> Booking | None:
        return self._booking(self._conn(), "WHERE b.reference = ?", (reference,))

    def active_booking(self, citizen_key: str) -> Booking | None:
        return self._booking(
            self._conn(),
            "WHERE b.citizen_key = ? AND b.status != 'cancelled'",
            (citizen_key,),
        )

    def book(self, new: NewBooking, now: datetime) -> tuple[bool, Booking]:
        """Take a seat and record the booking, or refuse, all in one transaction.

        Returns (created, booking): created is False for an idempotent replay of the same key
        and body. Raises IdempotencyKeyReused, AlreadyBooked, SlotFull (without alternatives;
        the caller adds them outside the write lock).
        """
        stamp = _iso(now)
        with self._write() as c:
            existing = self._booking(c, "WHERE b.booking_id = ?", (new.booking_id,))
            if existing is not None:
                if existing.fingerprint != new.fingerprint:
                    raise IdempotencyKeyReused()
                return False, existing
            other = self._booking(
                c, "WHERE b.citizen_key = ? AND b.status != 'cancelled'", (new.citizen_key,)
            )
            if other is not None:
                # The request carries the card, so its bearer may see the booking it collides
                # with (the terminal offers to show, reprint or change it).
                raise AlreadyBooked(other.reference, other.to_json())
            taken = c.execute(
                "UPDATE slots SET booked = booked + 1 WHERE slot_id = ? AND booked < capacity",
                (new.slot_id,),
            ).rowcount
            if taken != 1:
                raise SlotFull(new.slot_id, [])
            for _attempt in range(5):
                reference = references.new_reference()
                try:
                    c.execute(
                        "INSERT INTO bookings(booking_id, reference, citizen_key, status, slot_id, "
                        "channel, terminal_id, masked_cid, card_json, phone, occupation_code, "
                        "occupation_other, answers_json, claimed_decision_json, decision_json, "
                        "fingerprint, confirmed_at, created_at, updated_at) "
                        "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                        (
                            new.booking_id,
                            reference,
                            new.citizen_key,
                            new.status,
                            new.slot_id,
                            new.channel,
                            new.terminal_id,
                            new.masked_cid,
                            json.dumps(new.card, ensure_ascii=False),
                            new.phone,
                            new.occupation_code,
                            new.occupation_other,
                            json.dumps(new.answers),
                            json.dumps(new.claimed_decision),
                            json.dumps(new.decision, ensure_ascii=False),
                            new.fingerprint,
                            new.confirmed_at,
                            stamp,
                            stamp,
                        ),
                    )
                    break
                except sqlite3.IntegrityError as exc:
                    if "bookings.reference" in str(exc):
                        continue  # a 1-in-2e10 collision: draw another reference
                    raise
            else:  # pragma: no cover - five collisions in a row means a broken random source
                raise StoreError("could not draw a unique booking reference")
            created = self._booking(c, "WHERE b.booking_id = ?", (new.booking_id,))
        assert created is not None
        return True, created

    def _owned(self, c: sqlite3.Connection, reference: str, citizen_key: str) -> Booking:
        booking = self._booking(c, "WHERE b.reference = ?", (reference,))
        # A reference with the wrong card is "not found", not "forbidden": a reference alone
        # must not confirm that a booking exists.
        if booking is None or booking.citizen_key != citizen_key:
            raise NotFound(
                "No booking with this reference for this ID card.",
                th="ไม่พบการจองหมายเลขนี้สำหรับบัตรประชาชนใบนี้",
            )
        return booking

    def change(
        self,
        reference: str,
        citizen_key: str,
        version: int,
        changes: dict[str, Any],
        now: datetime,
    ) -> Booking:
        """Change slot, phone or occupation, moving the seat atomically when the slot changes."""
        with self._write() as c:
            booking = self._owned(c, reference, citizen_key)
            if not booking.active:
                raise BookingCancelled(reference)
            if booking.version != version:
                raise VersionMismatch(booking.version)
            new_slot = changes.get("slot_id")
            if new_slot is not None and new_slot != booking.slot.slot_id:
                taken = c.execute(
                    "UPDATE slots SET booked = booked + 1 WHERE slot_id = ? AND booked < capacity",
                    (new_slot,),
                ).rowcount
                if taken != 1:
                    raise SlotFull(new_slot, [])
                c.execute(
                    "UPDATE slots SET booked = booked - 1 WHERE slot_id = ?",
                    (booking.slot.slot_id,),
                )
            sets, params = ["version = version + 1", "updated_at = ?"], [_iso(now)]
            for key, column in (
                ("slot_id", "slot_id"),
                ("phone", "phone"),
                ("occupation_code", "occupation_code"),
                ("occupation_other", "occupation_other"),
            ):
                if key in changes:
                    sets.append(f"{column} = ?")
                    params.append(changes[key])
            c.execute(
                f"UPDATE bookings SET {', '.join(sets)} WHERE booking_id = ?",  # noqa: S608
                (*params, booking.booking_id),
            )
            changed = self._booking(c, "WHERE b.booking_id = ?", (booking.booking_id,))
        assert changed is not None
        return changed

    def cancel(
        self,
        reference: str,
        citizen_key: str,
        version: int | None,
        now: datetime,
        reason: str = "cancelled-by-citizen",
    ) -> Booking:
        """Cancel and free the seat. Cancelling a cancelled booking again answers it as it is."""
        with self._write() as c:
            booking = self._owned(c, reference, citizen_key)
            if not booking.active:
                return booking
            if version is not None and booking.version != version:
                raise VersionMismatch(booking.version)
            self._cancel(c, booking, reason, now)
            cancelled = self._booking(c, "WHERE b.booking_id = ?", (booking.booking_id,))
        assert cancelled is not None
        return cancelled

    @staticmethod
    def _cancel(c: sqlite3.Connection, booking: Booking, reason: str, now: datetime) -> None:
        c.execute(
            "UPDATE bookings SET status = 'cancelled', cancel_reason = ?, "
            "version = version + 1, updated_at = ? WHERE booking_id = ? AND status != 'cancelled'",
            (reason, _iso(now), booking.booking_id),
        )
        c.execute("UPDATE slots SET booked = booked - 1 WHERE slot_id = ?", (booking.slot.slot_id,))

    def verify_pending(self, now: datetime) -> tuple[int, int]:
        """Settle provisional bookings against the registry: (confirmed, cancelled)."""
        stamp = _iso(now)
        with self._write() as c:
            confirmed = c.execute(
                "UPDATE bookings SET status = 'confirmed', version = version + 1, "
                "updated_at = ? WHERE status = 'pending-verification' "
                "AND citizen_key IN (SELECT citizen_key FROM registry)",
                (stamp,),
            ).rowcount
            rejected = c.execute(
                self._BOOKING_SELECT + "WHERE b.status = 'pending-verification'"
            ).fetchall()
            for row in rejected:
                self._cancel(c, _booking(row), "not-in-registry", now)
        return confirmed, len(rejected)

    # --- registry ---------------------------------------------------------------------------

    def registered(self, citizen_key: str) -> bool:
        row = (
            self._conn()
            .execute("SELECT 1 FROM registry WHERE citizen_key = ?", (citizen_key,))
            .fetchone()
        )
        return row is not None

    def put_registry(self, citizen_key: str, programme: str) -> None:
        with self._write() as c:
            c.execute(
                "INSERT INTO registry VALUES (?, ?) ON CONFLICT(citizen_key) DO UPDATE SET "
                "programme = excluded.programme",
                (citizen_key, programme),
            )

    # --- terminals --------------------------------------------------------------------------

    def new_enrolment_code(self, store: str, now: datetime, ttl: timedelta) -> str:
        body = "".join(secrets.choice(references.ALPHABET) for _ in range(12))
        code = f"{body[:4]}-{body[4:8]}-{body[8:]}"
        with self._write() as c:
            c.execute(
                "INSERT INTO enrolment_codes(code_hash, store, created_at, expires_at) "
                "VALUES (?,?,?,?)",
                (_hash(_normal_code(code)), store, _iso(now), _iso(now + ttl)),
            )
        return code

    def enrol(self, code: str, terminal_id: str, store: str, now: datetime) -> tuple[str, str]:
        """Spend a one-time code for a token: (token, store). The code cannot be spent twice."""
        with self._write() as c:
            row = c.execute(
                "SELECT * FROM enrolment_codes WHERE code_hash = ?", (_hash(_normal_code(code)),)
            ).fetchone()
            if row is None:
                raise EnrolmentRefused(
                    "enrolment-code-unknown",
                    "This enrolment code is not known; check it or ask for a new one.",
                    "ไม่พบรหัสลงทะเบียนนี้ กรุณาตรวจสอบหรือขอรหัสใหม่",
                )
            if row["used_at"] is not None:
                raise EnrolmentRefused(
                    "enrolment-code-used",
                    "This enrolment code has already been used; ask for a new one.",
                    "รหัสลงทะเบียนนี้ถูกใช้ไปแล้ว กรุณาขอรหัสใหม่",
                )
            if datetime.fromisoformat(row["expires_at"]) <= now:
                raise EnrolmentRefused(
                    "enrolment-code-expired",
                    "This enrolment code has expired; ask for a new one.",
                    "รหัสลงทะเบียนนี้หมดอายุแล้ว กรุณาขอรหัสใหม่",
                )
            if row["store"] != store:
                raise EnrolmentRefused(
                    "enrolment-store-mismatch",
                    "This enrolment code was issued for another store.",
                    "รหัสลงทะเบียนนี้ออกให้ร้านอื่น",
                )
            c.execute(
                "UPDATE enrolment_codes SET used_at = ?, used_by = ? WHERE code_hash = ?",
                (_iso(now), terminal_id, row["code_hash"]),
            )
            token = self._issue(c, terminal_id, store, "kiosk", now)
        return token, store

    def issue_token(self, terminal_id: str, store: str, channel: str, now: datetime) -> str:
        with self._write() as c:
            return self._issue(c, terminal_id, store, channel, now)

    @staticmethod
    def _issue(
        c: sqlite3.Connection, terminal_id: str, store: str, channel: str, now: datetime
    ) -> str:
        # Enrolling a terminal again (a reinstall) replaces its token: the old one stops working.
        token = secrets.token_urlsafe(32)
        c.execute(
            "INSERT INTO terminals(terminal_id, store, channel, token_hash, created_at) "
            "VALUES (?,?,?,?,?) ON CONFLICT(terminal_id) DO UPDATE SET store = excluded.store, "
            "channel = excluded.channel, token_hash = excluded.token_hash, "
            "created_at = excluded.created_at, revoked_at = NULL",
            (terminal_id, store, channel, _hash(token), _iso(now)),
        )
        return token

    def revoke(self, terminal_id: str, now: datetime) -> bool:
        with self._write() as c:
            return (
                c.execute(
                    "UPDATE terminals SET token_hash = NULL, revoked_at = ? "
                    "WHERE terminal_id = ? AND token_hash IS NOT NULL",
                    (_iso(now), terminal_id),
                ).rowcount
                == 1
            )

    def terminal_for_token(self, token: str) -> Terminal | None:
        row = (
            self._conn()
            .execute(
                "SELECT terminal_id, store, channel FROM terminals WHERE token_hash = ?",
                (_hash(token),),
            )
            .fetchone()
        )
        return None if row is None else Terminal(row[0], row[1], row[2])

    # --- checks -----------------------------------------------------------------------------

    def capacity_report(self) -> dict[str, int]:
        """Figures that must agree if no slot was ever overbooked (bench and tests)."""
        c = self._conn()
        overbooked = c.execute("SELECT count(*) FROM slots WHERE booked > capacity").fetchone()[0]
        mismatched = c.execute(
            "SELECT count(*) FROM slots s WHERE s.booked != (SELECT count(*) FROM bookings b "
            "WHERE b.slot_id = s.slot_id AND b.status != 'cancelled')"
        ).fetchone()[0]
        over_active = c.execute(
            "SELECT count(*) FROM (SELECT b.slot_id, count(*) AS n, s.capacity FROM bookings b "
            "JOIN slots s ON s.slot_id = b.slot_id WHERE b.status != 'cancelled' "
            "GROUP BY b.slot_id HAVING n > s.capacity)"
        ).fetchone()[0]
        doubles = c.execute(
            "SELECT count(*) FROM (SELECT citizen_key FROM bookings WHERE status != 'cancelled' "
            "GROUP BY citizen_key HAVING count(*) > 1)"
        ).fetchone()[0]
        active = c.execute("SELECT count(*) FROM bookings WHERE status != 'cancelled'").fetchone()[
            0
        ]
        return {
            "active_bookings": active,
            "overbooked_slots": overbooked + over_active,
            "counter_mismatches": mismatched,
            "citizens_with_two_active": doubles,
        }


def _create_private(path: str) -> None:
    """Create the database file readable by its owner only: it holds card data (PDPA)."""
    if path == ":memory:" or os.path.exists(path):
        return
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


def _normal_code(code: str) -> str:
    return "".join(code.upper().split()).replace("-", "")


def _site(r: sqlite3.Row) -> Site:
    return Site(
        r["site_id"],
        r["name_th"],
        r["name_en"],
        r["address_th"],
        r["address_en"],
        r["district_th"],
        r["district_en"],
        r["position"],
    )


def _slot(r: sqlite3.Row) -> Slot:
    return Slot(
        r["slot_id"], r["site_id"], r["date"], r["start"], r["end"], r["capacity"], r["booked"]
    )


def _booking(r: sqlite3.Row) -> Booking:
    slot = Slot(
        r["slot_id"],
        r["s_site_id"],
        r["s_date"],
        r["s_start"],
        r["s_end"],
        r["s_capacity"],
        r["s_booked"],
    )
    site = Site(
        r["s_site_id"],
        r["name_th"],
        r["name_en"],
        r["address_th"],
        r["address_en"],
        r["district_th"],
        r["district_en"],
        r["position"],
    )
    return Booking(
        booking_id=r["booking_id"],
        reference=r["reference"],
        status=r["status"],
        slot=slot,
        site=site,
        channel=r["channel"],
        terminal_id=r["terminal_id"],
        masked_cid=r["masked_cid"],
        phone=r["phone"],
        occupation_code=r["occupation_code"],
        occupation_other=r["occupation_other"],
        confirmed_at=r["confirmed_at"],
        created_at=r["created_at"],
        updated_at=r["updated_at"],
        cancel_reason=r["cancel_reason"],
        version=r["version"],
        fingerprint=r["fingerprint"],
        citizen_key=r["citizen_key"],
    )
