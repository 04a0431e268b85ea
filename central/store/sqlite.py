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

    def __init__(self, path: str | Path, *, synchronous: str = "FULL") -> None:
        super().__init__(path, synchronous=synchronous)
        # Several processes opening a new database at once: switching it to WAL takes an
        # exclusive lock, and SQLite answers "database is locked" at once, without waiting in
        # the busy handler, when two connections would deadlock; the loser simply tries again.
        deadline = time.monotonic() + 30
        while True:
            try:
                conn = self._conn()
                conn.execute("PRAGMA journal_mode=WAL")
                self.schema_version = migrations.migrate(conn, self.path)
                return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) and "busy" not in str(exc):
                    raise StoreError(f"{self.path!r} is not a usable database: {exc}") from None
                if time.monotonic() > deadline:
                    raise StoreError(f"{self.path!r} stayed locked: {exc}") from None
                time.sleep(0.05)
            except sqlite3.DatabaseError as exc:
                raise StoreError(f"{self.path!r} is not a usable database: {exc}") from None
