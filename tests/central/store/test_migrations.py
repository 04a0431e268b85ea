"""Numbered migrations: recorded, applied once under the write lock, old databases upgraded."""

from __future__ import annotations

import multiprocessing
import sqlite3

import pytest

from central.errors import StoreError
from central.store import SCHEMA_VERSION, SqliteStore
from central.store.migrations import MIGRATIONS, V1_SCHEMA


def _ledger(path):
    with sqlite3.connect(path) as db:
        return [r[0] for r in db.execute("SELECT version FROM schema_migrations ORDER BY 1")]


def test_a_new_database_records_every_migration_once_and_gets_the_default_hours(tmp_path):
    path = tmp_path / "c.db"
    store = SqliteStore(path)
    assert store.schema_version == SCHEMA_VERSION == MIGRATIONS[-1].version
    assert store.meta("schema_version") == str(SCHEMA_VERSION)
    assert sorted(store.hours()) == ["app", "kiosk", "web"]
    assert store.hours()["kiosk"].opens == "09:00" and store.hours()["kiosk"].closes == "18:00"
    store.close()
    again = SqliteStore(path)
    assert _ledger(path) == [m.version for m in MIGRATIONS]
    again.close()


def test_a_database_made_before_migrations_is_taken_as_version_1_and_upgraded(tmp_path):
    path = tmp_path / "old.db"
    with sqlite3.connect(path) as db:  # what the central before issue 11 left behind
        for statement in V1_SCHEMA:
            db.execute(statement)
        db.execute("INSERT INTO meta VALUES ('schema_version', '1')")
        db.execute("UPDATE channel_hours SET opens = '08:00' WHERE channel = 'kiosk'")
    store = SqliteStore(path)
    assert store.schema_version == SCHEMA_VERSION
    assert _ledger(path) == [m.version for m in MIGRATIONS]
    assert store.hours()["kiosk"].opens == "08:00"  # migration 1 was not applied again
    store.close()


def test_a_database_from_a_newer_central_is_refused(tmp_path):
    path = tmp_path / "new.db"
    SqliteStore(path).close()
    with sqlite3.connect(path) as db:
        db.execute("INSERT INTO schema_migrations VALUES (?, 'from the future', 'x')", (99,))
    with pytest.raises(StoreError, match="schema 99"):
        SqliteStore(path)


def test_a_file_that_is_not_a_database_is_a_store_error(tmp_path):
    path = tmp_path / "junk.db"
    path.write_bytes(b"not a database at all" * 100)
    with pytest.raises(StoreError, match="not a usable database"):
        SqliteStore(path)


def _open(path, barrier):
    barrier.wait()
    SqliteStore(path).close()


def test_processes_opening_a_new_database_at_once_apply_each_migration_once(tmp_path):
    path = str(tmp_path / "race.db")
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(4)
    procs = [ctx.Process(target=_open, args=(path, barrier)) for _ in range(4)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
    assert [p.exitcode for p in procs] == [0, 0, 0, 0]
    assert _ledger(path) == [m.version for m in MIGRATIONS]
