"""The offline journal: one SQLite file that keeps every confirmed booking until the central has it.

Durability first (DESIGN §6, reference/offline-sync.md §4):
- WAL, and `synchronous=FULL` on every connection: only that survives a power cut, and the setting
  is not stored in the file.
- A booking is inserted and committed before `add` returns; nothing is told to the customer before.
- Claims use `BEGIN IMMEDIATE`, so two senders (the kiosk and the replay thread, or a second
  process) never both take the same row; a crash while `sending` leaves a lease that runs out and
  the row is sent again under the same idempotency key. The lease names its owner process, so a
  restarted kiosk need not wait the lease out when the owner is provably dead.
- Oldest first by insertion sequence, not by a clock that can jump.
- `secure_delete`, and the personal data sealed anyway: the clear columns hold only what DESIGN §6
  allows (ids, state, times, site and slot, masked CID, keyed hash, slip fields).

Failure is typed: a full disk or an unreadable file is a JournalError; a corrupt file is kept
untouched for recovery and the kiosk goes out of service rather than writing around it.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import sqlite3
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from kiosk.booking.errors import AlreadyQueued, JournalError
from kiosk.booking.ports import JournalRecord

log = logging.getLogger(__name__)

STATES = ("queued", "sending", "confirmed", "rejected", "conflict")
PENDING = ("queued", "sending")

MIGRATIONS: list[str] = [
    # 1: bookings and their history
    """
    CREATE TABLE bookings (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        booking_id TEXT NOT NULL UNIQUE,
        state TEXT NOT NULL CHECK (state IN ('queued','sending','confirmed','rejected','conflict')),
        finalized_at TEXT NOT NULL,
        created_utc TEXT NOT NULL,
        updated_utc TEXT NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_utc TEXT NOT NULL,
        lease_until_utc TEXT,
        lease_owner TEXT,
        site_id TEXT NOT NULL,
        slot_id TEXT NOT NULL,
        slot_date TEXT NOT NULL,
        slot_start TEXT NOT NULL,
        slot_end TEXT NOT NULL,
        masked_cid TEXT NOT NULL,
        cid_key TEXT NOT NULL,
        reference TEXT,
        central_status TEXT,
        outcome_code TEXT,
        outcome_detail TEXT,
        outcome_extra TEXT,
        last_error TEXT,
        acknowledged INTEGER NOT NULL DEFAULT 0,
        slip TEXT NOT NULL,
        sealed TEXT NOT NULL
    );
    CREATE INDEX bookings_due ON bookings (state, next_attempt_utc, seq);
    CREATE INDEX bookings_cid ON bookings (cid_key);
    CREATE UNIQUE INDEX bookings_one_pending_per_citizen ON bookings (cid_key)
        WHERE state IN ('queued', 'sending');
    CREATE TABLE events (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        booking_id TEXT NOT NULL,
        at_utc TEXT NOT NULL,
        state TEXT NOT NULL,
        detail TEXT
    );
    """,
]


def _process_start(pid: int) -> str | None:
    """The start time of a process (Linux /proc), to tell it from a later one with its pid."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return stat.rsplit(")", 1)[1].split()[19]


def _owner_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{_process_start(os.getpid()) or '?'}"


def owner_alive(owner: str) -> bool:
    """False only when we can prove the lease's owner process is gone; True when unsure."""
    try:
        host, pid_text, start = owner.rsplit(":", 2)
        pid = int(pid_text)
    except ValueError:
        return True
    if host != socket.gethostname() or start == "?":
        return True
    return _process_start(pid) == start


#: This process, as a lease owner. Computed per process (forks get their own).
OWNER = _owner_id()


def _iso(dt: datetime) -> str:
    return dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f+00:00")


@dataclass(frozen=True)
class Entry:
    """A journal row as the technician and the replay see it (never personal data)."""

    seq: int
    booking_id: str
    state: str
    finalized_at: str
    created_utc: str
    updated_utc: str
    attempts: int
    next_attempt_utc: str
    site_id: str
    slot_id: str
    slot_date: str
    slot_start: str
    slot_end: str
    masked_cid: str
    cid_key: str
    reference: str | None
    central_status: str | None
    outcome_code: str | None
    outcome_detail: str | None
    outcome_extra: dict[str, Any]
    last_error: str | None
    acknowledged: bool
    slip: dict[str, Any]
    sealed: dict[str, Any]

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> Entry:
        return cls(
            seq=row["seq"],
            booking_id=row["booking_id"],
            state=row["state"],
            finalized_at=row["finalized_at"],
            created_utc=row["created_utc"],
            updated_utc=row["updated_utc"],
            attempts=row["attempts"],
            next_attempt_utc=row["next_attempt_utc"],
            site_id=row["site_id"],
            slot_id=row["slot_id"],
            slot_date=row["slot_date"],
            slot_start=row["slot_start"],
            slot_end=row["slot_end"],
            masked_cid=row["masked_cid"],
            cid_key=row["cid_key"],
            reference=row["reference"],
            central_status=row["central_status"],
            outcome_code=row["outcome_code"],
            outcome_detail=row["outcome_detail"],
            outcome_extra=json.loads(row["outcome_extra"] or "{}"),
            last_error=row["last_error"],
            acknowledged=bool(row["acknowledged"]),
            slip=json.loads(row["slip"]),
            sealed=json.loads(row["sealed"]),
        )


