"""`kiosk-central notifications` (masked), logs without numbers, and `serve --sms-gateway-url`
sending a replayed booking's SMS end to end over HTTP (SQLite with one worker, PostgreSQL with
two: each worker runs a sender, the claims keep them apart)."""

from __future__ import annotations

import json
import logging
import os
import socket
import subprocess
import sys
import time
import uuid
from datetime import datetime, timedelta
from pathlib import Path

import requests

from central.cli import main
from central.notify.gateway import HttpJsonGateway
from central.notify.sender import RetryPolicy, Sender
from kiosk.dates import BANGKOK
from kiosk.demo_people import demo_person
from kiosk.keys import x25519_public_from_b64
from kiosk.sealing import seal
from kiosk.signing import canonical
from tests.central.conftest import booking_body, citizen
from tests.central.notify.conftest import TOKEN, rows, sealed_body

ROOT = Path(__file__).resolve().parents[3]
CLI = [sys.executable, "-c", "from central.cli import main; raise SystemExit(main())"]
PHONE = "0812345678"
KEYS = {
    "id",
    "event_id",
    "reference",
    "event",
    "state",
    "attempts",
    "phone",
    "text",
    "created_at",
    "sent_at",
    "next_attempt_at",
    "last_error",
}


def _queue(central, phone=PHONE, person=None, days=1):
    person = person or central.person("bangkok")
    body = booking_body(person, central.slot_id(days=days), phone=phone)
    r = central.book(sealed_body(central, body))
    assert r.status_code == 201, r.text
    return r.json()


def test_notifications_shows_rows_with_the_phone_masked(central, capsys):
    booking = _queue(central)
    db = str(central.central.settings.db)
    keys = ["--keys-dir", str(central.central.settings.keys_path)]
    assert main(["notifications", "--db", db, *keys, "--json"]) == 0
    out = capsys.readouterr().out
    [row] = json.loads(out)
    assert set(row) == KEYS
    assert (row["reference"], row["event"], row["state"], row["attempts"]) == (
        booking["reference"],
        "confirmed",
        "pending",
        0,
    )
    assert row["phone"] == "081-XXX-5678" and PHONE not in out
    assert main(["notifications", "--db", db, *keys]) == 0
    table = capsys.readouterr()
    assert "081-XXX-5678" in table.out and PHONE not in table.out + table.err
    assert "pending 1" in table.err
    assert main(["notifications", "--db", db, "--json", "--state", "sent"]) == 0
    assert json.loads(capsys.readouterr().out) == []


def test_bad_input_is_refused_in_thai_and_english(central, tmp_path, capsys):
    db = str(central.central.settings.db)
    assert main(["notifications", "--db", db, "--state", "lost"]) == 2
    err = capsys.readouterr().err
    assert "สถานะที่ระบุไม่ถูกต้อง" in err and "--state must be one of" in err
    assert main(["notify", "--db", db, "--once"]) == 2
    assert "--sms-gateway-url is required" in capsys.readouterr().err
    missing = str(tmp_path / "no-such-token")
    args = ["notify", "--db", db, "--sms-gateway-url", "http://127.0.0.1:9/send"]
    assert main([*args, "--sms-token-file", missing, "--once"]) == 2
    err = capsys.readouterr().err
    assert "อ่านไฟล์โทเคน SMS ไม่ได้" in err and "cannot read the SMS token file" in err
    assert main(["notify", "--db", db, "--sms-gateway-url", "ftp://x", "--once"]) == 2
    assert "must be an http:// or https:// URL" in capsys.readouterr().err
    assert "Traceback" not in err


def test_no_log_line_names_a_phone_number(central, gateway, caplog):
    caplog.set_level(logging.DEBUG)
    _queue(central)
    _queue(central, phone="0898765432", person=citizen(3))
    policy = RetryPolicy(max_attempts=1)
    gateway.mode = "refuse"
    store = central.central.store
    Sender(store, HttpJsonGateway(gateway.url, TOKEN, 2.0), central.clock, policy=policy).drain()
    text = "\n".join(r.getMessage() for r in caplog.records)
    assert "dead after" in text  # the sender did log
    for number in (PHONE, "812345678", "0898765432", "898765432"):
        assert number not in text


