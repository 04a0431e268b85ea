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
- `secure_delete`, and the personal data sealed anyway: the clear columns hold ids, state, times,
  site and slot, slip fields and a slow keyed hash of the citizen ID, no digit of the ID itself;
  the hash and the sealed body are deleted when no longer needed (sync/journal_privacy.py,
  docs/journal-privacy.md).

Failure is typed: a full disk or an unreadable file is a JournalError; a corrupt file is kept
untouched for recovery and the kiosk goes out of service rather than writing around it.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import socket
import sqlite3
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from kiosk.booking.errors import AlreadyQueued, JournalError
from kiosk.booking.ports import JournalRecord
from kiosk.leases import Lease
from sync import journal_privacy
from sync.crash import crash_point

log = logging.getLogger(__name__)

STATES = ("queued", "sending", "confirmed-offline", "confirmed", "rejected", "conflict")
#: Not yet at the central: a confirmed-offline booking is final for the customer, but the central
#: still has to hear of it.
#: How long opening a journal retries while another process holds the lock it needs.
OPEN_RETRY_SECONDS = 30.0

PENDING = ("queued", "sending", "confirmed-offline")

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
    # 2: seat leases (DESIGN §11, docs/leases.md). SQLite cannot alter a CHECK constraint, so the
    # bookings table is rebuilt with the new state and columns, every row and index kept; this
    # runs inside the one migration transaction, so a crash leaves schema 1 or schema 2, never a
    # half. `lease_until_utc`/`lease_owner` stay the sender's claim on a row (an older name);
    # the seat leases live in their own tables.
    """
    CREATE TABLE bookings_v2 (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        booking_id TEXT NOT NULL UNIQUE,
        state TEXT NOT NULL CHECK (state IN
            ('queued','sending','confirmed-offline','confirmed','rejected','conflict')),
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
        sealed TEXT NOT NULL,
        lease_id TEXT,
        slip_code TEXT,
        confirmed_by TEXT CHECK (confirmed_by IN ('central','terminal'))
    );
    INSERT INTO bookings_v2 (
            seq, booking_id, state, finalized_at, created_utc, updated_utc, attempts,
            next_attempt_utc, lease_until_utc, lease_owner, site_id, slot_id, slot_date,
            slot_start, slot_end, masked_cid, cid_key, reference, central_status, outcome_code,
            outcome_detail, outcome_extra, last_error, acknowledged, slip, sealed, confirmed_by)
        SELECT
            seq, booking_id, state, finalized_at, created_utc, updated_utc, attempts,
            next_attempt_utc, lease_until_utc, lease_owner, site_id, slot_id, slot_date,
            slot_start, slot_end, masked_cid, cid_key, reference, central_status, outcome_code,
            outcome_detail, outcome_extra, last_error, acknowledged, slip, sealed,
            CASE WHEN state = 'confirmed' THEN 'central' END
        FROM bookings;
    DROP TABLE bookings;
    ALTER TABLE bookings_v2 RENAME TO bookings;
    CREATE INDEX bookings_due ON bookings (state, next_attempt_utc, seq);
    CREATE INDEX bookings_cid ON bookings (cid_key);
    CREATE UNIQUE INDEX bookings_one_pending_per_citizen ON bookings (cid_key)
        WHERE state IN ('queued', 'sending', 'confirmed-offline');
    CREATE TABLE leases (
        lease_id TEXT PRIMARY KEY,
        slot_id TEXT NOT NULL,
        site_id TEXT NOT NULL,
        slot_date TEXT NOT NULL,
        slot_start TEXT NOT NULL,
        slot_end TEXT NOT NULL,
        seats INTEGER NOT NULL CHECK (seats > 0),
        granted_at TEXT NOT NULL,
        use_until_utc TEXT NOT NULL,
        envelope TEXT NOT NULL,
        released INTEGER NOT NULL DEFAULT 0,
        stored_utc TEXT NOT NULL
    );
    CREATE INDEX leases_slot ON leases (slot_id, released, use_until_utc);
    CREATE TABLE lease_seats (
        lease_id TEXT NOT NULL REFERENCES leases (lease_id) ON DELETE CASCADE,
        reference TEXT NOT NULL,
        booking_id TEXT UNIQUE,
        spent_utc TEXT,
        acknowledged INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (lease_id, reference),
        CHECK ((booking_id IS NULL) = (spent_utc IS NULL))
    );
    """,
    # 3: the store's own day (DESIGN §14, sync/store_log.py): calls for a clerk, information
    # slips printed, and the clerk's pause. No personal data: times, screens, routes.
    """
    CREATE TABLE staff_calls (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        opened_utc TEXT NOT NULL,
        screen TEXT NOT NULL,
        closed_utc TEXT,
        closed_how TEXT CHECK (closed_how IN ('answered','cancelled','session-ended','restarted')),
        CHECK ((closed_utc IS NULL) = (closed_how IS NULL))
    );
    CREATE INDEX staff_calls_open ON staff_calls (closed_utc);
    CREATE TABLE info_slips (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        printed_utc TEXT NOT NULL,
        route TEXT
    );
    CREATE TABLE terminal_state (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL,
        updated_utc TEXT NOT NULL
    );
    """,
    # 4: no digit of the citizen ID in the clear, the slow hash, deletion (sync/journal_privacy)
    journal_privacy.MIGRATION_4,
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
    #: The slow keyed hash of the citizen ID; None once purged (sync/journal_privacy.py).
    cid_key: str | None
    reference: str | None
    central_status: str | None
    outcome_code: str | None
    outcome_detail: str | None
    outcome_extra: dict[str, Any]
    last_error: str | None
    acknowledged: bool
    slip: dict[str, Any]
    #: The sealed request body; {} once the central has answered (only the replay needs it).
    sealed: dict[str, Any]
    #: A booking confirmed at the terminal from a seat lease: the lease, the slip's QR text
    #: (kiosk.leases.SlipCode; no personal data) and who confirmed it ('central'|'terminal').
    lease_id: str | None = None
    slip_code: str | None = None
    confirmed_by: str | None = None

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
            cid_key=row["cid_key"],
            reference=row["reference"],
            central_status=row["central_status"],
            outcome_code=row["outcome_code"],
            outcome_detail=row["outcome_detail"],
            outcome_extra=json.loads(row["outcome_extra"] or "{}"),
            last_error=row["last_error"],
            acknowledged=bool(row["acknowledged"]),
            slip=json.loads(row["slip"]),
            sealed=json.loads(row["sealed"] or "{}"),
            lease_id=row["lease_id"],
            slip_code=row["slip_code"],
            confirmed_by=row["confirmed_by"],
        )


