"""The operations console's pages with 13,000 terminals: server time of each page as an operator's
browser gets it (a real central on loopback, SQLite, signed in over HTTP).

    .venv/bin/python bench/console_pages.py [--terminals 13000] [--repeat 7] [--dir DIR]

Seeds the terminals (nine in ten have reported: a tenth are never seen; reports spread over the
last 30 minutes, so some are stale and offline; some printers out of paper or near the end, some
queues old, some staff calls), one terminal's week of history, and an operator; then times each
page `--repeat` times and prints the median and the worst. `--dir` keeps the database, so a second
run skips the seeding (which takes about 45 s for 13,000 terminals on the 2-core machine).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

from _console_http import served, signed_in

from central.app import create_app
from central.console.passwords import hash_password
from central.service import Central
from central.settings import Settings
from kiosk.dates import BANGKOK

NOW = datetime(2021, 6, 1, 10, 0, tzinfo=BANGKOK)
PASSWORD = "a long bench password"
PAGES = (
    "/console/",
    "/console/terminals",
    "/console/terminals?state=offline&sort=last_seen&order=desc",
    "/console/terminals?reason=queue-old:fail&page=20",
    "/console/terminals/t-00002",
    "/console/audit",
)


def _report(i: int, queued: int | None = None) -> dict:
    paper = ("ok", "near-end", "out")[i % 3] if i % 7 == 0 else "ok"
    return {
        "software": "0.14.0",
        "rule_set": "bkk-thairuamjai-2021-05-27",
        "interval_s": 60,
        "checks": [{"name": "printer", "status": "ok", "detail": ""}],
        "queue": {"queued": i % 4 if queued is None else queued, "sending": 0,
                  "oldest_age_s": i % 5000},
        "leases": {"held": 0, "spent": 0},
        "printer": {"state": "ok", "paper": paper},
        "reader": "ok",
        "clock_offset_s": 0.1,
        "last_sync": None,
        "staff": {"requested": i % 50 == 0, "paused": False},
    }  # fmt: skip


def seed(store, terminals: int) -> None:
    started = time.perf_counter()
    for i in range(terminals):
        tid = f"t-{i:05d}"
        store.issue_token(tid, f"store-{i % 900}", "kiosk", NOW)
        if i % 10:
            store.put_health(tid, _report(i), NOW - timedelta(seconds=i % 1800))
    at, n = NOW - timedelta(days=7) + timedelta(minutes=5), 0
    while at < NOW - timedelta(minutes=1):
        store.put_health("t-00002", _report(2, queued=n % 11), at)
        at, n = at + timedelta(minutes=20), n + 1
    store.add_operator("bench", "technician", hash_password(PASSWORD), NOW)
    print(f"seeded {terminals} terminals in {time.perf_counter() - started:.1f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--terminals", type=int, default=13_000, help="how many terminals")
    parser.add_argument("--repeat", type=int, default=7, help="requests per page")
    parser.add_argument("--dir", type=Path, help="keep the database here (reused if there)")
    args = parser.parse_args()
    base = args.dir or Path(tempfile.mkdtemp(prefix="console-bench-"))
    base.mkdir(parents=True, exist_ok=True)
    settings = Settings(db=base / "central.db", clock=lambda: NOW, demo=False, verify_interval=0)
    central = Central(settings)
    if not central.store.operators():
        seed(central.store, args.terminals)
    try:
        with served(create_app(settings, central)) as url:
            browser = signed_in(url, "bench", PASSWORD)
            time_pages(browser, url, args.repeat)
    finally:
        central.close()


def time_pages(browser, url: str, repeat: int) -> None:
    """Each page `repeat` times: median and worst wall time, and its size."""
    for path in PAGES:
        times = []
        for _ in range(repeat):
            started = time.perf_counter()
            r = browser.get(url + path, timeout=60)
            times.append(time.perf_counter() - started)
            assert r.status_code == 200, (path, r.status_code)
        print(
            f"{path:<60} median {statistics.median(times) * 1000:7.1f} ms"
            f"  worst {max(times) * 1000:7.1f} ms  {len(r.content):>7} bytes"
        )


if __name__ == "__main__":
    main()
