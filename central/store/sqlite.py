"""The SQLite store: the parts of the store (one module each) over one database file.

SQLite runs in WAL mode with `synchronous=FULL` (see `connection`); measured on this machine a
FULL commit costs about 0.2 ms, far below the booking budget. Opening a store brings the
database to the latest numbered migration (`migrations`) before anything else reads it.
"""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

from central.errors import StoreError
from central.keys import ServerKeys, keys_dir_for
from central.sealed_fields import FieldSealer
from central.store import migrations
from central.store.booking_context import BookingContextStore
from central.store.checks import ChecksStore
from central.store.config import ConfigStore
from central.store.console import ConsoleStore
from central.store.fleet_sql import FleetReadsStore
from central.store.health import HealthStore
from central.store.leases import LeasesStore
from central.store.notifications import NotificationsStore
from central.store.registry import RegistryStore
from central.store.sites import SitesStore
from central.store.stats import StatsStore
from central.store.stores import StoresStore
from central.store.terminals import TerminalsStore


class SqliteStore(
    ConfigStore,
    SitesStore,
    LeasesStore,
    RegistryStore,
    TerminalsStore,
    ChecksStore,
    BookingContextStore,
    NotificationsStore,
    HealthStore,
    StatsStore,
    ConsoleStore,
    StoresStore,
    FleetReadsStore,
):
    """The SQLite store. One connection per thread; every write in BEGIN IMMEDIATE."""

    def __init__(
        self, path: str | Path, *, synchronous: str = "FULL", sealer: FieldSealer | None = None
    ) -> None:
        super().__init__(path, synchronous=synchronous)
        #: Seals and opens the personal columns (central/sealed_fields.py). Without one, the
        #: key the central keeps beside this file (`FILE.keys/`), created if missing, as
        #: `serve` would.
        beside = keys_dir_for(path)
        had_keys = beside.exists()
        self.sealer = sealer or ServerKeys.load_or_create(beside).field_sealer()
        #: Migration 10 seals clear rows only with the central's own key: the one given, or the
        #: one beside the file if it was there before (a key made just now, for a central whose
        #: keys live elsewhere, would seal its rows under a key that central does not have).
        self._migration_sealer = self.sealer if sealer is not None or had_keys else None
        # Several processes opening a new database at once: switching it to WAL takes an
        # exclusive lock, and SQLite answers "database is locked" at once, without waiting in
        # the busy handler, when two connections would deadlock; the loser simply tries again.
        deadline = time.monotonic() + 30
        while True:
            try:
                conn = self._conn()
                conn.execute("PRAGMA journal_mode=WAL")
                before = _version(conn)
                self.schema_version = migrations.migrate(conn, self.path, self._migration_sealer)
                if before < migrations.SEALED_AT_REST <= self.schema_version:
                    # the pages and WAL frames that held the clear rows: zeroed (secure_delete,
                    # connection.py) and folded into the file, so no copy of them stays behind
                    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) and "busy" not in str(exc):
                    raise StoreError(f"{self.path!r} is not a usable database: {exc}") from None
                if time.monotonic() > deadline:
                    raise StoreError(f"{self.path!r} stayed locked: {exc}") from None
                time.sleep(0.05)
            except sqlite3.DatabaseError as exc:
                raise StoreError(f"{self.path!r} is not a usable database: {exc}") from None


def _version(conn: sqlite3.Connection) -> int:
    """The version recorded before migrating (0 for a new file or one from before the ledger)."""
    try:
        row = conn.execute("SELECT max(version) FROM schema_migrations").fetchone()
    except sqlite3.OperationalError:
        return 0
    return int(row[0] or 0)
