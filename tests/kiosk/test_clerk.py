"""The clerk PIN and its lockout policy."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kiosk.clerk import (
    FIRST_LOCK_SECONDS,
    MAX_LOCK_SECONDS,
    PinGuard,
    check_clerk_pin,
    hash_clerk_pin,
)
from kiosk.errors import InputError
from kiosk.technician import hash_pin, verify_pin


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
