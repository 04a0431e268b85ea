"""The fake gateway itself: modes over HTTP, dedupe by id, and `python -m` as a process."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import requests

from central.notify.gateway import HttpJsonGateway
from tests.central.notify.conftest import TOKEN

ROOT = Path(__file__).resolve().parents[3]


def test_each_mode_answers_as_the_sender_expects(gateway):
    client = HttpJsonGateway(gateway.url, TOKEN, 0.5)
    assert client.send("e1", "0812345678", "ข้อความ").outcome == "accepted"
    assert client.send("e1", "0812345678", "ข้อความ").outcome == "accepted"  # deduped
    base = gateway.url.removesuffix("/send")
    for mode, outcome in (
        ("refuse", "retry"),
        ("bad-token", "unauthorized"),
        ("reject", "failed"),
        ("timeout", "retry"),
    ):
        assert requests.post(base + "/_mode", json={"mode": mode, "delay": 1}, timeout=5).ok
        assert client.send("e2", "0812345678", "x").outcome == outcome, mode
    requests.post(base + "/_mode", json={"mode": "rate-limit", "retry_after": 42}, timeout=5)
    limited = client.send("e2", "0812345678", "x")
    assert (limited.outcome, limited.retry_after) == ("rate-limited", 42.0)
    assert requests.post(base + "/_mode", json={"mode": "nonsense"}, timeout=5).status_code == 400
    messages = requests.get(base + "/messages", timeout=5).json()
    assert [(m["id"], m["to"], m["text"]) for m in messages] == [("e1", "+66812345678", "ข้อความ")]
    assert set(messages[0]) == {"id", "to", "text", "received_at"}
    assert gateway.stats["duplicate"] == 1


def test_it_runs_as_a_process(tmp_path):
    proc = subprocess.Popen(
        [sys.executable, "-m", "central.notify.fake_gateway", "--port", "0", "--token", TOKEN],
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        line = proc.stdout.readline()
        assert line.startswith("fake SMS gateway on http://127.0.0.1:")
        url = line.split(" on ")[1].strip()
        deadline = time.monotonic() + 5
        while True:
            try:
                result = HttpJsonGateway(url, TOKEN, 2.0).send("p1", "0812345678", "hi")
                break
            except OSError:
                assert time.monotonic() < deadline
        assert result.outcome == "accepted"
        got = requests.get(url.removesuffix("/send") + "/messages", timeout=5).json()
        assert [m["id"] for m in got] == ["p1"]
    finally:
        proc.terminate()
        proc.wait(10)
