"""`kiosk doctor`'s lease checks on a real terminal (journal, cache) against a real central."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta

import pytest

from kiosk.dates import BANGKOK
from sync import health
from sync.provision import ensure_terminal_key
from sync.terminal import load_terminal_key, terminal_key_path
from tests.sync.conftest import booking_args
from tests.sync.leasedesk import LeaseDesk
from tests.sync.leasekit import LeaseKit
from tests.sync.test_offline_confirm import arm, grant, open_breaker


@pytest.fixture
def kit() -> LeaseKit:
    return LeaseKit()


def refreshed(t, since: timedelta, last: timedelta = timedelta(minutes=1)) -> None:
    now = datetime.now(UTC)
    t.cache._write(
        "lease-refresh",
        {"first_ok": (now - since).isoformat(), "last_ok": (now - last).isoformat(), "seats": 0},
    )


def by_name(checks):
    return {c.name: c for c in checks}


def test_no_seat_while_online_for_over_half_an_hour_warns(central, make_terminal, kit):
    t = make_terminal()
    arm(t, kit)
    refreshed(t, since=timedelta(minutes=10))
    assert by_name(health.lease_checks(t))["leases"].status == "ok"  # not yet "a while"
    refreshed(t, since=timedelta(minutes=31))
    check = by_name(health.lease_checks(t))["leases"]
    assert check.status == "warn" and "30 min" in check.detail
    refreshed(t, since=timedelta(hours=3), last=timedelta(hours=1))  # offline now: no warning
    assert by_name(health.lease_checks(t))["leases"].status == "ok"
    grant(t, kit, booking_args(t, 1)["slot"], seats=2)
    refreshed(t, since=timedelta(hours=3))
    check = by_name(health.lease_checks(t))["leases"]
    assert check.status == "ok" and "2 seat(s) usable" in check.detail


def test_a_spent_seat_unsent_past_its_lease_warns_then_fails_near_the_slot(
    central, make_terminal, kit
):
    t = make_terminal()
    arm(t, kit)
    args = booking_args(t, 1)
    lease = grant(t, kit, args["slot"], until=timedelta(hours=2))
    open_breaker(t)
    assert t.booking_service().book(**args).confirmed_by == "terminal"
    assert "unsent seats" not in by_name(health.lease_checks(t))
    after = lease.use_until + timedelta(minutes=1)
    check = by_name(health.lease_checks(t, now=after))["unsent seats"]
    assert check.status == "warn" and "kiosk sync run" in check.fix
    start = datetime.fromisoformat(f"{lease.date}T{lease.start}").replace(tzinfo=BANGKOK)
    check = by_name(health.lease_checks(t, now=start - timedelta(minutes=30)))["unsent seats"]
    assert check.status == "fail"


def test_the_terminal_key_check(central, make_terminal):
    t = make_terminal()
    assert health.terminal_key_check(t).status == "warn"  # an older terminal: no key yet
    ensure_terminal_key(t.config.token_file.parent)
    t.terminal_key = load_terminal_key(t.config)
    assert health.terminal_key_check(t).status == "ok"
    os.chmod(terminal_key_path(t.config), 0o644)
    assert load_terminal_key(t.config) is None  # not used while others can read it
    check = health.terminal_key_check(t)
    assert check.status == "fail" and "chmod 600" in check.fix


def test_a_central_without_a_lease_key_is_a_warning(central, make_terminal):
    desk = LeaseDesk(central.base_url)
    desk.before_leases = True
    t = make_terminal(desk.url)
    desk.close()
    check = by_name(health.lease_checks(t))["leases"]
    assert check.status == "warn" and "lease-signing key" in check.detail
