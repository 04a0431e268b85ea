"""Journal write latency with synchronous=FULL, on this machine's disk.

    .venv/bin/python bench/journal.py [--n 500] [--dir DIR]

Each write is what the kiosk does before telling a customer "booked": one INSERT of a sealed
booking plus its history row, committed with an fsync of the WAL. Prints p50/p95/max in ms.
Budget (DESIGN §9): p95 under 20 ms.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric import x25519

from kiosk import sealing
from kiosk.booking.ports import JournalRecord
from sync.journal import SqliteJournal


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=500)
    parser.add_argument("--dir", type=Path, default=None, help="where to put the journal file")
    args = parser.parse_args()
    key = x25519.X25519PrivateKey.generate().public_key()
    body = ("x" * 900).encode()  # about the size of a canonical booking body
    with tempfile.TemporaryDirectory(dir=args.dir) as tmp:
        journal = SqliteJournal(Path(tmp) / "journal.sqlite")
        times = []
        for _ in range(args.n):
            booking_id = str(uuid.uuid4())
            rec = JournalRecord(
                booking_id=booking_id,
                finalized_at=datetime.now(UTC),
                site_id="bkk-01",
                slot_id="bkk-01-2021-06-01-0900",
                slot_date="2021-06-01",
                slot_start="09:00",
                slot_end="10:00",
                cid_key=uuid.uuid4().hex,
                sealed=sealing.seal(body, key, booking_id.encode()),
                slip={"site": {"id": "x"}},
            )
            started = time.perf_counter()
            journal.add(rec)
            times.append((time.perf_counter() - started) * 1000)
        sync = journal.db.conn.execute("PRAGMA synchronous").fetchone()[0]
        journal.close()
    times.sort()
    p95 = times[int(0.95 * (len(times) - 1))]
    print(
        f"journal add (WAL, synchronous={'FULL' if sync == 2 else sync}), {args.n} writes: "
        f"p50 {statistics.median(times):.2f} ms, p95 {p95:.2f} ms, max {times[-1]:.2f} ms"
    )


if __name__ == "__main__":
    main()
