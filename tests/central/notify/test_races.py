"""Senders racing over the same rows send each event once; a sender SIGKILLed after the gateway
accepted is taken over and resends under the same id, which the gateway dedupes."""

from __future__ import annotations

import multiprocessing
import os
import signal
import subprocess
import sys
import threading
from datetime import timedelta
from pathlib import Path

from central.keys import ServerKeys
from central.notify.gateway import HttpJsonGateway
from central.notify.sender import Sender
from central.store import open_store
from tests.central import conftest as central_conftest
from tests.central.conftest import T0
from tests.central.notify.conftest import TOKEN, rows
from tests.central.notify.test_sender import queue

ROOT = Path(__file__).resolve().parents[3]
ROWS = 24


def _all_sent_once(central, gateway):
    got = rows(central)
    assert len(got) == ROWS and {r.state for r in got} == {"sent"}
    ids = [m["id"] for m in gateway.snapshot()]
    assert sorted(ids) == sorted(r.event_id for r in got)
    # not only deduped by the gateway: no row was ever sent twice
    assert gateway.stats.get("200") == ROWS and "duplicate" not in gateway.stats


def test_two_sender_threads_released_together_send_each_event_once(central, gateway):
    queue(central, ROWS)
    barrier = threading.Barrier(2)
    handled = [0, 0]

    def run(i):
        s = Sender(
            central.central.store,
            HttpJsonGateway(gateway.url, TOKEN, 5.0),
            central.clock,
            batch=2,
        )
        barrier.wait()
        handled[i] = s.drain()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sum(handled) == ROWS, handled
    _all_sent_once(central, gateway)


def _process_sender(db, keys, url, barrier, out):
    store = open_store(db, sealer=ServerKeys.load_or_create(keys).field_sealer())
    try:
        s = Sender(
            store,
            HttpJsonGateway(url, TOKEN, 5.0),
            central_conftest.TestClock(T0 + timedelta(minutes=1)),
        )
        s.batch = 2
        barrier.wait()
        out.put(s.drain())
    finally:
        store.close()


def test_two_sender_processes_released_together_send_each_event_once(central, gateway):
    queue(central, ROWS)
    ctx = multiprocessing.get_context("spawn")
    barrier, out = ctx.Barrier(2), ctx.Queue()
    db, keys = central.central.settings.db, central.central.settings.keys_path
    procs = [
        ctx.Process(target=_process_sender, args=(db, keys, gateway.url, barrier, out))
        for _ in range(2)
    ]
    for p in procs:
        p.start()
    for p in procs:
        p.join(90)
    assert [p.exitcode for p in procs] == [0, 0]
    assert out.get(timeout=5) + out.get(timeout=5) == ROWS
    _all_sent_once(central, gateway)


def test_a_sender_killed_after_the_gateway_accepted_is_resent_with_the_same_id(
    central, gateway, tmp_path
):
    queue(central, 1)
    token_file = tmp_path / "sms-token"
    token_file.write_text(TOKEN + "\n")
    started = T0 + timedelta(minutes=1)
    killed = subprocess.run(
        [
            sys.executable,
            "-c",
            "from central.cli import main; raise SystemExit(main())",
            "notify",
            "--db",
            str(central.central.settings.db),
            "--keys-dir",
            str(central.central.settings.keys_path),
            "--sms-gateway-url",
            gateway.url,
            "--sms-token-file",
            str(token_file),
            "--once",
            "--now",
            started.isoformat(),
        ],
        env={**os.environ, "PYTHONPATH": str(ROOT), "KIOSK_TEST_CRASH_AT": "sms-after-accept"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    [row] = rows(central)
    assert (row.state, row.attempts) == ("sending", 1)  # accepted, never marked sent
    assert len(gateway.snapshot()) == 1
    # Another sender, once the dead one's claim has run out
    central.clock.now = started + timedelta(minutes=10)
    s = Sender(central.central.store, HttpJsonGateway(gateway.url, TOKEN, 5.0), central.clock)
    assert s.drain() == 1
    [row] = rows(central)
    assert (row.state, row.attempts) == ("sent", 2)
    [message] = gateway.snapshot()
    assert message["id"] == row.event_id
    assert gateway.stats == {"200": 2, "duplicate": 1}


def test_a_live_claim_is_not_taken_over(central, gateway):
    queue(central, 1)
    store = central.central.store
    [claimed] = store.claim_notifications(central.clock.now, timedelta(minutes=2))
    central.clock.advance(seconds=119)
    assert store.claim_notifications(central.clock.now, timedelta(minutes=2)) == []
    central.clock.advance(seconds=2)
    [again] = store.claim_notifications(central.clock.now, timedelta(minutes=2))
    assert again.id == claimed.id and again.attempts == 2
