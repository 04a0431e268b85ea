"""`kiosk provision` and `kiosk doctor` against a real central, with each fault injected."""

from __future__ import annotations

import json
import os
import sqlite3
import stat
import subprocess
import sys
import time
from datetime import timedelta

import pytest

from kiosk.card.emulator import ThaiIdApplet  # noqa: F401  (the pcsc fixture needs the stack)
from kiosk.dates import BANGKOK
from tests.central.conftest import citizen, start_central
from tests.kiosk.cli.conftest import assert_clean_failure
from tests.printer.loopback import LoopbackPrinter


@pytest.fixture
def central(tmp_path):
    """A central on today's date, open all day: the doctor compares real clocks."""
    from datetime import date, datetime

    from central.hours import ChannelHours

    path = tmp_path / "central"
    path.mkdir()
    running = start_central(path, now=datetime.now(BANGKOK))
    for channel in ("kiosk", "web", "app"):
        running.central.store.set_hours(ChannelHours(channel, "00:00", "24:00", date(2021, 5, 28)))
    yield running
    running.stop()


@pytest.fixture
def provisioned(tmp_path, central, run_kiosk):
    printer = LoopbackPrinter("ready")
    code = central.central.store.new_enrolment_code("S-1", central.clock.now, timedelta(hours=1))
    cfg = tmp_path / "etc" / "kiosk.toml"
    env = {"KIOSK_HOME": str(tmp_path / "data")}
    started = time.monotonic()
    proc = run_kiosk(
        "provision",
        "--central",
        central.base_url,
        "--enrolment-code",
        code,
        "--store",
        "S-1",
        "--terminal-id",
        "T-1",
        "--printer",
        printer.uri,
        "--reader",
        "Virtual PCD 00 00",
        "--config",
        str(cfg),
        env=env,
    )
    seconds = time.monotonic() - started
    assert proc.returncode == 0, proc.stderr
    yield {"cfg": cfg, "env": env, "printer": printer, "seconds": seconds, "proc": proc}
    printer.close()


def doctor(run_kiosk, p):
    proc = run_kiosk("doctor", "--config", str(p["cfg"]), "--json", env=p["env"])
    out = json.loads(proc.stdout)
    return proc.returncode, out["verdict"], {c["name"]: c for c in out["checks"]}


def test_provisioning_end_to_end_then_a_booking(provisioned, run_kiosk, tmp_path, central):
    p = provisioned
    token = p["cfg"].parent / "token"
    assert stat.S_IMODE(token.stat().st_mode) == 0o600
    assert stat.S_IMODE(p["cfg"].stat().st_mode) == 0o600
    assert token.read_text().strip() not in p["proc"].stdout + p["proc"].stderr
    assert "test slip printed" in p["proc"].stderr
    assert len(p["printer"].jobs) == 1  # the test slip reached the printer
    card = tmp_path / "card.json"
    card.write_text(json.dumps(citizen(5).card, ensure_ascii=False))
    answers = tmp_path / "answers.json"
    answers.write_text('{"conditions": []}')
    slots = json.loads((tmp_path / "data" / "cache" / "slots-scg-bang-sue.json").read_text())
    tomorrow = (central.clock.now + timedelta(days=1)).date().isoformat()
    slot = next(s["slot_id"] for s in slots["data"] if s["date"] >= tomorrow)
    started = time.monotonic()
    proc = run_kiosk(
        "book",
        "--config",
        str(p["cfg"]),
        "--card",
        str(card),
        "--answers",
        str(answers),
        "--slot",
        slot,
        "--phone",
        "0812345678",
        "--occupation",
        "student",
        "--json",
        env=p["env"],
    )
    assert json.loads(proc.stdout)["status"] == "confirmed", proc.stderr
    first_booking = p["seconds"] + time.monotonic() - started
    assert first_booking < 30
    assert len(p["printer"].jobs) == 2  # and the booking's slip
    print(f"provision to first booking: {first_booking:.1f} s")


