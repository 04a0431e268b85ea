"""`kiosk-central`: a real `serve` process, hours, verify, openapi, and bilingual failures."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

from central.cli import main

ROOT = Path(__file__).resolve().parents[2]
CLI = [sys.executable, "-c", "from central.cli import main; raise SystemExit(main())"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_serve_demo_always_open_at_a_chosen_instant(tmp_path):
    db = tmp_path / "c.db"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    token = subprocess.run(
        [*CLI, "token", "--db", str(db), "--terminal", "t1"],
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
            str(db),
            "--port",
            str(port),
            "--demo",
            "--always-open",
            "--now",
            "2021-06-01T23:30:00+07:00",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 20
        while True:
            try:
                r = requests.get(
                    base + "/v1/config", headers={"Authorization": f"Bearer {token}"}, timeout=2
                )
                break
            except requests.ConnectionError:
                assert time.monotonic() < deadline and server.poll() is None
                time.sleep(0.1)
        config = r.json()
        assert config["server_time"].startswith("2021-06-01T23:3")
        assert config["channels"]["kiosk"]["opens"] == "00:00"
        assert config["channels"]["kiosk"]["closes"] == "24:00"
        sites = requests.get(
            base + "/v1/sites", headers={"Authorization": f"Bearer {token}"}, timeout=5
        ).json()
        assert len(sites["sites"]) == 25
    finally:
        server.terminate()
        _, err = server.communicate(timeout=20)
    assert b"Traceback" not in err


def test_hours_show_change_and_refuse_nonsense(tmp_path, capsys):
    db = str(tmp_path / "c.db")
    assert main(["hours", "--db", db]) == 0
    out = capsys.readouterr().out
    assert "kiosk\t09:00-18:00\tfrom 2021-05-28" in out and "web\t09:00-22:00" in out
    assert main(["hours", "--db", db, "--channel", "kiosk", "--closes", "20:00"]) == 0
    assert "kiosk\t09:00-20:00" in capsys.readouterr().out
    assert main(["hours", "--db", db, "--channel", "web", "--opens", "23:00"]) == 2
    err = capsys.readouterr().err
    assert err.count("error [bad-input]") == 2
    assert main(["hours", "--db", db, "--channel", "kiosk", "--opens", "9am"]) == 1
    assert "invalid-request" in capsys.readouterr().err
    assert main(["hours", "--db", db, "--always-open"]) == 0
    assert "app\t00:00-24:00" in capsys.readouterr().out


def test_a_database_that_is_not_one_is_a_clear_error(tmp_path, capsys):
    bad = tmp_path / "not.db"
    bad.write_text("this is not sqlite " * 100)
    assert main(["token", "--db", str(bad), "--terminal", "x"]) == 3
    err = capsys.readouterr().err
    assert "error [store-error]" in err and "Traceback" not in err
    assert "ไม่สามารถใช้ฐานข้อมูลได้" in err


def test_verify_settles_pending_bookings(central, capsys):
    from tests.central.conftest import booking_body

    body = booking_body(
        central.person("nonthaburi"),
        central.slot_id(),
        route="book-provisional",
        code="registry-unverified",
    )
    assert central.book(body).json()["status"] == "pending-verification"
    settings = central.central.settings
    assert main(["verify", "--db", str(settings.db), "--keys-dir", str(settings.keys_path)]) == 0
    assert capsys.readouterr().out.strip() == "confirmed 1, cancelled 0"


def test_the_server_settles_pending_bookings_by_itself(make_central):
    from tests.central.conftest import booking_body

    c = make_central(verify_interval=0.1)
    body = booking_body(
        c.person("nonthaburi"), c.slot_id(), route="book-provisional", code="registry-unverified"
    )
    assert c.book(body).json()["status"] == "pending-verification"
    deadline = time.monotonic() + 5
    while c.central.store.booking_by_id(body["booking_id"]).status != "confirmed":
        assert time.monotonic() < deadline, "the verifier never ran"
        time.sleep(0.05)


def test_openapi_command_prints_the_document(capsys):
    assert main(["openapi"]) == 0
    assert capsys.readouterr().out == (ROOT / "docs" / "central-api.json").read_text("utf-8")
