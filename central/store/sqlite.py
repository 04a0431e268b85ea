"""The SQLite store: the parts of the store (one module each) over one database file.

SQLite runs in WAL mode with `synchronous=FULL` (see `connection`); measured on this machine a
FULL commit costs about 0.2 ms, far below the booking budget. Opening a store brings the
database to the latest numbered migration (`migrations`) before anything else reads it.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from central.errors import StoreError
from central.store import migrations
from central.store.checks import ChecksStore
from central.store.config import ConfigStore
from central.store.leases import LeasesStore
from central.store.registry import RegistryStore
from central.store.sites import SitesStore
from central.store.terminals import TerminalsStore


class SqliteStore(ConfigStore, SitesStore, LeasesStore, RegistryStore, TerminalsStore, ChecksStore):
    """The SQLite store. One connection per thread; every write in BEGIN IMMEDIATE."""

    def __init__(self, path: str | Path, *, synchronous: str = "FULL") -> None:
        super().__init__(path, synchronous=synchronous)
        try:
            conn = self._conn()
            conn.execute("PRAGMA journal_mode=WAL")
            self.schema_version = migrations.migrate(conn, self.path)
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path!r} is not a usable database: {exc}") from None