def test_provisioning_sets_the_technician_pin(run_kiosk, central, tmp_path):
    from kiosk.config import load
    from kiosk.technician import verify_pin

    code = central.central.store.new_enrolment_code("S-1", central.clock.now, timedelta(hours=1))
    cfg = tmp_path / "k" / "kiosk.toml"
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "kiosk",
            "provision",
            "--central",
            central.base_url,
            "--enrolment-code",
            code,
            "--store",
            "S-1",
            "--config",
            str(cfg),
            "--no-test-print",
            "--pin-stdin",
        ],
        input="482913\n",
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "KIOSK_HOME": str(tmp_path / "kd")},
    )
    assert proc.returncode == 0, proc.stderr
    text = cfg.read_text()
    assert "482913" not in text
    loaded = load(cfg, env={"KIOSK_HOME": str(tmp_path / "kd")})
    assert verify_pin("482913", loaded.technician_pin_hash)
    assert not verify_pin("111111", loaded.technician_pin_hash)


def test_provisioning_again_is_safe(provisioned, run_kiosk, central):
    p = provisioned
    old_token = (p["cfg"].parent / "token").read_text()
    code = central.central.store.new_enrolment_code("S-1", central.clock.now, timedelta(hours=1))
    proc = run_kiosk(
        "provision",
        "--central",
        central.base_url,
        "--enrolment-code",
        code,
        "--config",
        str(p["cfg"]),
        "--no-test-print",
        env=p["env"],
    )
    assert proc.returncode == 0, proc.stderr
    assert (p["cfg"].parent / "token").read_text() != old_token  # re-enrolled, old token dead
    assert "T-1" in p["cfg"].read_text() and p["printer"].uri in p["cfg"].read_text()
    code, verdict, checks = doctor(run_kiosk, p)
    assert verdict != "fail", checks


def test_provisioning_refusals(run_kiosk, central, tmp_path):
    proc = run_kiosk(
        "provision",
        "--central",
        central.base_url,
        "--enrolment-code",
        "WRONG",
        "--store",
        "S-1",
        "--config",
        str(tmp_path / "k.toml"),
        "--no-test-print",
    )
    assert_clean_failure(proc, 3, "enrolment-code-unknown")
    proc = run_kiosk(
        "provision",
        "--central",
        "http://127.0.0.1:9",
        "--enrolment-code",
        "X",
        "--store",
        "S-1",
        "--config",
        str(tmp_path / "k.toml"),
    )
    assert_clean_failure(proc, 3, "central-unreachable")
    assert not (tmp_path / "k.toml").exists()


def test_doctor_healthy(provisioned, run_kiosk):
    status, verdict, checks = doctor(run_kiosk, provisioned)
    assert (status, verdict) in ((0, "ok"), (0, "warn"))
    assert checks["central"]["status"] == checks["printer"]["status"] == "ok"
    assert checks["journal"]["status"] == checks["rule set"]["status"] == "ok"


def test_doctor_central_down(provisioned, run_kiosk, central):
    central.stop()
    status, verdict, checks = doctor(run_kiosk, provisioned)
    assert (status, verdict) == (1, "fail")
    assert checks["central"]["status"] == "fail" and checks["central"]["fix"]


def test_doctor_token_revoked(provisioned, run_kiosk, central):
    central.central.store.revoke("T-1", central.clock.now)
    status, _, checks = doctor(run_kiosk, provisioned)
    assert status == 1 and "revoked" in checks["central"]["detail"]
    assert "kiosk provision" in checks["central"]["fix"]


def test_doctor_token_readable_by_others(provisioned, run_kiosk):
    os.chmod(provisioned["cfg"].parent / "token", 0o644)
    status, _, checks = doctor(run_kiosk, provisioned)
    assert status == 1 and checks["token"]["status"] == "fail"


