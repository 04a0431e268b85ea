"""Replay throughput: a backlog of queued bookings sent to a loopback central.

    .venv/bin/python bench/replay.py [--n 10000]

Queues N bookings while the central is unreachable (through the real booking service: journal
first, sealed), then starts the reference central (`kiosk-central serve`, SQLite, its own process)
and measures the replay worker draining the backlog: bookings per second, and that every one ended
confirmed and is held by the central exactly once. Budget (DESIGN §9): over 200 bookings/s.
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _terminal import book_args, offline_terminal, open_slots, start_central, terminal


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        central = start_central(tmp, capacity=max(50, args.n // 300 + 10))
        try:
            tok = central.token("T-BENCH")
            t = terminal(tmp, central.url, tok)
            assert t.cache.refresh(t.client).ok
            slots = open_slots(t)
            offline = offline_terminal(t, tok)
            service = offline.booking_service()
            started = time.perf_counter()
            for n in range(args.n):
                assert service.book(**book_args(offline, n, slots)).status == "queued"
            queued_s = time.perf_counter() - started
            print(
                f"queued {args.n} bookings offline in {queued_s:.1f} s "
                f"({args.n / queued_s:,.0f}/s, journal + sealing)"
            )
            worker = t.replay_worker()
            started = time.perf_counter()
            t.journal.db.conn.execute(
                "UPDATE bookings SET next_attempt_utc = '2000-01-01T00:00:00.000000+00:00'"
            )
            done = worker.run_until_empty(t.journal, timeout=600)
            elapsed = time.perf_counter() - started
            counts = t.journal.counts()
            print(
                f"replayed {counts['confirmed']} of {args.n} in {elapsed:.1f} s: "
                f"{counts['confirmed'] / elapsed:,.0f} bookings/s "
                f"(counts {counts}, finished={done})"
            )
            db = sqlite3.connect(central.central_db)
            held = db.execute(
                "SELECT COUNT(*), COUNT(DISTINCT booking_id) FROM bookings WHERE channel = 'kiosk'"
            ).fetchone()
            print(f"central holds {held[0]} kiosk bookings, {held[1]} distinct booking ids")
        finally:
            central.close()


if __name__ == "__main__":
    main()
