"""A mixed fleet for the read side's tests: every state, every attention reason and level, listed
and unlisted stores, a revoked terminal and a web front end (neither of which lists)."""

from __future__ import annotations

import contextlib
import tempfile
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from central.store import PostgresStore, SqliteStore
from central.store.stores import StoreInfo
from kiosk.dates import BANGKOK
from tests.central.sealing import TEST_SEALER

NOW = datetime(2021, 6, 1, 10, 0, tzinfo=BANGKOK)
CURRENT = "bkk-thairuamjai-2021-05-27"
STORES = (
    StoreInfo("s-chatuchak", "ร้านจตุจักร", "Chatuchak shop", "เขตจตุจักร", "Chatuchak"),
    StoreInfo("s-bangsue", "ร้านบางซื่อ", "Bang Sue shop", "เขตบางซื่อ", "Bang Sue"),
    StoreInfo("s-bangsue-2", "ร้านบางซื่อ 2", "Bang Sue shop 2", "เขตบางซื่อ", "Bang Sue"),
)
#: Stores terminals are enrolled for; the last one is not in STORES.
TERMINAL_STORES = ("s-chatuchak", "s-bangsue", "s-bangsue-2", "s-unlisted")
_TABLES = "terminals, terminal_health, terminal_health_history, stores"

Fresh = Callable[[], contextlib.AbstractContextManager[SqliteStore | PostgresStore]]


def report(**changes: Any) -> dict[str, Any]:
    r: dict[str, Any] = {
        "software": "0.14.0",
        "rule_set": CURRENT,
        "interval_s": 60,
        "checks": [],
        "queue": {"queued": 0, "sending": 0, "oldest_age_s": None},
        "leases": {"held": 0, "spent": 0},
        "printer": {"state": "ok", "paper": "ok"},
        "reader": "ok",
        "clock_offset_s": 0.2,
        "last_sync": None,
        "staff": {"requested": False, "paused": False},
    }
    r.update(changes)
    return r


#: (age of the last report in seconds or None for never seen, report changes), cycled over.
VARIANTS: tuple[tuple[int | None, dict[str, Any]], ...] = (
    (30, {}),
    (30, {"printer": {"state": "fail", "paper": "out"}}),
    (200, {"printer": {"state": "warn", "paper": "near-end"}}),
    (None, {}),
    (600, {"queue": {"queued": 3, "sending": 0, "oldest_age_s": 1000}}),
    (3600, {"queue": {"queued": 9, "sending": 1, "oldest_age_s": 4000}}),
    (45, {"clock_offset_s": -90.0}),
    (45, {"clock_offset_s": 400.5}),
    (10, {"rule_set": "bkk-older"}),
    (10, {"rule_set": None}),
    (20, {"staff": {"requested": True, "paused": True}}),
    (7200, {"printer": {"state": "fail", "paper": "out"}, "clock_offset_s": 61.0}),
    (130, {"interval_s": 10}),
)


def seed_fleet(store: SqliteStore | PostgresStore, n: int = 40) -> None:
    """`n` kiosk terminals cycling through VARIANTS and TERMINAL_STORES, plus one revoked kiosk
    and one web front end with reports (they must not be listed)."""
    store.set_meta("rule_set", CURRENT)
    store.put_stores(STORES)
    for i in range(n):
        tid = f"k-{i:03d}"
        store.issue_token(tid, TERMINAL_STORES[i % len(TERMINAL_STORES)], "kiosk", NOW)
        age, changes = VARIANTS[i % len(VARIANTS)]
        if age is not None:
            store.put_health(tid, report(**changes), NOW - timedelta(seconds=age))
    store.issue_token("k-revoked", "s-chatuchak", "kiosk", NOW)
    store.put_health("k-revoked", report(), NOW)
    store.revoke("k-revoked", NOW)
    store.issue_token("web-1", "web", "web", NOW)
    store.put_health("web-1", report(), NOW)


@contextlib.contextmanager
def fresh_store(url: str | None) -> Iterator[SqliteStore | PostgresStore]:
    """An empty migrated store: a SQLite file, or the PostgreSQL database at `url` emptied."""
    if url is None:
        with tempfile.TemporaryDirectory() as tmp:
            store = SqliteStore(Path(tmp) / "c.db")
            try:
                yield store
            finally:
                store.close()
        return
    store = PostgresStore(url, sealer=TEST_SEALER)
    with store._write() as c:
        c.execute(f"TRUNCATE {_TABLES} CASCADE")
        c.execute("DELETE FROM meta WHERE key = 'rule_set'")
    try:
        yield store
    finally:
        store.close()
