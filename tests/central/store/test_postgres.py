"""The PostgreSQL store on its own: migrations kept in step with SQLite, applied once under the
advisory lock by processes racing, invariants the database itself refuses to break, and clear
failures for a database that is missing, newer, or not there at all."""

from __future__ import annotations

import multiprocessing
import socket
import sqlite3

import psycopg
import pytest

from central.cli import main
from central.errors import StoreError
from central.store import SCHEMA_VERSION, PostgresStore, Site, Slot, SqliteStore, open_store
from central.store.migrations import MIGRATIONS
from central.store.postgres import translate
from tests.pg_cluster import with_database

pytestmark = pytest.mark.postgres


@pytest.fixture
def empty_db(pg_databases):
    """A database with nothing in it (not from the migrated template)."""
    name = f"kt_empty_{id(object())}"
    with psycopg.connect(pg_databases.url, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    url = with_database(pg_databases.url, name)
    yield url
    pg_databases.drop(url)


def _ledger(url):
    with psycopg.connect(url) as conn:
        return [r[0] for r in conn.execute("SELECT version FROM schema_migrations ORDER BY 1")]


def _columns_sqlite(path):
    with sqlite3.connect(path) as db:
        tables = [
            r[0]
            for r in db.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        # A primary key column is NOT NULL in PostgreSQL whether or not it says so.
        return {t: [(r[1], r[2].upper(), bool(r[3] or r[5])) for r in db.execute(
            f"PRAGMA table_info({t})")] for t in tables}  # fmt: skip


def _columns_postgres(url):
    types = {"text": "TEXT", "integer": "INTEGER", "double precision": "REAL"}
    with psycopg.connect(url) as conn:
        rows = conn.execute(
            "SELECT table_name, column_name, data_type, is_nullable FROM "
            "information_schema.columns WHERE table_schema = 'public' "
            "ORDER BY table_name, ordinal_position"
        ).fetchall()
    out: dict[str, list] = {}
    for table, column, kind, nullable in rows:
        out.setdefault(table, []).append((column, types.get(kind, kind), nullable == "NO"))
    return out


def test_a_new_database_gets_every_migration_once_and_the_same_schema_as_sqlite(empty_db, tmp_path):
    store = PostgresStore(empty_db)
    assert store.schema_version == SCHEMA_VERSION == MIGRATIONS[-1].version
    assert store.meta("schema_version") == str(SCHEMA_VERSION)
    assert store.hours()["kiosk"].opens == "09:00" and store.hours()["web"].closes == "22:00"
    store.close()
    PostgresStore(empty_db).close()  # opening again applies nothing
    assert _ledger(empty_db) == [m.version for m in MIGRATIONS]
    SqliteStore(tmp_path / "c.db").close()
    # The two lists of statements are kept in step: same tables, columns, types, NOT NULLs.
    assert _columns_postgres(empty_db) == _columns_sqlite(tmp_path / "c.db")


def test_a_database_from_a_newer_central_is_refused(empty_db):
    PostgresStore(empty_db).close()
    with psycopg.connect(empty_db) as conn:
        conn.execute("INSERT INTO schema_migrations VALUES (99, 'from the future', 'x')")
    with pytest.raises(StoreError, match="schema 99"):
        PostgresStore(empty_db)


def _open(url, barrier):
    barrier.wait()
    PostgresStore(url).close()


def test_processes_migrating_one_database_at_once_apply_each_migration_once(empty_db):
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(6)
    procs = [ctx.Process(target=_open, args=(empty_db, barrier)) for _ in range(6)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
    assert [p.exitcode for p in procs] == [0] * 6
    assert _ledger(empty_db) == [m.version for m in MIGRATIONS]


def test_the_database_itself_refuses_an_overbooked_slot_and_a_second_active_booking(pg_databases):
    url = pg_databases.new()
    store = PostgresStore(url)
    store.put_sites(
        [Site("s1", "ก", "One", "-", "-", "-", "-")],
        [Slot("s1-a", "s1", "2021-06-02", "09:00", "09:30", 2, 0)],
        "v",
    )
    with pytest.raises(psycopg.errors.CheckViolation), store._write() as c:
        c.execute("UPDATE slots SET booked = 1, held = 2 WHERE slot_id = 's1-a'")
    with pytest.raises(psycopg.errors.UniqueViolation), store._write() as c:
        for n in (1, 2):
            c.execute(
                "INSERT INTO bookings(booking_id, reference, citizen_key, status, slot_id, "
                "channel, terminal_id, masked_cid, card_json, phone, occupation_code, "
                "answers_json, claimed_decision_json, decision_json, fingerprint, confirmed_at, "
                "created_at, updated_at) VALUES (?, ?, 'same-citizen', 'confirmed', 's1-a', "
                "'kiosk', 't', 'x', '{}', 'p', 'o', '{}', '{}', '{}', 'f', 'c', 'c', 'c')",
                (f"b{n}", f"R{n}"),
            )
    assert store.capacity_report()["active_bookings"] == 0  # both refusals rolled back whole
    store.close()


def test_placeholders_are_translated_outside_string_literals_only():
    sql = "SELECT '09:00', 'a?b', x FROM t WHERE a = ? AND b = :name AND c LIKE '%x'"
    assert translate(sql) == (
        "SELECT '09:00', 'a?b', x FROM t WHERE a = %s AND b = %(name)s AND c LIKE '%%x'"
    )


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_a_server_that_is_not_there_is_a_clear_store_error():
    url = f"postgresql://postgres@127.0.0.1:{_free_port()}/postgres"
    with pytest.raises(StoreError, match="cannot connect to the database") as caught:
        open_store(url)
    assert caught.value.th  # Thai too


def test_cli_migrate_prints_the_version_and_keys_dir_is_required_with_a_url(
    empty_db, tmp_path, capsys
):
    assert main(["migrate", "--db", empty_db]) == 0
    assert capsys.readouterr().out.strip() == f"schema version {SCHEMA_VERSION}"
    assert _ledger(empty_db) == [m.version for m in MIGRATIONS]
    assert main(["serve", "--db", empty_db, "--port", "0"]) == 3
    err = capsys.readouterr().err
    assert "--keys-dir" in err and "store-error" in err
    missing = with_database(empty_db, "kt_no_such_database")
    assert main(["leases", "--db", missing]) == 2
    assert "no database" in capsys.readouterr().err
    assert main(["token", "--db", empty_db, "--terminal", "k9", "--store", "s9"]) == 0
    token = capsys.readouterr().out.strip()
    store = PostgresStore(empty_db)
    assert store.terminal_for_token(token).terminal_id == "k9"
    store.close()


def test_a_write_that_loses_a_deadlock_is_run_again_whole(pg_databases):
    import threading

    store = PostgresStore(pg_databases.new())
    store.put_sites(
        [Site("s1", "ก", "One", "-", "-", "-", "-")],
        [Slot(f"s1-{x}", "s1", "2021-06-02", "09:00", "09:30", 9, 0) for x in "ab"],
        "v",
    )
    barrier = threading.Barrier(2)
    attempts: list[str] = []
    failures: list[BaseException] = []

    def cross(first: str, second: str) -> None:
        def write() -> None:
            attempts.append(first)
            with store._write() as c:
                c.execute("UPDATE slots SET booked = booked + 1 WHERE slot_id = ?", (first,))
                if len(attempts) <= 2:  # the first round: both hold one row, want the other
                    barrier.wait()
                c.execute("UPDATE slots SET booked = booked + 1 WHERE slot_id = ?", (second,))

        try:
            store._retrying(write)
        except BaseException as exc:  # noqa: BLE001 - reported below
            failures.append(exc)

    threads = [
        threading.Thread(target=cross, args=("s1-a", "s1-b")),
        threading.Thread(target=cross, args=("s1-b", "s1-a")),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert failures == []
    assert len(attempts) == 3  # PostgreSQL broke the deadlock once; the loser ran again
    assert store.slot("s1-a").booked == store.slot("s1-b").booked == 2  # each write once
    store.close()
