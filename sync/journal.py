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

The file is one class, `SqliteJournal`, assembled by subject: opening, migrating and transactions
here; the schema in sync/journal_schema.py; a booking's life in sync/journal_bookings.py; the
replay's and technician's reads in sync/journal_queries.py; seat leases in sync/journal_leases.py;
the lease owner's identity in sync/journal_owner.py; privacy in sync/journal_privacy.py. The
names other modules import (`SqliteJournal`, `Entry`, `MIGRATIONS`, `PENDING` ...) stay here.
"""

from __future__ import annotations

import contextlib
import logging
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from kiosk.booking.errors import JournalError
from sync import journal_privacy
from sync.journal_bookings import BookingsMixin, Entry
from sync.journal_leases import LeaseEntry, LeasesMixin, SlipSigner
from sync.journal_owner import OWNER, owner_alive
from sync.journal_queries import QueriesMixin
from sync.journal_schema import MIGRATIONS, PENDING, STATES, iso

__all__ = [
    "MIGRATIONS",
    "OPEN_RETRY_SECONDS",
    "OWNER",
    "PENDING",
    "STATES",
    "Entry",
    "LeaseEntry",
    "SlipSigner",
    "SqliteJournal",
    "owner_alive",
]

log = logging.getLogger(__name__)

#: How long opening a journal retries while another process holds the lock it needs.
OPEN_RETRY_SECONDS = 30.0


class SqliteJournal(BookingsMixin, QueriesMixin, LeasesMixin):
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
            (booking_id, iso(self._clock()), state, detail),
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
