"""`kiosk booking change`, as a technician (or a clerk's script) runs it: the real command in a
child process, against the reference central on loopback (through a fault proxy for the 412).

The demo person "booked" holds a confirmed booking with 0812345678 and "company-employee".
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import pytest
import requests

from tests.central.conftest import citizen
from tests.kiosk.cli.conftest import assert_clean_failure
from tests.sync.conftest import central, proxy, write_config  # noqa: F401  (fixtures)

NEW = "0898765432"


@pytest.fixture
def setup(tmp_path, central, run_kiosk):  # noqa: F811
    home = tmp_path / "home"
    cfg = write_config(home, central.base_url, central.tokens["kiosk-1"])
    env = {"KIOSK_HOME": str(home / "data")}
    booked = central.person("booked").card
    card = tmp_path / "booked.json"
    card.write_text(json.dumps(booked, ensure_ascii=False))

    def change(*args: str, config=cfg, card_path=card):
        return run_kiosk(
            "booking", "change", "--config", str(config), "--card", str(card_path), *args, env=env
        )

    return change, booked, home, env


def held(central, cid: str):  # noqa: F811
    c = central.central
    return c.store.active_booking(c.keys.citizen_key(cid))


def test_change_the_phone_then_the_occupation(setup, central):  # noqa: F811
    change, booked, _, _ = setup
    before = held(central, booked["cid"])
    proc = change("--phone", "089-876-5432", "--json")
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert out["status"] == "changed" and out["reference"] == before.reference
    assert out["phone"] == "089-XXX-5432" and out["version"] == before.version + 1
    assert out["booking_status"] == "confirmed" and out["slot_id"] == before.slot.slot_id
    assert NEW not in proc.stdout + proc.stderr  # masked, never in full
    assert held(central, booked["cid"]).phone == NEW
    proc = change("--occupation", "other", "--occupation-other", "ช่างตัดผม")
    assert proc.returncode == 0, proc.stderr
    assert "Changed" in proc.stdout and "089-XXX-5432" in proc.stdout and "ช่างตัดผม" in proc.stdout
    assert NEW not in proc.stdout + proc.stderr
    after = held(central, booked["cid"])
    assert (after.occupation_code, after.occupation_other, after.phone) == ("other", "ช่างตัดผม", NEW)


def test_refusals_say_what_is_wrong_in_thai_and_english(setup, tmp_path, central):  # noqa: F811
    change, booked, _, _ = setup
    assert_clean_failure(change("--phone", "0712345678"), 2, "bad-phone")
    assert_clean_failure(change(), 2, "nothing-to-change")
    assert_clean_failure(change("--occupation", "other"), 2, "bad-input")
    stranger = tmp_path / "stranger.json"
    stranger.write_text(json.dumps(citizen(7).card, ensure_ascii=False))
    assert_clean_failure(change("--phone", NEW, card_path=stranger), 7, "no-booking")
    dead = write_config(tmp_path / "dead", "http://127.0.0.1:9", central.tokens["kiosk-1"])
    proc = change("--phone", NEW, config=dead)
    assert_clean_failure(proc, 6, "change-needs-connection")
    assert "needs the connection" in proc.stderr
    assert held(central, booked["cid"]).phone == "0812345678"  # nothing changed, nothing queued


def test_a_booking_changed_elsewhere_meanwhile(setup, tmp_path, central, proxy):  # noqa: F811
    _, booked, _, env = setup
    cfg = write_config(tmp_path / "via", proxy.url, central.tokens["kiosk-1"])
    card = tmp_path / "booked.json"
    seen = held(central, booked["cid"])
    proxy.next("pass", "delay:1.0")  # the look-up goes through; the PATCH waits a second
    child = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "kiosk",
            "booking",
            "change",
            "--config",
            str(cfg),
            "--card",
            str(card),
            "--phone",
            NEW,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **env},
    )
    try:
        deadline = time.monotonic() + 20
        while proxy.requests < 2 and time.monotonic() < deadline:
            time.sleep(0.02)
        assert proxy.requests >= 2, "the command never sent its change"
        elsewhere = central.slot_id("scg-bang-sue", days=2, hour=14)
        reply = requests.patch(
            central.url(f"/v1/bookings/{seen.reference}"),
            json={"cid": booked["cid"], "slot_id": elsewhere},
            headers={**central.auth(), "If-Match": str(seen.version)},
            timeout=10,
        )
        assert reply.status_code == 200, reply.text
        out, err = child.communicate(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
    proc = subprocess.CompletedProcess(child.args, child.returncode, out, err)
    assert_clean_failure(proc, 7, "version-mismatch")
    assert "changed elsewhere" in err and elsewhere in err  # the booking as it now stands
    assert "081-XXX-5678" in err and "0812345678" not in out + err
    assert held(central, booked["cid"]).phone == "0812345678"
