"""The contract tests' central as `kiosk-central serve --db postgresql://… --workers 2`.

`ServedCentrals.central` gives the tests what `start_central` gives them — a base URL, tokens for
kiosk-1, kiosk-2 and web-1, a clock they can move, and `central` (store and keys, for the
assertions that look inside) — but the API is served by a real subprocess with two worker
processes on one socket, the way production runs it. The test's `Central` is opened on the same
database and keys directory and never serves.

The clock: the server runs `--clock-file` (TEST ONLY), reading the instant the test's clock
writes there, so `clock.advance()` moves the served cluster's clock as it moves an in-process
central's. Settings a test overrides become serve's flags; a setting serve has no flag for makes
the test skip on this backend with the reason (it is still run on the other two).
"""

from __future__ import annotations

import os
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg
import pytest

from central.service import Central
from central.settings import Settings
from tests.central.conftest import T0, RunningCentral, TestClock
from tests.central.served import serve


class SharedClock(TestClock):
    """A test clock whose instant is also in a file, for the served processes to read."""

    def __init__(self, path: Path, now: datetime) -> None:
        object.__setattr__(self, "path", path)
        super().__init__(now)

    def __setattr__(self, name: str, value: Any) -> None:
        object.__setattr__(self, name, value)
        if name == "now":
            fresh = self.path.with_suffix(".new")
            fresh.write_text(value.isoformat(), "ascii")
            os.replace(fresh, self.path)  # whole, never half an instant


def _hours(value: timedelta) -> str:
    return str(value / timedelta(hours=1))


def _minutes(value: timedelta) -> str:
    return str(value / timedelta(minutes=1))


#: Settings a test may override, as serve's flags.
FLAGS = {
    "verify_interval": ("--verify-interval", str),
    "booking_delay": ("--booking-delay", str),
    "max_in_flight": ("--max-in-flight", str),
    "lease_share": ("--lease-share", str),
    "lease_seats_per_terminal": ("--lease-seats-per-terminal", str),
    "lease_seats_per_slot": ("--lease-seats-per-slot", str),
    "lease_lead": ("--lease-lead-hours", _hours),
    "lease_life": ("--lease-life-hours", _hours),
    "lease_grace": ("--lease-grace-minutes", _minutes),
}


class ServedCentrals:
    """The served clusters of one test module, one per distinct start-up (instant and flags),
    each on a database of its own that is put back to its state just after start-up before
    every test that reuses it.

    Starting `serve --workers 2` (two worker processes to spawn and import, the demo data to
    seed) takes seconds; putting a database back takes milliseconds: right after start-up
    every table is copied into a schema `pristine`, and a test's central is those copies
    copied back (TRUNCATE and INSERT, foreign-key triggers off, in one transaction). Nothing
    is cached in the workers (central/auth.py: not even a token), so a restored database is
    a fresh central to them."""

    def __init__(self, databases: Any, directory: Path) -> None:
        self._databases = databases
        self._directory = directory
        self._entries: dict[tuple[Any, ...], tuple[Any, Central, SharedClock, str]] = {}

    def central(self, *, now: datetime | None, overrides: dict[str, Any]) -> RunningCentral:
        now = now or T0
        capacity = overrides.pop("demo_capacity", 50)
        overrides.setdefault("verify_interval", 0)
        unknown = sorted(set(overrides) - set(FLAGS))
        if unknown:
            pytest.skip(f"serve has no flag for {', '.join(unknown)}")
        flags: list[str] = []
        for name, value in sorted(overrides.items()):
            flag, text = FLAGS[name]
            flags += [flag, text(value)]
        key = (now.isoformat(), capacity, *flags)
        if key in self._entries:
            served, central, clock, db = self._entries[key]
            _restore(db)
            clock.now = now
        else:
            served, central, clock, db = self._start(now, capacity, flags)
            self._entries[key] = (served, central, clock, db)
        running = RunningCentral(served.base, central, clock)
        store = central.store
        running.tokens["kiosk-1"] = store.issue_token("kiosk-1", "store-1", "kiosk", clock.now)
        running.tokens["kiosk-2"] = store.issue_token("kiosk-2", "store-2", "kiosk", clock.now)
        running.tokens["web-1"] = store.issue_token("web-1", "web", "web", clock.now)
        return running

    def _start(self, now: datetime, capacity: int, flags: list[str]):
        directory = self._directory / f"served-{len(self._entries)}"
        directory.mkdir()
        db = self._databases.new()
        clock = SharedClock(directory / "clock", now)
        flags = [*flags, "--clock-file", str(clock.path)]
        served = serve(db, directory, *flags, capacity=capacity, always_open=False, at="")
        settings = Settings(db=db, keys_dir=served.keys, clock=clock, verify_interval=0)
        central = Central(settings)  # the test's view inside: same database, same keys
        _snapshot(db)
        return served, central, clock, db

    def close(self) -> None:
        for served, central, _, db in self._entries.values():
            served.stop()
            central.close()
            self._databases.drop(db)
        self._entries.clear()


def _tables(conn: Any) -> list[str]:
    rows = conn.execute(
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
        "AND tablename != 'schema_migrations' ORDER BY tablename"
    ).fetchall()
    return [r[0] for r in rows]


def _snapshot(db: str) -> None:
    with psycopg.connect(db, autocommit=True) as conn:
        conn.execute("CREATE SCHEMA pristine")
        for table in _tables(conn):
            conn.execute(f'CREATE TABLE pristine."{table}" AS TABLE public."{table}"')


def _restore(db: str) -> None:
    with psycopg.connect(db) as conn:
        tables = _tables(conn)
        conn.execute("SET LOCAL session_replication_role = replica")  # no FK checks meanwhile
        conn.execute("TRUNCATE " + ", ".join(f'public."{t}"' for t in tables))
        for table in tables:
            conn.execute(f'INSERT INTO public."{table}" SELECT * FROM pristine."{table}"')