class SqliteJournal:
    """The journal. One instance per thread: SQLite connections do not cross threads."""

    def __init__(self, path: str | Path, *, clock: Callable[[], datetime] | None = None) -> None:
        self.path = Path(path)
        self._clock = clock or (lambda: datetime.now(UTC))
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # isolation_level=None: no implicit transactions; every write here says BEGIN IMMEDIATE
            self.db = Database(sqlite3.connect(str(self.path), timeout=10.0, isolation_level=None))
            self._pragmas()
            self._check()
            self._migrate()
        except sqlite3.DatabaseError as exc:
            raise self._error(exc, "opening") from None
        except OSError as exc:
            raise JournalError(
                f"cannot open the journal {self.path}: {exc.strerror}", code="journal-unreadable"
            ) from None

    def close(self) -> None:
        self.db.close()

    # setup -----------------------------------------------------------------------------------

    def _pragmas(self) -> None:
        conn = self.db.conn
        conn.execute("PRAGMA busy_timeout = 10000")
        mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if mode.lower() != "wal":
            raise JournalError(
                f"the journal {self.path} cannot use WAL (got {mode})", code="journal-unreadable"
            )
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA secure_delete = ON")
        conn.execute("PRAGMA foreign_keys = ON")

    def _check(self) -> None:
        result = self.db.conn.execute("PRAGMA quick_check").fetchone()[0]
        if result != "ok":
            raise JournalError(
                f"the journal {self.path} is damaged ({result}); it has been left "
                "untouched for recovery",
                code="journal-corrupt",
            )

    def _migrate(self) -> None:
        """Bring the schema up to date, one step per transaction.

        The version is read again under the write lock: two processes opening a new journal at
        once (the kiosk and `kiosk sync run`) must not both create the tables.
        """
        while True:
            with self._immediate() as conn:
                version = conn.execute("PRAGMA user_version").fetchone()[0]
                if version > len(MIGRATIONS):
                    raise JournalError(
                        f"the journal {self.path} was written by a newer kiosk (schema {version})",
                        code="journal-too-new",
                    )
                if version == len(MIGRATIONS):
                    return
                for statement in MIGRATIONS[version].split(";"):
                    if statement.strip():
                        conn.execute(statement)
                conn.execute(f"PRAGMA user_version = {version + 1}")

    # transactions ----------------------------------------------------------------------------

    @contextmanager
    def _immediate(self) -> Iterator[sqlite3.Connection]:
        """BEGIN IMMEDIATE: take the write lock now, not at the first write."""
        conn = self.db.conn
        try:
            conn.execute("BEGIN IMMEDIATE")
        except sqlite3.DatabaseError as exc:
            raise self._error(exc, "writing") from None
        try:
            yield conn
            conn.execute("COMMIT")
        except sqlite3.DatabaseError as exc:
            if conn.in_transaction:  # SQLite may already have rolled back (a full disk does)
                conn.execute("ROLLBACK")
            raise self._error(exc, "writing") from None
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise

    def _error(self, exc: sqlite3.DatabaseError, doing: str) -> JournalError:
        message = str(exc)
        if "full" in message:
            return JournalError(
                f"the journal's disk is full while {doing} ({message})", code="journal-full"
            )
        if "not a database" in message or "malformed" in message or "corrupt" in message:
            return JournalError(
                f"the journal {self.path} is damaged ({message}); it has been left "
                "untouched for recovery",
                code="journal-corrupt",
            )
        if "locked" in message or "busy" in message:
            return JournalError(
                f"the journal is locked by another process ({message})", code="journal-busy"
            )
        return JournalError(
            f"the journal failed while {doing}: {message}", code="journal-unreadable"
        )

    def _event(
        self, conn: sqlite3.Connection, booking_id: str, state: str, detail: str | None = None
    ) -> None:
        conn.execute(
            "INSERT INTO events (booking_id, at_utc, state, detail) VALUES (?, ?, ?, ?)",
            (booking_id, _iso(self._clock()), state, detail),
        )

    def _read(self, sql: str, params: tuple[Any, ...] = ()) -> list[dict[str, Any]]:
        try:
            return list(self.db.query(sql, params))
        except sqlite3.DatabaseError as exc:
            raise self._error(exc, "reading") from None

    # the port used by the booking service ----------------------------------------------------

    def queued_for(self, cid_key: str) -> str | None:
        rows = self._read(
            "SELECT booking_id FROM bookings WHERE cid_key = ? AND state IN "
            "('queued', 'sending') ORDER BY seq LIMIT 1",
            (cid_key,),
        )
        return rows[0]["booking_id"] if rows else None

    def add(self, record: JournalRecord) -> None:
        """Insert and commit. Two processes racing to queue one citizen twice: one wins, the
        other gets AlreadyQueued (the partial unique index decides, not a read-then-write)."""
        now = _iso(self._clock())
        try:
            self._insert(record, now)
        except JournalError as exc:
            if "one_pending_per_citizen" in exc.en or "cid_key" in exc.en:
                raise AlreadyQueued(self.queued_for(record.cid_key) or "?") from None
            raise

    def _insert(self, record: JournalRecord, now: str) -> None:
        with self._immediate() as conn:
            conn.execute(
                "INSERT INTO bookings (booking_id, state, finalized_at, created_utc, updated_utc,"
                " next_attempt_utc, site_id, slot_id, slot_date, slot_start, slot_end, masked_cid,"
                " cid_key, slip, sealed)"
                " VALUES (?, 'queued', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    record.booking_id,
                    record.finalized_at.isoformat(timespec="seconds"),
                    now,
                    now,
                    now,
                    record.site_id,
                    record.slot_id,
                    record.slot_date,
                    record.slot_start,
                    record.slot_end,
                    record.masked_cid,
                    record.cid_key,
                    json.dumps(dict(record.slip), ensure_ascii=False),
                    json.dumps(dict(record.sealed)),
                ),
            )
            self._event(conn, record.booking_id, "queued")

    def claim(self, booking_id: str, lease_seconds: float) -> bool:
        """queued (or sending under a lapsed lease, or a dead owner's) -> sending, for us."""
        now = self._clock()
        dead = self._dead_owner(booking_id)
        with self._immediate() as conn:
            cur = conn.execute(
                "UPDATE bookings SET state = 'sending', attempts = attempts + 1, "
                "lease_until_utc = ?, lease_owner = ?, updated_utc = ? WHERE booking_id = ? AND "
                "(state = 'queued' OR (state = 'sending' AND "
                "(lease_until_utc < ? OR lease_owner = ?)))",
                (
                    _iso(now + timedelta(seconds=lease_seconds)),
                    OWNER,
                    _iso(now),
                    booking_id,
                    _iso(now),
                    dead,
                ),
            )
            if cur.rowcount:
                self._event(conn, booking_id, "sending")
            return cur.rowcount == 1

    def _dead_owner(self, booking_id: str) -> str | None:
        """The owner of this booking's lease if that process is known to be gone."""
        rows = self._read(
            "SELECT lease_owner FROM bookings WHERE booking_id = ? AND state = 'sending'",
            (booking_id,),
        )
        owner = rows[0]["lease_owner"] if rows else None
        return owner if owner and owner != OWNER and not owner_alive(owner) else None

    def confirm(self, booking_id: str, reference: str, central_status: str) -> None:
        with self._immediate() as conn:
            cur = conn.execute(
                "UPDATE bookings SET state = 'confirmed', reference = ?, central_status = ?, "
                "lease_until_utc = NULL, last_error = NULL, updated_utc = ? WHERE booking_id = ? "
                "AND state IN ('queued', 'sending')",
                (reference, central_status, _iso(self._clock()), booking_id),
            )
            if cur.rowcount:  # the history records what happened, nothing else
                self._event(conn, booking_id, "confirmed", central_status)

    def settle(
        self,
        booking_id: str,
        state: str,
        code: str,
        detail: str,
        extra: Mapping[str, Any],
        *,
        seen: bool = False,
    ) -> None:
        """-> rejected or conflict. `seen`: the customer was told at the counter (no notice
        is owed at the next visit)."""
        if state not in ("rejected", "conflict"):
            raise ValueError(state)
        reference = extra.get("reference")  # the winner of a conflict, or our cancelled one
        with self._immediate() as conn:
            cur = conn.execute(
                "UPDATE bookings SET state = ?, outcome_code = ?, outcome_detail = ?, "
                "outcome_extra = ?, reference = COALESCE(?, reference), lease_until_utc = NULL, "
                "acknowledged = ?, updated_utc = ? WHERE booking_id = ? "
                "AND state IN ('queued', 'sending')",
                (
                    state,
                    code,
                    detail,
                    json.dumps(dict(extra), ensure_ascii=False),
                    reference,
                    int(seen),
                    _iso(self._clock()),
                    booking_id,
                ),
            )
            if cur.rowcount:
                self._event(conn, booking_id, state, code)

    def release(self, booking_id: str, error: str, retry_in: float) -> None:
        now = self._clock()
        with self._immediate() as conn:
            cur = conn.execute(
                "UPDATE bookings SET state = 'queued', lease_until_utc = NULL, last_error = ?, "
                "next_attempt_utc = ?, updated_utc = ? WHERE booking_id = ? AND state = 'sending'",
                (error, _iso(now + timedelta(seconds=retry_in)), _iso(now), booking_id),
            )
            if cur.rowcount:
                self._event(conn, booking_id, "queued", error)

    # the replay and the technician ------------------------------------------------------------

    def retry_now(self) -> int:
        """Make every queued booking due at once (a technician's "sync now")."""
        with self._immediate() as conn:
            return conn.execute(
                "UPDATE bookings SET next_attempt_utc = ? WHERE state = 'queued'",
                (_iso(self._clock()),),
            ).rowcount

    def due(self, limit: int = 100) -> list[Entry]:
        """Bookings to send now, oldest first: queued and due, or sending with a lapsed lease
        or a dead owner (a crashed process)."""
        now = _iso(self._clock())
        rows = self._read(
            "SELECT * FROM bookings WHERE (state = 'queued' AND next_attempt_utc <= ?) OR "
            "state = 'sending' ORDER BY seq LIMIT ?",
            (now, limit),
        )
        return [
            Entry.from_row(r)
            for r in rows
            if r["state"] == "queued"
            or r["lease_until_utc"] < now
            or (r["lease_owner"] not in (None, OWNER) and not owner_alive(r["lease_owner"]))
        ]

    def next_due_utc(self) -> str | None:
        rows = self._read("SELECT MIN(next_attempt_utc) AS t FROM bookings WHERE state = 'queued'")
        return rows[0]["t"] if rows else None

    def get(self, booking_id: str) -> Entry | None:
        rows = self._read("SELECT * FROM bookings WHERE booking_id = ?", (booking_id,))
        return Entry.from_row(rows[0]) if rows else None

    def entries(self, limit: int = 1000, states: tuple[str, ...] = STATES) -> list[Entry]:
        marks = ",".join("?" * len(states))
        rows = self._read(
            f"SELECT * FROM bookings WHERE state IN ({marks}) ORDER BY seq DESC "  # noqa: S608
            "LIMIT ?",
            (*states, limit),
        )
        return [Entry.from_row(r) for r in rows]

    def counts(self) -> dict[str, int]:
        out = dict.fromkeys(STATES, 0)
        for row in self._read("SELECT state, COUNT(*) AS n FROM bookings GROUP BY state"):
            out[row["state"]] = row["n"]
        return out

    def oldest_pending(self) -> Entry | None:
        rows = self._read(
            "SELECT * FROM bookings WHERE state IN ('queued', 'sending') ORDER BY seq LIMIT 1"
        )
        return Entry.from_row(rows[0]) if rows else None

    def for_citizen(self, cid_key: str) -> list[Entry]:
        """Everything this terminal knows of one citizen, newest first (the card is present)."""
        rows = self._read("SELECT * FROM bookings WHERE cid_key = ? ORDER BY seq DESC", (cid_key,))
        return [Entry.from_row(r) for r in rows]

    def acknowledge(self, booking_id: str) -> None:
        """The customer has been shown this rejection or conflict."""
        with self._immediate() as conn:
            conn.execute("UPDATE bookings SET acknowledged = 1 WHERE booking_id = ?", (booking_id,))

    def last_event(self, states: tuple[str, ...]) -> dict[str, Any] | None:
        """The newest history row in one of `states` (`at_utc`, `state`, `detail`)."""
        marks = ",".join("?" * len(states))
        rows = self._read(
            f"SELECT at_utc, state, detail FROM events WHERE state IN ({marks}) "  # noqa: S608
            "ORDER BY id DESC LIMIT 1",
            states,
        )
        return rows[0] if rows else None

    def last_error(self) -> dict[str, Any] | None:
        """The newest failed send (a booking put back in the queue with a reason)."""
        rows = self._read(
            "SELECT at_utc, state, detail FROM events WHERE state = 'queued' AND "
            "detail IS NOT NULL ORDER BY id DESC LIMIT 1"
        )
        return rows[0] if rows else None

    def events(self, booking_id: str) -> list[dict[str, Any]]:
        return self._read(
            "SELECT at_utc, state, detail FROM events WHERE booking_id = ? ORDER BY id",
            (booking_id,),
        )

    def integrity(self) -> str:
        rows = self._read("PRAGMA integrity_check")
        return ", ".join(str(next(iter(r.values()))) for r in rows)
