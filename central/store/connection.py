"""SQLite connections and transactions, shared by every part of the SQLite store.

One connection per thread (sqlite3 connections are not for sharing); every write in
`BEGIN IMMEDIATE`, so a transaction takes the write lock before its first read and what it read
cannot change under it. WAL with `synchronous=FULL` on every connection: a booking answered 201
is on a slip in a customer's hand and must survive a power cut (reference/offline-sync.md §4).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import sqlite3
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from central.errors import StoreError
from central.sealed_fields import FieldSealer
from kiosk.dates import BANGKOK


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def utc(moment: datetime) -> str:
    """An instant as UTC ISO 8601 text with microseconds (compared as text, in order)."""
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def iso(now: datetime) -> str:
    return now.astimezone(BANGKOK).isoformat(timespec="seconds")


def create_private(path: str) -> None:
    """Create the database file readable by its owner only: it holds card data (PDPA)."""
    if path == ":memory:" or os.path.exists(path):
        return
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


class Connections:
    """Per-thread connections to one database file, and the write transaction."""

    #: The personal columns' sealer (central/sealed_fields.py), set by the store that is made.
    sealer: FieldSealer

    def __init__(self, path: str | Path, *, synchronous: str = "FULL") -> None:
        self.path = str(path)
        if synchronous.upper() not in ("FULL", "NORMAL", "EXTRA"):
            raise StoreError(f"synchronous must be FULL, NORMAL or EXTRA, not {synchronous!r}")
        self.synchronous = synchronous.upper()
        self._local = threading.local()
        self._all: list[sqlite3.Connection] = []
        self._lock = threading.Lock()

    def _conn(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            create_private(self.path)
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
            # Freed content (a row rewritten sealed by migration 10, an SMS phone blanked once
            # sent) is overwritten with zeros rather than left readable in free pages.
            conn.execute("PRAGMA secure_delete=ON")
            self._local.conn = conn
            with self._lock:
                self._all.append(conn)
        return conn

    #: Row locks for a read that a write in the same transaction depends on. SQLite needs none
    #: (BEGIN IMMEDIATE already admits one writer); PostgreSQL says FOR UPDATE (postgres.py).
    def _lock_rows(self, table: str) -> str:
        return ""

    def _skip_locked(self) -> str:
        """The clause after a subquery choosing rows to claim: none here (one writer at a
        time); PostgreSQL skips rows another transaction is claiming (`FOR UPDATE SKIP
        LOCKED`), so two senders take different rows instead of waiting for each other."""
        return ""

    def _serialise_terminal(self, c: sqlite3.Connection, terminal_id: str) -> None:
        """Make concurrent refreshes of one terminal wait for each other (a no-op here: every
        write already waits for the one before)."""

    def _days_between(self, later: str, earlier: str) -> str:
        """SQL for the whole days from the ISO date `earlier` to `later`."""
        return f"(julianday({later}) - julianday({earlier}))"

    @contextlib.contextmanager
    def exclusive(self, job: str) -> Iterator[bool]:
        """Whether this process may run the periodic `job` now (True), or another is running
        it (False). A SQLite central is one process, whose one verifier thread runs one pass at
        a time, so it always may; PostgreSQL takes an advisory lock (postgres.py)."""
        yield True

    @contextlib.contextmanager
    def _snapshot(self) -> Iterator[sqlite3.Connection]:
        """Several reads that must see one state of the database."""
        conn = self._conn()
        conn.execute("BEGIN")
        try:
            yield conn
        finally:
            conn.execute("COMMIT")

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