def test_doctor_clock_skewed(provisioned, run_kiosk, central):
    central.clock.advance(minutes=20)
    status, _, checks = doctor(run_kiosk, provisioned)
    assert status == 1 and checks["clock"]["status"] == "fail"
    seconds = int(checks["clock"]["detail"].split(" is ")[1].split(" s ")[0])
    assert 1190 <= seconds <= 1210 and "behind" in checks["clock"]["detail"]


def test_doctor_rule_set_tampered(provisioned, run_kiosk, tmp_path):
    # put a signed rule set in the cache, then change one rule in it
    from kiosk import signing
    from kiosk.eligibility import load_bundled

    cache = tmp_path / "data" / "cache"
    forged = signing.sign(
        load_bundled().to_json(),
        __import__(
            "cryptography.hazmat.primitives.asymmetric.ed25519", fromlist=["x"]
        ).Ed25519PrivateKey.generate(),
    )
    (cache / "rules.json").write_text(
        json.dumps({"fetched_at": "2021-06-01T03:00:00+00:00", "data": forged})
    )
    status, _, checks = doctor(run_kiosk, provisioned)
    assert status == 1 and checks["rule set"]["status"] == "fail"
    assert "unknown key" in checks["rule set"]["detail"]


@pytest.mark.parametrize(
    ("state", "expect"),
    [("paper-out", "fail"), ("cover-open", "fail"), ("near-end", "warn"), ("silent", "warn")],
)
def test_doctor_printer_states(provisioned, run_kiosk, state, expect):
    provisioned["printer"].state = state
    _, _, checks = doctor(run_kiosk, provisioned)
    assert checks["printer"]["status"] == expect, checks["printer"]


def test_doctor_printer_missing(provisioned, run_kiosk):
    provisioned["printer"].close()
    status, _, checks = doctor(run_kiosk, provisioned)
    assert status == 1 and checks["printer"]["status"] == "fail"


def test_doctor_journal_corrupt(provisioned, run_kiosk, tmp_path):
    journal = tmp_path / "data" / "journal.sqlite"
    with sqlite3.connect(journal) as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    journal.write_bytes(b"garbage" * 1000)
    status, _, checks = doctor(run_kiosk, provisioned)
    assert status == 1 and checks["journal"]["status"] == "fail"
    assert "recovery" in checks["journal"]["fix"]


def test_doctor_without_config(run_kiosk, tmp_path):
    proc = run_kiosk("doctor", "--config", str(tmp_path / "none.toml"))
    assert proc.returncode == 1 and "kiosk provision" in proc.stdout


def test_doctor_json_carries_an_open_staff_call_and_the_pause(provisioned, run_kiosk):
    from kiosk.config import load
    from sync.journal import SqliteJournal
    from sync.store_log import StoreLog

    p = provisioned
    _, _, checks = doctor(run_kiosk, p)
    assert checks["staff-call"]["status"] == "ok" and "service" not in checks
    cfg = load(p["cfg"], env=p["env"])
    journal = SqliteJournal(cfg.journal_path)
    log = StoreLog(journal)
    log.open_call("slot")
    log.set_paused(True)
    proc = run_kiosk("doctor", "--config", str(p["cfg"]), "--json", env=p["env"])
    out = json.loads(proc.stdout)
    checks = {c["name"]: c for c in out["checks"]}
    assert out["staff"]["call"]["screen"] == "slot" and out["staff"]["paused"]["since"]
    assert (
        checks["staff-call"]["status"] == "warn" and "clerk screen" in checks["staff-call"]["fix"]
    )
    assert checks["service"]["status"] == "warn"
    log.close_call("answered")
    log.set_paused(False)
    journal.close()
    out = json.loads(run_kiosk("doctor", "--config", str(p["cfg"]), "--json", env=p["env"]).stdout)
    assert out["staff"] == {"call": None, "paused": None}
