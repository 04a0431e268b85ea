"""The fleet of bench/fleet.py: 13,000 enrolled terminals, their stores, their latest reports, and
the time the console's reads take over them. Not a benchmark itself (the leading underscore).

The reports are mixed on purpose (paper out or near its end, old queues, a staff call, a few
terminals never seen, a few reporting long ago), so the overview counts something in every
column and the filtered lists are not empty.
"""

from __future__ import annotations

import json
import statistics
import time
from datetime import UTC, datetime, timedelta
from typing import Any

DISTRICTS = 50
STORES = 2600


def report(i: int) -> bytes:
    return json.dumps(
        {
            "software": "0.14.0",
            "rule_set": "bkk-thairuamjai-2021-05-27" if i % 211 else "bkk-older",
            "interval_s": 60,
            "checks": [
                {"name": n, "status": "ok", "detail": ""}
                for n in ("card-reader", "printer", "journal", "queue", "disk", "leases")
            ],
            "queue": {"queued": i % 3, "sending": 0, "oldest_age_s": (i % 7) * 300 or None},
            "leases": {"held": 4, "spent": i % 2},
            "printer": {"state": "ok", "paper": ("ok", "near-end", "out")[i % 50 % 3]},
            "reader": "ok",
            "clock_offset_s": 0.3 if i % 333 else 75.0,
            "last_sync": "2021-06-01T10:00:00+07:00",
            "staff": {"requested": i % 97 == 0, "paused": False},
        }
    ).encode()


def token(i: int) -> str:
    return f"bench-token-{i:05d}-" + "x" * 20


def store_of(i: int) -> str:
    return f"store-{i % STORES:04d}"


def enrol(db: str, n: int, *, seed: bool) -> None:
    """`n` kiosk terminals, the stores (every tenth unlisted), and with `seed` every terminal's
    latest report as the measured window will send it again (the steady state), except every
    500th never seen and every 400th last seen an hour ago; all in a few transactions."""
    from central.fleet_reads import overview  # noqa: F401 (fails early if the tree is broken)
    from central.store import open_store
    from central.store.connection import hash_secret, iso
    from central.store.health import UPSERT_HEALTH, health_row
    from central.store.stores import StoreInfo

    store = open_store(db)
    now = datetime.now(UTC)
    store.set_meta("rule_set", "bkk-thairuamjai-2021-05-27")
    store.put_stores(
        [
            StoreInfo(
                f"store-{s:04d}",
                f"ร้าน {s}",
                f"Shop {s}",
                f"เขต {s % DISTRICTS}",
                f"District {s % DISTRICTS:02d}",
            )
            for s in range(STORES)
            if s % 10
        ]
    )
    with store._write() as c:
        c.executemany(
            "INSERT INTO terminals(terminal_id, store, channel, token_hash, created_at) "
            "VALUES (?,?,?,?,?)",
            [
                (f"t-{i:05d}", store_of(i), "kiosk", hash_secret(token(i)), iso(now))
                for i in range(n)
            ],
        )
    if seed:
        rows = []
        for i in range(n):
            if i % 500 == 7:
                continue
            at = now - timedelta(hours=1) if i % 400 == 3 else now
            rows.append(health_row(f"t-{i:05d}", json.loads(report(i)), at))
        with store._write() as c:
            c.executemany(UPSERT_HEALTH, rows)
    if db.startswith("postgresql://"):
        # a bulk load leaves no planner statistics (autovacuum would gather them within a
        # minute on a live central); without them PostgreSQL picks a nested loop for 13,000
        with store._connection() as conn:
            conn.execute("ANALYZE")
    store.close()


def time_reads(db: str, repeat: int = 7) -> list[tuple[str, float, Any]]:
    """(what, median ms, a figure of its answer) for the console's reads, in this process."""
    from central.fleet_reads import TerminalQuery, overview, terminals
    from central.store import open_store

    store = open_store(db)
    now = datetime.now(UTC)
    queries: list[tuple[str, dict[str, Any]]] = [
        ("page 1", {}),
        ("page 100", {"page": 100}),
        ("sort=attention", {"sort": "attention"}),
        ("sort=last_seen desc", {"sort": "last_seen", "order": "desc"}),
        ("state=offline", {"state": "offline"}),
        ("reason=printer-out-of-paper", {"reason": "printer-out-of-paper"}),
        ("district=District 07 sort=store", {"district": "District 07", "sort": "store"}),
    ]
    cases: list[tuple[str, Any]] = [("overview()", lambda: overview(store, now))]
    cases += [
        (f"terminals({name})", lambda kw=kw: terminals(store, now, TerminalQuery(**kw)))
        for name, kw in queries
    ]
    out = []
    try:
        for name, call in cases:
            call()  # warm: connections, statement caches
            times = []
            for _ in range(repeat):
                t0 = time.perf_counter()
                answer = call()
                times.append((time.perf_counter() - t0) * 1000)
            figure = (
                f"{answer.total} terminals, states {answer.states}"
                if name == "overview()"
                else f"{answer.total} match, {len(answer.rows)} shown"
            )
            out.append((name, statistics.median(times), figure))
    finally:
        store.close()
    return out


CONSOLE_PAGES = (
    "/console/",
    "/console/terminals",
    "/console/terminals?sort=attention",
    "/console/terminals?state=offline&sort=last_seen&order=desc",
    "/console/terminals?reason=printer-out-of-paper:fail&page=20",
    "/console/terminals?district=District+07&sort=store",
)


def time_console(db: str, port: int, repeat: int = 7) -> list[tuple[str, float, float]]:
    """(page, median ms, worst ms) of the console's pages over HTTP with a signed-in session
    (the time an operator's browser waits on loopback: the server's time and one round trip).
    Empty when this tree has no console."""
    from _console_http import signed_in

    try:
        from central.console.passwords import hash_password
    except ImportError:
        return []
    from central.store import open_store

    password = "a long bench password"
    store = open_store(db)
    store.add_operator("bench", "operator", hash_password(password), datetime.now(UTC))
    store.close()
    url = f"http://127.0.0.1:{port}"
    browser = signed_in(url, "bench", password)
    out = []
    for path in CONSOLE_PAGES:
        browser.get(url + path, timeout=30)  # warm
        times = []
        for _ in range(repeat):
            t0 = time.perf_counter()
            r = browser.get(url + path, timeout=30, allow_redirects=False)
            times.append((time.perf_counter() - t0) * 1000)
            assert r.status_code == 200, (path, r.status_code)
        out.append((path, statistics.median(times), max(times)))
    return out
