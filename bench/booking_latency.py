"""Booking latency as the customer feels it, against a real central on loopback.

    .venv/bin/python bench/booking_latency.py [--n 300]

1. Online: N bookings through the booking service (journal write, sealing, POST, journal update);
   p50/p95/max. Budget: p95 under 250 ms.
2. The central dies (its process is killed): the time until the first booking is queued.
   Budget: within 3 s.
3. With the breaker open: the time to queue each following booking. Budget: under 100 ms.
4. The central hangs (a socket that accepts and never answers): the time to queue.
"""

from __future__ import annotations

import argparse
import socket
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _terminal import book_args, open_slots, start_central, terminal


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(q * (len(values) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=300)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        central = start_central(tmp, capacity=200)
        t = terminal(tmp, central.url, central.token("T-BENCH"))
        assert t.cache.refresh(t.client).ok
        slots = open_slots(t)
        service = t.booking_service()
        times = []
        for n in range(args.n):
            started = time.perf_counter()
            outcome = service.book(**book_args(t, n, slots))
            times.append((time.perf_counter() - started) * 1000)
            assert outcome.status == "confirmed", outcome
        print(
            f"online booking ({args.n}): p50 {statistics.median(times):.1f} ms, "
            f"p95 {pct(times, 0.95):.1f} ms, max {max(times):.1f} ms"
        )

        central.pull_the_plug()
        started = time.perf_counter()
        first = service.book(**book_args(t, 100_000, slots))
        first_ms = (time.perf_counter() - started) * 1000
        print(
            f"central killed: first booking {first.status} ({first.code}) in {first_ms:.0f} ms; "
            f"breaker {t.client.breaker.state}"
        )
        open_times = []
        for n in range(100_001, 100_051):
            started = time.perf_counter()
            outcome = service.book(**book_args(t, n, slots))
            open_times.append((time.perf_counter() - started) * 1000)
            assert outcome.status == "queued"
        print(
            f"breaker open: 50 bookings queued, p50 {statistics.median(open_times):.1f} ms, "
            f"max {max(open_times):.1f} ms"
        )

        hang = socket.create_server(("127.0.0.1", 0))
        t.client.base_url = f"http://127.0.0.1:{hang.getsockname()[1]}"
        t.client.breaker.success()
        started = time.perf_counter()
        hung = service.book(**book_args(t, 200_000, slots))
        print(
            f"central hangs: booking {hung.status} ({hung.code}) in "
            f"{(time.perf_counter() - started) * 1000:.0f} ms"
        )
        hang.close()
        print(f"journal: {t.journal.counts()}")


if __name__ == "__main__":
    main()