@dataclass(frozen=True)
class LeaseEntry:
    """A seat lease the terminal holds, as `kiosk leases list`, sync status, doctor and the
    clerk screen show it. `seats_left` counts unspent seats (whether or not still usable)."""

    lease_id: str
    slot_id: str
    site_id: str
    date: str
    start: str
    end: str
    seats: int
    seats_left: int
    use_until: datetime
    granted_at: datetime
    released: bool = False

    def usable_at(self, now: datetime) -> bool:
        return not self.released and now < self.use_until

    def to_json(self) -> dict[str, Any]:
        return {
            "lease_id": self.lease_id,
            "slot_id": self.slot_id,
            "site_id": self.site_id,
            "date": self.date,
            "start": self.start,
            "end": self.end,
            "seats": self.seats,
            "seats_left": self.seats_left,
            "use_until": self.use_until.isoformat(timespec="seconds"),
            "granted_at": self.granted_at.isoformat(timespec="seconds"),
        }


#: Signs an offline confirmation: (reference, lease_id) -> the slip code text.
SlipSigner = Callable[[str, str], str]


class SqliteJournal:
    """The journal. One instance per thread: SQLite connections do not cross threads."""

    def __init__(
        self,
        path: str | Path,
        *,
        clock: Callable[[], datetime] | None = None,
        cid_secret: bytes | None = None,
    ) -> None:
        """`cid_secret`: the terminal's hash key. Only an opener that has it can finish
        migration 4 (re-keying old pending rows, sync/journal_privacy.py); the Terminal, its
        replay worker and the kiosk's journal lane pass it."""
        self.path = Path(path)
        self._clock = clock or (lambda: datetime.now(UTC))
        # Several processes opening a new journal at once (the kiosk and `kiosk sync run`):
        # switching it to WAL needs an exclusive lock, and SQLite answers "database is locked"
        # at once, without its busy handler, where waiting could deadlock; the loser opens
        # again. Found under the full suite's load once migration 2 made the first opening longer.
        deadline = time.monotonic() + OPEN_RETRY_SECONDS
        while True:
            try:
                self._open()
                break
            except JournalError as exc:
                if exc.code != "journal-busy" or time.monotonic() > deadline:
                    raise
                if getattr(self, "db", None) is not None:
                    self.db.close()
                time.sleep(0.05)
        if cid_secret is not None:
            journal_privacy.rehash_legacy(self, cid_secret)
        try:
            self.purge()
        except JournalError as exc:  # a reader (doctor on a full disk) still opens; replay purges
            log.warning("journal purge at open failed: %s", exc.code)

    def _open(self) -> None:
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

    def now(self) -> datetime:
        """The clock this journal stamps its rows with (the machine's, unless a test sets one)."""
        return self._clock()

    #: For sync/store_log.py, which keeps the store's tables in this same file and transactions.
    def transaction(self) -> contextlib.AbstractContextManager[sqlite3.Connection]:
        return self._immediate()

    def read(self, sql: str, params: tuple[Any, ...] = ()) -> list[dict[str, Any]]:
        return self._read(sql, params)

    def _read(self, sql: str, params: tuple[Any, ...] = ()) -> list[dict[str, Any]]:
        try:
            return list(self.db.query(sql, params))
        except sqlite3.DatabaseError as exc:
            raise self._error(exc, "reading") from None

    # the port used by the booking service ----------------------------------------------------

    def queued_for(self, cid_key: str) -> str | None:
        rows = self._read(
            "SELECT booking_id FROM bookings WHERE cid_key = ? AND state IN "
            "('queued', 'sending', 'confirmed-offline') ORDER BY seq LIMIT 1",
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
        crash_point("after-journal-commit")

    def _insert(self, record: JournalRecord, now: str) -> None:
        with self._immediate() as conn:
            conn.execute(
                "INSERT INTO bookings (booking_id, state, finalized_at, created_utc, updated_utc,"
                " next_attempt_utc, site_id, slot_id, slot_date, slot_start, slot_end,"
                " cid_key, slip, sealed)"
                " VALUES (?, 'queued', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
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
                    record.cid_key,
                    json.dumps(dict(record.slip), ensure_ascii=False),
                    json.dumps(dict(record.sealed)),
                ),
            )
            self._event(conn, record.booking_id, "queued")
            crash_point("before-journal-commit")

    def claim(self, booking_id: str, lease_seconds: float) -> bool:
        """queued or confirmed-offline (or sending under a lapsed claim, or a dead owner's)
        -> sending, for us."""
        now = self._clock()
        dead = self._dead_owner(booking_id)
        with self._immediate() as conn:
            cur = conn.execute(
                "UPDATE bookings SET state = 'sending', attempts = attempts + 1, "
                "lease_until_utc = ?, lease_owner = ?, updated_utc = ? WHERE booking_id = ? AND "
                "(state IN ('queued', 'confirmed-offline') OR (state = 'sending' AND "
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
        """-> confirmed. A lease-backed booking keeps `confirmed_by='terminal'` (the customer
        was told at the terminal) and its seat is marked acknowledged by the central. The sealed
        body goes now (only the replay needed it); the hash after CONFIRMED_RETENTION."""
        now = self._clock()
        keep_until = _iso(now + journal_privacy.CONFIRMED_RETENTION)
        with self._immediate() as conn:
            cur = conn.execute(
                "UPDATE bookings SET state = 'confirmed', reference = ?, central_status = ?, "
                "confirmed_by = COALESCE(confirmed_by, 'central'), sealed = NULL, "
                "purge_after_utc = ?, "
                "lease_until_utc = NULL, last_error = NULL, updated_utc = ? WHERE booking_id = ? "
                "AND state IN ('queued', 'sending', 'confirmed-offline')",
                (reference, central_status, keep_until, _iso(now), booking_id),
            )
            if cur.rowcount:  # the history records what happened, nothing else
                self._acknowledge_seat(conn, booking_id)
                self._event(conn, booking_id, "confirmed", central_status)
            crash_point("before-confirm-commit")
        crash_point("after-confirm-commit")

    def settle(
        self,
        booking_id: str,
        state: str,
        code: str,
        detail: str,
        extra: Mapping[str, Any],
        *,
        seen: bool = False,
        keep_reference: bool = False,
    ) -> None:
        """-> rejected or conflict. `seen`: the customer was told at the counter (no notice
        is owed at the next visit).

        A lease-backed booking (confirmed at the terminal) keeps its slip's reference in the
        extra as `lease_reference`, so the notice at the next card read can name both the slip
        the customer holds and the booking that stands (`reference`, e.g. the winner of an
        already-booked conflict). `keep_reference`: the row's reference is not replaced.

        The sealed body goes now; the hash too when the customer has `seen` the refusal, else
        when the notice is acknowledged (at most NOTICE_RETENTION)."""
        if state not in ("rejected", "conflict"):
            raise ValueError(state)
        extra = dict(extra)
        reference = None if keep_reference else extra.get("reference")
        with self._immediate() as conn:
            row = conn.execute(
                "SELECT lease_id, reference FROM bookings WHERE booking_id = ?", (booking_id,)
            ).fetchone()
            if row is not None and row[0] is not None:
                extra.setdefault("lease_id", row[0])
                extra.setdefault("lease_reference", row[1])
            cur = conn.execute(
                "UPDATE bookings SET state = ?, outcome_code = ?, outcome_detail = ?, "
                "outcome_extra = ?, reference = COALESCE(?, reference), lease_until_utc = NULL, "
                "acknowledged = ?, sealed = NULL, "
                "cid_key = CASE WHEN ? THEN NULL ELSE cid_key END, purge_after_utc = ?, "
                "updated_utc = ? WHERE booking_id = ? "
                "AND state IN ('queued', 'sending', 'confirmed-offline')",
                (
                    state,
                    code,
                    detail,
                    json.dumps(extra, ensure_ascii=False),
                    reference,
                    int(seen),
                    int(seen),
                    _iso(self._clock() + journal_privacy.NOTICE_RETENTION),
                    _iso(self._clock()),
                    booking_id,
                ),
            )
            if cur.rowcount:
                self._acknowledge_seat(conn, booking_id)
                self._event(conn, booking_id, state, code)
                if seen:  # its hash is gone: wipe it from the -wal too, at the next purge
                    journal_privacy.owe_wipe(conn, _iso(self._clock()))

    def release(self, booking_id: str, error: str, retry_in: float) -> None:
        """sending -> queued, or back to confirmed-offline for a lease-backed booking (its seat
        is spent and its customer holds a confirmed slip: it never becomes a plain request)."""
        now = self._clock()
        with self._immediate() as conn:
            cur = conn.execute(
                "UPDATE bookings SET state = CASE WHEN lease_id IS NULL THEN 'queued' "
                "ELSE 'confirmed-offline' END, lease_until_utc = NULL, last_error = ?, "
                "next_attempt_utc = ?, updated_utc = ? WHERE booking_id = ? AND state = 'sending'",
                (error, _iso(now + timedelta(seconds=retry_in)), _iso(now), booking_id),
            )
            if cur.rowcount:
                state = conn.execute(
                    "SELECT state FROM bookings WHERE booking_id = ?", (booking_id,)
                ).fetchone()[0]
                self._event(conn, booking_id, state, error)

    # the replay and the technician ------------------------------------------------------------

    def retry_now(self) -> int:
        """Make every queued booking due at once (a technician's "sync now")."""
        with self._immediate() as conn:
            return conn.execute(
                "UPDATE bookings SET next_attempt_utc = ? "
                "WHERE state IN ('queued', 'confirmed-offline')",
                (_iso(self._clock()),),
            ).rowcount

    def due(self, limit: int = 100) -> list[Entry]:
        """Bookings to send now: lease-backed ones first (their seats are held at the central
        only until they arrive), then the others, each oldest first. Due: queued or
        confirmed-offline and due, or sending with a lapsed claim or a dead owner (a crash)."""
        now = _iso(self._clock())
        rows = self._read(
            "SELECT * FROM bookings WHERE (state IN ('queued', 'confirmed-offline') AND "
            "next_attempt_utc <= ?) OR state = 'sending' ORDER BY lease_id IS NULL, seq LIMIT ?",
            (now, limit),
        )
        return [
            Entry.from_row(r)
            for r in rows
            if r["state"] != "sending"
            or r["lease_until_utc"] < now
            or (r["lease_owner"] not in (None, OWNER) and not owner_alive(r["lease_owner"]))
        ]

    def next_due_utc(self) -> str | None:
        rows = self._read(
            "SELECT MIN(next_attempt_utc) AS t FROM bookings "
            "WHERE state IN ('queued', 'confirmed-offline')"
        )
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
            "SELECT * FROM bookings WHERE state IN ('queued', 'sending', 'confirmed-offline') "
            "ORDER BY seq LIMIT 1"
        )
        return Entry.from_row(rows[0]) if rows else None

    def for_citizen(self, cid_key: str) -> list[Entry]:
        """Everything this terminal knows of one citizen, newest first (the card is present)."""
        rows = self._read("SELECT * FROM bookings WHERE cid_key = ? ORDER BY seq DESC", (cid_key,))
        return [Entry.from_row(r) for r in rows]

    def acknowledge(self, booking_id: str) -> None:
        """The customer has been shown this rejection or conflict: nothing needs to find it by
        card any more, so its hash goes at once (and from the -wal at the next checkpoint)."""
        with self._immediate() as conn:
            cur = conn.execute(
                "UPDATE bookings SET acknowledged = 1, "
                "cid_key = CASE WHEN state IN ('rejected', 'conflict') THEN NULL ELSE cid_key END "
                "WHERE booking_id = ?",
                (booking_id,),
            )
            if cur.rowcount:
                journal_privacy.owe_wipe(conn, _iso(self._clock()))

    def purge(self) -> int:
        """Forget the hash of every row past its retention, then make sure no old page image
        of a forgotten value survives in the -wal: a TRUNCATE checkpoint, owed in the journal
        itself while another connection's snapshot prevents it, so the next purge of any
        connection retries it. Returns the rows purged. The replay worker calls it every pass;
        opening a journal calls it once."""
        now = _iso(self._clock())
        with self._immediate() as conn:
            purged = journal_privacy.purge(conn, now)
            owed = journal_privacy.take_wipe(conn)
        if (purged or owed) and not journal_privacy.checkpoint(self.db.conn):
            with self._immediate() as conn:
                journal_privacy.owe_wipe(conn, now)
        return purged

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

    # seat leases (DESIGN §11, docs/leases.md) ------------------------------------------------

    @staticmethod
    def _acknowledge_seat(conn: sqlite3.Connection, booking_id: str) -> None:
        """The central has answered about this booking: its seat need not be reported again."""
        conn.execute("UPDATE lease_seats SET acknowledged = 1 WHERE booking_id = ?", (booking_id,))

    def put_leases(self, leases: list[Lease], released: list[str]) -> None:
        """Apply a refresh answer, in one transaction.

        The answer lists every lease still active: new ones are stored with a free seat per
        reference; a lease we hold that is not listed (or is listed in `released`) is released,
        so its unspent seats are never spent again (the central gave them back to the slot). A
        released lease is deleted unless one of its seats is spent and not yet acknowledged by
        the central: that one is kept, so the seat is reported as `spent` until its booking
        arrives. Leases are immutable: a known lease id listed again keeps what we stored.
        """
        now = _iso(self._clock())
        active = {lease.lease_id for lease in leases} - set(released)
        with self._immediate() as conn:
            for lease in leases:
                if lease.lease_id not in active:
                    continue
                cur = conn.execute(
                    "INSERT OR IGNORE INTO leases (lease_id, slot_id, site_id, slot_date, "
                    "slot_start, slot_end, seats, granted_at, use_until_utc, envelope, "
                    "stored_utc) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        lease.lease_id,
                        lease.slot_id,
                        lease.site_id,
                        lease.date,
                        lease.start,
                        lease.end,
                        lease.seats,
                        _iso(lease.granted_at),
                        _iso(lease.use_until),
                        json.dumps(dict(lease.envelope), ensure_ascii=False),
                        now,
                    ),
                )
                if cur.rowcount:
                    conn.executemany(
                        "INSERT INTO lease_seats (lease_id, reference) VALUES (?, ?)",
                        [(lease.lease_id, ref) for ref in lease.references],
                    )
            held = [r[0] for r in conn.execute("SELECT lease_id FROM leases WHERE released = 0")]
            gone = [lease_id for lease_id in held if lease_id not in active]
            if gone:
                marks = ",".join("?" * len(gone))
                conn.execute(
                    f"UPDATE leases SET released = 1 WHERE lease_id IN ({marks})",  # noqa: S608
                    gone,
                )
            conn.execute(
                "DELETE FROM leases WHERE released = 1 AND lease_id NOT IN (SELECT lease_id "
                "FROM lease_seats WHERE booking_id IS NOT NULL AND acknowledged = 0)"
            )

    def lease_seats(self, now: datetime) -> dict[str, int]:
        """slot_id -> unspent seats usable at `now` (the central-corrected time)."""
        rows = self._read(
            "SELECT l.slot_id AS slot_id, COUNT(*) AS n FROM lease_seats s JOIN leases l "
            "USING (lease_id) WHERE l.released = 0 AND l.use_until_utc > ? AND "
            "s.booking_id IS NULL GROUP BY l.slot_id",
            (_iso(now),),
        )
        return {r["slot_id"]: r["n"] for r in rows}

    def leases(self, *, include_released: bool = False) -> list[LeaseEntry]:
        """The leases this terminal holds, soonest `use_until` first (and, when asked, the
        released ones kept for a spent seat the central has not acknowledged yet)."""
        rows = self._read(
            "SELECT l.*, (SELECT COUNT(*) FROM lease_seats s WHERE s.lease_id = l.lease_id "
            "AND s.booking_id IS NULL) AS seats_left FROM leases l "
            "WHERE l.released = 0 OR ? ORDER BY l.use_until_utc, l.lease_id",
            (int(include_released),),
        )
        return [
            LeaseEntry(
                lease_id=r["lease_id"],
                slot_id=r["slot_id"],
                site_id=r["site_id"],
                date=r["slot_date"],
                start=r["slot_start"],
                end=r["slot_end"],
                seats=r["seats"],
                seats_left=r["seats_left"],
                use_until=datetime.fromisoformat(r["use_until_utc"]),
                granted_at=datetime.fromisoformat(r["granted_at"]),
                released=bool(r["released"]),
            )
            for r in rows
        ]

    def confirm_offline(
        self,
        booking_id: str,
        slot_id: str,
        now: datetime,
        sign: SlipSigner,
        *,
        claimed: bool = False,
    ) -> tuple[str, str, str] | None:
        """Confirm a booking at the terminal from a seat lease, in ONE `BEGIN IMMEDIATE`.

        Picks an unspent seat of `slot_id` usable at `now` (earliest `use_until` first, so the
        seats that run out soonest are used first), marks it spent by this booking and turns
        the booking row into `confirmed-offline` with the lease, the seat's reference,
        `confirmed_by='terminal'` and the slip code `sign(reference, lease_id)` makes. Returns
        (lease_id, reference, slip_code), or None when no seat is left or the booking is no
        longer ours to confirm (it stays as it was: queued, or sending by us).

        The row must be `queued`, or, when the caller says it `claimed` it, `sending` claimed by
        this process (the counter tried the central and learnt it was not reached): the move is
        then one transaction with no window for the replay to send it as a plain request. A
        `sending` row the caller did not claim is the replay's, even in this process (the kiosk
        runs both): it is being sent as a plain booking, so no seat may be spent on it. The
        write lock makes two customers at one terminal (threads or processes) take different
        seats; a crash before COMMIT leaves the seat unspent and the booking as it was.
        """
        with self._immediate() as conn:
            row = conn.execute(
                "SELECT state, lease_owner FROM bookings WHERE booking_id = ?", (booking_id,)
            ).fetchone()
            ours = row is not None and row[0] == "sending" and row[1] == OWNER and claimed
            if row is None or not (row[0] == "queued" or ours):
                return None
            seat = conn.execute(
                "SELECT s.lease_id, s.reference FROM lease_seats s JOIN leases l "
                "USING (lease_id) WHERE l.slot_id = ? AND l.released = 0 AND "
                "l.use_until_utc > ? AND s.booking_id IS NULL "
                "ORDER BY l.use_until_utc, l.lease_id, s.reference LIMIT 1",
                (slot_id, _iso(now)),
            ).fetchone()
            if seat is None:
                return None
            lease_id, reference = seat
            slip_code = sign(reference, lease_id)
            stamp = _iso(self._clock())
            conn.execute(
                "UPDATE lease_seats SET booking_id = ?, spent_utc = ? "
                "WHERE lease_id = ? AND reference = ? AND booking_id IS NULL",
                (booking_id, stamp, lease_id, reference),
            )
            crash_point("after-seat-spent")
            conn.execute(
                "UPDATE bookings SET state = 'confirmed-offline', lease_id = ?, reference = ?, "
                "confirmed_by = 'terminal', slip_code = ?, lease_until_utc = NULL, "
                "lease_owner = NULL, next_attempt_utc = ?, updated_utc = ? WHERE booking_id = ?",
                (lease_id, reference, slip_code, stamp, stamp, booking_id),
            )
            self._event(conn, booking_id, "confirmed-offline", lease_id)
            crash_point("before-offline-commit")
        crash_point("after-offline-commit")
        return lease_id, reference, slip_code

    def spent_unacknowledged(self) -> list[dict[str, str]]:
        """Seats spent whose booking the central has not answered yet (the refresh's `spent`)."""
        return self._read(
            "SELECT lease_id, reference, booking_id FROM lease_seats "
            "WHERE booking_id IS NOT NULL AND acknowledged = 0 ORDER BY spent_utc, lease_id"
        )

    def recent_choices(self, limit: int = 50) -> list[tuple[str, str]]:
        """(site_id, date) pairs this terminal's customers chose, most recent first, distinct:
        the central grants seats where they are likely to be wanted."""
        rows = self._read(
            "SELECT site_id, slot_date, MAX(seq) AS last FROM bookings "
            "GROUP BY site_id, slot_date ORDER BY last DESC LIMIT ?",
            (limit,),
        )
        return [(r["site_id"], r["slot_date"]) for r in rows]
