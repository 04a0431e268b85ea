"""The claims of requests in flight live in an UNLOGGED table on PostgreSQL (migration
"request claims unlogged"): a claim's commit needs no WAL flush. The claim still does its work
across processes (tests/central/test_workers_races.py) and a booking still ends it in its own
transaction; here: the table is unlogged after migrating, the logged tables are not, and a claim
made and released by the store behaves as before."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import psycopg
import pytest

from central.store import open_store
from central.store.migrations import MIGRATIONS

pytestmark = pytest.mark.postgres


def _persistence(url: str) -> dict[str, str]:
    with psycopg.connect(url) as conn:
        rows = conn.execute(
            "SELECT relname, relpersistence FROM pg_class WHERE relname IN "
            "('requests_in_flight', 'bookings', 'slots', 'issued_references')"
        ).fetchall()
    return dict(rows)


def test_claims_are_unlogged_and_bookings_are_not(pg_databases):
    url = pg_databases.new()
    store = open_store(url)
    try:
        assert _persistence(url) == {
            "requests_in_flight": "u",
            "bookings": "p",
            "slots": "p",
            "issued_references": "p",
        }
        now = datetime.now(tz=UTC)
        assert store.claim_request("k1", now, timedelta(seconds=15))
        assert not store.claim_request("k1", now, timedelta(seconds=15))  # in flight
        store.release_request("k1")
        assert store.claim_request("k1", now, timedelta(seconds=15))  # free again
    finally:
        store.close()


def test_the_step_does_nothing_on_sqlite(tmp_path):
    step = next(m for m in MIGRATIONS if m.name == "request claims unlogged")
    assert step.statements == ()
    store = open_store(tmp_path / "c.db")
    try:
        assert store.schema_version == MIGRATIONS[-1].version
        assert store.claim_request("k1", datetime.now(tz=UTC), timedelta(seconds=15))
    finally:
        store.close()
