"""The clerk PIN and its lockout policy."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kiosk import config
from kiosk.clerk import (
    FIRST_LOCK_SECONDS,
    MAX_LOCK_SECONDS,
    PinGuard,
    check_clerk_pin,
    hash_clerk_pin,
)
from kiosk.errors import InputError
from kiosk.technician import hash_pin, verify_pin
from tests.kiosk.test_technician import GOOD


def test_the_clerk_pin_is_stored_as_a_salted_hash():
    stored = hash_clerk_pin("13572468")
    assert "13572468" not in stored and stored.startswith("scrypt$")
    assert verify_pin("13572468", stored) and not verify_pin("13572469", stored)
    assert hash_clerk_pin("13572468") != stored  # salted


@pytest.mark.parametrize("pin", ["", "12345", "1234567890123", "12ab56", "123 456"])
def test_a_malformed_clerk_pin_is_refused_in_both_languages(pin):
    with pytest.raises(InputError) as caught:
        check_clerk_pin(pin)
    assert "clerk PIN" in caught.value.en and "พนักงาน" in caught.value.th


def test_the_clerk_pin_cannot_be_the_technicians():
    technician = hash_pin("24681357")
    with pytest.raises(InputError) as caught:
        check_clerk_pin("24681357", technician)
    assert "technician" in caught.value.en
    assert check_clerk_pin("24681358", technician) == "24681358"


def test_three_wrong_pins_lock_then_the_wait_doubles_and_a_right_pin_resets():
    g = PinGuard()
    assert [g.attempt(False, 0.0) for _ in range(3)] == ["wrong", "wrong", "locked-now"]
    assert g.seconds_left(0.0) == FIRST_LOCK_SECONDS
    assert g.attempt(True, 59.0) == "locked"  # even the right PIN waits
    assert g.seconds_left(60.0) == 0
    for _ in range(3):
        g.attempt(False, 60.0)
    assert g.seconds_left(60.0) == 2 * FIRST_LOCK_SECONDS
    assert g.attempt(True, 180.0) == "ok"
    assert (g.tries, g.lockouts) == (0, 0)


@given(st.integers(min_value=1, max_value=30))
def test_the_lock_never_exceeds_its_cap_and_never_shrinks(n):
    g = PinGuard()
    now, waits = 0.0, []
    for _ in range(n):
        for _ in range(3):
            g.attempt(False, now)
        waits.append(g.seconds_left(now))
        now = g.locked_until
    assert all(w <= MAX_LOCK_SECONDS for w in waits)
    assert waits == sorted(waits)


@given(st.floats(min_value=0, max_value=FIRST_LOCK_SECONDS, exclude_max=True))
def test_inside_the_lock_every_try_is_ignored(t):
    g = PinGuard()
    for _ in range(3):
        g.attempt(False, 0.0)
    assert g.attempt(True, t) == "locked" and g.seconds_left(t) >= 1


def clerk_set_pin(path, stdin, env):
    return subprocess.run(
        [sys.executable, "-m", "kiosk", "clerk", "set-pin", "--config", str(path), "--pin-stdin"],
        input=stdin,
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        timeout=60,
        check=False,
    )


def test_kiosk_clerk_set_pin_stores_a_hash_and_refuses_bad_pins(tmp_path):
    path = tmp_path / "kiosk.toml"
    path.write_text(GOOD, encoding="utf-8")
    config.set_value(path, "technician", "pin_hash", hash_pin("24681357"))
    env = {"KIOSK_HOME": str(tmp_path / "home")}
    proc = clerk_set_pin(path, "11223344\n", env)
    assert proc.returncode == 0, proc.stderr
    loaded = config.load(path, env=env)
    assert verify_pin("11223344", loaded.clerk_pin_hash)
    assert "11223344" not in path.read_text(encoding="utf-8")
    assert verify_pin("24681357", loaded.technician_pin_hash)  # the technician's is untouched
    for bad in ("12\n", "24681357\n"):  # too short; the technician's own PIN
        refused = clerk_set_pin(path, bad, env)
        assert refused.returncode == 2 and "[bad-input]" in refused.stderr, refused.stderr
        assert "พนักงาน" in refused.stderr
    assert config.load(path, env=env).clerk_pin_hash == loaded.clerk_pin_hash  # unchanged


def test_a_clerk_pin_written_in_clear_is_a_config_error(tmp_path):
    path = tmp_path / "kiosk.toml"
    path.write_text(GOOD + '\n[clerk]\npin_hash = "123456"\n', encoding="utf-8")
    with pytest.raises(config.ConfigError) as caught:
        config.load(path, env={"KIOSK_HOME": str(tmp_path)})
    assert "[clerk] pin_hash" in caught.value.en


# the lockout across a restart ----------------------------------------------------------------

WALL = datetime(2021, 6, 1, 10, 0, tzinfo=UTC)


@given(
    wrong=st.integers(min_value=0, max_value=20),
    gap=st.floats(min_value=0, max_value=3600),
    boot=st.floats(min_value=0, max_value=1e6),
)
def test_a_restored_guard_waits_what_was_left_of_the_lock_and_no_more(wrong, gap, boot):
    g = PinGuard()
    t = 0.0
    for _ in range(wrong):  # wrong PINs as fast as the pad takes them
        t += g.seconds_left(t)
        g.attempt(False, t)
    record = g.to_record(t, WALL)
    left_then = g.locked_until - t
    # the new process: its monotonic clock started at `boot`, `gap` seconds after the record
    h = PinGuard()
    h.restore(record, boot, WALL + timedelta(seconds=gap))
    expected = max(0.0, min(left_then - gap, MAX_LOCK_SECONDS))
    assert abs((h.locked_until - boot if h.locked_until else 0.0) - expected) < 1e-5
    assert (h.tries, h.lockouts) == (g.tries, g.lockouts)
    # and its next wrong tries lock as the old guard's would have
    assert h.lock_seconds() == g.lock_seconds()


def test_a_damaged_record_neither_unlocks_nor_locks_for_long():
    g = PinGuard(locked_until=100.0)
    for record in (
        {},
        {"tries": "3", "lockouts": -1, "locked_until_utc": "soon"},
        {"tries": 99, "lockouts": 10**9, "locked_until_utc": None},
        {"locked_until_utc": "2021-06-01T10:30:00"},  # no zone: not an instant
    ):
        g.restore(record, 50.0, WALL)
        assert (g.tries, g.lockouts, g.locked_until) == (0, 0, 100.0)
    g.restore({"locked_until_utc": (WALL + timedelta(days=1)).isoformat()}, 50.0, WALL)
    assert g.locked_until == 50.0 + MAX_LOCK_SECONDS  # a clock set far ahead: capped


def test_the_technician_guard_keeps_its_own_policy():
    t = PinGuard.technician()
    for i in range(3 * 4):
        now = i * 61.0
        t.attempt(False, now)
    assert t.lock_seconds() == 60.0
