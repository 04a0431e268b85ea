"""Crash tests: a real `kiosk sync run` process, killed with SIGKILL at random moments and at the
worst ones, restarted each time. At the end the central holds each booking exactly once, the
journal shows each one confirmed, and SQLite's integrity check is clean."""

from __future__ import annotations

import random
import signal
import sqlite3
import time

from tests.sync.conftest import booking_args, run_sync

N = 60


def test_sigkill_at_any_moment_never_loses_or_duplicates_a_booking(central, make_terminal, proxy):
    t = make_terminal(proxy.url)
    proxy.set("refuse")
    ids = [
        t.booking_service().book(**booking_args(t, n, slot_index=n % 10)).booking_id
        for n in range(1, N + 1)
    ]
    assert t.journal.counts()["queued"] == N
    proxy.set("delay:0.02")  # a few milliseconds per request, so a kill lands mid-replay
    cfg, home = t.config.path, t.config.home
    journal_path = t.config.journal_path
    t.close()
    rnd = random.Random(20210527)
    killed = {"random": 0, "after-send": 0, "after-claim": 0}
    for round_ in range(30):
        with sqlite3.connect(journal_path) as db:
            left = db.execute(
                "SELECT COUNT(*) FROM bookings WHERE state IN ('queued', 'sending')"
            ).fetchone()[0]
        if not left:
            break
        crash_at = (None, "after-send", "after-claim")[round_ % 3]
        proc = run_sync(cfg, home, crash_at=crash_at)
        if crash_at:
            proc.wait(timeout=60)
        else:
            time.sleep(rnd.uniform(0.4, 1.5))  # starting, refreshing the cache, sending, writing
            proc.send_signal(signal.SIGKILL)
            proc.wait(timeout=10)
        if proc.returncode == -signal.SIGKILL:
            killed[crash_at or "random"] += 1
        with sqlite3.connect(journal_path) as db:
            assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert killed["after-send"] >= 3 and killed["after-claim"] >= 3, killed
    assert sum(killed.values()) >= 10, killed
    final = run_sync(cfg, home)
    _, err = final.communicate(timeout=90)
    assert final.returncode == 0, err
    with sqlite3.connect(journal_path) as db:
        states = dict(db.execute("SELECT booking_id, state FROM bookings").fetchall())
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        sends = db.execute("SELECT COUNT(*) FROM events WHERE state = 'sending'").fetchone()[0]
    assert sorted(states) == sorted(ids)
    with sqlite3.connect(journal_path) as db:
        odd = db.execute(
            "SELECT state, outcome_code, outcome_detail FROM bookings WHERE state != 'confirmed'"
        ).fetchall()
    assert set(states.values()) == {"confirmed"}, odd
    store = central.central.store
    held = [store.booking_by_id(i) for i in ids]
    assert all(b is not None for b in held)
    with store._write() as conn:
        counts = conn.execute(
            f"SELECT booking_id, COUNT(*) FROM bookings WHERE booking_id IN "
            f"({','.join('?' * len(ids))}) GROUP BY booking_id",
            ids,
        ).fetchall()
    assert len(counts) == N and all(n == 1 for _, n in counts)
    assert sends >= N  # some bookings were sent more than once, and still held once
