"""How fast the SMS outbox drains through the loopback fake gateway, with 1 and 2 senders.

Writes N outbox rows (as the booking transactions would) into a fresh SQLite file or a
PostgreSQL database, then lets S sender threads drain them against
central.notify.fake_gateway, and prints messages/s, each event sent once (the gateway's count
of accepted requests equals N, no duplicate), and the senders' CPU per message.

    .venv/bin/python bench/sms_outbox.py [--rows 2000] [--db postgresql://...]

The real limit of a day is the SMS provider's rate (its 429s), not this loop; the figure says
the sender is not the bottleneck.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import threading
import time
from datetime import datetime, timedelta
from pathlib import Path

from central.notify.fake_gateway import FakeGateway
from central.notify.gateway import HttpJsonGateway
from central.notify.messages import Subject
from central.notify.sender import Sender
from central.sealed_fields import FieldSealer
from central.store import open_store
from central.store.notifications import enqueue
from kiosk.dates import BANGKOK

T0 = datetime(2021, 6, 1, 10, 0, tzinfo=BANGKOK)
TOKEN = "bench-token"


def _fill(store, rows: int) -> None:
    subject = Subject("TRJ-7K3M-Q9X4", "เซ็นทรัลพลาซา ลาดพร้าว", "2021-06-02", "09:00")
    for start in range(0, rows, 500):
        with store._write() as c:
            for i in range(start, min(rows, start + 500)):
                enqueue(
                    c,
                    store.sealer,
                    event_id=f"bench-{i}:confirmed",
                    event="confirmed",
                    reference=f"bench-{i}",
                    phone="0812345678",
                    subject=subject,
                    now=T0,
                )


#: The bench's own rows are sealed at rest like the central's (central/sealed_fields.py); a
#: key of this run only, since nothing else reads them.
SEALER = FieldSealer(os.urandom(32))


def run(db: str, rows: int, senders: int) -> dict[str, float]:
    store = open_store(db, sealer=SEALER)
    _fill(store, rows)
    clock = lambda: T0 + timedelta(minutes=1)  # noqa: E731
    with FakeGateway(token=TOKEN) as gateway:
        barrier = threading.Barrier(senders)
        cpu: list[float] = []

        def one() -> None:
            s = Sender(store, HttpJsonGateway(gateway.url, TOKEN, 5.0), clock, batch=20)
            barrier.wait()
            begin = time.thread_time()
            s.drain()
            cpu.append(time.thread_time() - begin)

        threads = [threading.Thread(target=one) for _ in range(senders)]
        start = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.perf_counter() - start
        sent = len(gateway.snapshot())
        accepted = gateway.stats.get("200", 0)
    store.close()
    return {
        "senders": senders,
        "rows": rows,
        "sent": sent,
        "accepted_requests": accepted,
        "per_second": sent / elapsed,
        "sender_cpu_ms_per_message": 1000 * sum(cpu) / max(1, sent),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=2000, help="outbox rows to drain")
    parser.add_argument("--db", help="a postgresql:// URL of an EMPTY database (default: SQLite)")
    args = parser.parse_args()
    for senders in (1, 2):
        with tempfile.TemporaryDirectory() as tmp:
            db = args.db or str(Path(tmp) / f"sms-{senders}.db")
            if args.db and senders == 2:
                store = open_store(db)
                with store._write() as c:
                    c.execute("DELETE FROM notifications")
                store.close()
            r = run(db, args.rows, senders)
        once = r["sent"] == r["accepted_requests"] == r["rows"]
        print(
            f"{'postgres' if args.db else 'sqlite'}: {r['senders']} sender(s): "
            f"{r['sent']}/{r['rows']} sent, {r['per_second']:.0f} messages/s, "
            f"sender CPU {r['sender_cpu_ms_per_message']:.2f} ms/message, "
            f"each event sent once: {once}"
        )


if __name__ == "__main__":
    main()