def test_the_server_logs_once_that_no_gateway_means_rows_stay_pending(make_central, caplog):
    caplog.set_level(logging.INFO, logger="central")
    make_central()
    lines = [r.getMessage() for r in caplog.records if "SMS" in r.getMessage()]
    assert lines == ["no SMS gateway configured (--sms-gateway-url): SMS rows stay pending"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_serve_with_a_gateway_sends_a_replayed_bookings_sms(backend, new_db, gateway, tmp_path):
    url = new_db()
    db = url or str(tmp_path / "c.db")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    extra = ["--keys-dir", str(tmp_path / "keys")] if url else []
    workers = ["--workers", "2"] if url else []
    token_file = tmp_path / "sms-token"
    token_file.write_text(TOKEN)
    subprocess.run([*CLI, "migrate", "--db", db], check=True, env=env, capture_output=True)
    terminal = subprocess.run(
        [*CLI, "token", "--db", db, "--terminal", "t1"],
        capture_output=True,
        text=True,
        check=True,
        env=env,
    ).stdout.strip()
    port = _free_port()
    server = subprocess.Popen(
        [
            *CLI,
            "serve",
            "--db",
            db,
            *extra,
            *workers,
            "--port",
            str(port),
            "--demo",
            "--always-open",
            "--sms-gateway-url",
            gateway.url,
            "--sms-token-file",
            str(token_file),
            "--notify-interval",
            "0.2",
            "--no-access-log",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base, auth = f"http://127.0.0.1:{port}", {"Authorization": f"Bearer {terminal}"}
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                config = requests.get(base + "/v1/config", headers=auth, timeout=2).json()
                break
            except requests.ConnectionError:
                assert time.monotonic() < deadline and server.poll() is None
                time.sleep(0.1)
        now = datetime.now(tz=BANGKOK)
        tomorrow = now.date() + timedelta(days=1)
        body = booking_body(
            demo_person("bangkok", now.date()),
            f"scg-bang-sue-{tomorrow:%Y%m%d}-1100",
            confirmed_at=now.replace(microsecond=0) - timedelta(minutes=1),
            booking_id=str(uuid.uuid4()),
        )
        public = x25519_public_from_b64(config["keys"]["journal_sealing"]["public"])
        box = seal(canonical(body), public, ("booking:" + body["booking_id"]).encode())
        sealed = {"booking_id": body["booking_id"], "sealed": box}
        headers = {**auth, "Idempotency-Key": body["booking_id"]}
        r = requests.post(base + "/v1/bookings", json=sealed, headers=headers, timeout=10)
        assert r.status_code == 201, r.text
        reference = r.json()["reference"]
        deadline = time.monotonic() + 20
        while not gateway.snapshot():
            assert time.monotonic() < deadline, "no SMS reached the gateway"
            time.sleep(0.1)
        time.sleep(1.0)  # every worker's sender has had several passes since
        [message] = requests.get(gateway.url.replace("/send", "/messages"), timeout=5).json()
        assert message["id"] == f"{reference}:confirmed" and message["to"] == "+66812345678"
        assert reference in message["text"]
        assert gateway.stats == {"200": 1}
    finally:
        server.terminate()
        _, err = server.communicate(timeout=30)
    listing = subprocess.run(
        [*CLI, "notifications", "--db", db, "--json"],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    [row] = json.loads(listing.stdout)
    assert row["state"] == "sent" and row["phone"] == ""
    assert b"Traceback" not in err and b"812345678" not in err
    workers_said = b"2 worker(s)" if url else b"1 worker(s)"
    assert b"SMS sender in each of " + workers_said in err


def test_rows_helper_sees_the_same_rows_as_the_listing(central):
    _queue(central)
    assert [r.event for r in rows(central)] == ["confirmed"]
