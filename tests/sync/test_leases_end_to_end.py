"""End to end against the real central's lease endpoints (issue-11-central merged): provision,
a refresh grants leases where this terminal's customers book, the central becomes unreachable,
a booking is confirmed at the terminal, the central comes back, the replay books it under the
slip's reference, and the central's check-slip accepts the slip's QR text."""

from __future__ import annotations

import socket
from datetime import timedelta

import pytest

from central.slip_check import check_slip
from kiosk import config
from kiosk.leases import LeaseError, parse_slip_code
from sync.provision import provision
from sync.terminal import Terminal
from tests.sync.conftest import booking_args


def _dead_url() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{s.getsockname()[1]}"


def test_provision_refresh_offline_confirm_reconnect_replay_check_slip(central, tmp_path):
    code = central.central.store.new_enrolment_code("S-1", central.clock.now, timedelta(hours=1))
    cfg_path = tmp_path / "etc" / "kiosk.toml"
    env = {"KIOSK_HOME": str(tmp_path / "data")}
    result = provision(
        url=central.base_url,
        code=code,
        config_path=cfg_path,
        store="S-1",
        terminal_id="T-e2e",
        printer_uri="file:///dev/null",
        env=env,
    )
    assert result.warnings == [], result.warnings
    assert any("registered with the central" in s for s in result.steps)
    t = Terminal(config.load(cfg_path, env=env))
    try:
        assert t.cache.lease_key() is not None  # pinned from /v1/config at first sight
        first = booking_args(t, 1, slot_index=30)
        online = t.booking_service().book(**first)
        assert (online.status, online.confirmed_by) == ("confirmed", "central")

        report = t.cache.refresh(t.client)  # the central grants where customers chose
        assert report.ok and report.lease_errors == [] and report.leases_refused == []
        assert report.lease_seats and report.lease_seats > 0
        seats = t.lease_seats()
        leased_slot = next(iter(seats))
        site, slot = t.cache.find_slot(leased_slot)

        t.client.session.close()
        url, t.client.base_url = t.client.base_url, _dead_url()  # the central is unreachable
        args = {**booking_args(t, 2), "site": site, "slot": slot}
        out = t.booking_service().book(**args)
        assert (out.status, out.confirmed_by) == ("confirmed", "terminal"), out
        assert t.journal.get(out.booking_id).state == "confirmed-offline"
        assert central.central.store.booking_by_id(out.booking_id) is None

        verdict = check_slip(central.central.store, out.slip_code)  # before the replay
        assert "valid" in "\n".join(verdict.lines())
        assert parse_slip_code(out.slip_code).reference == out.reference

        t.client.base_url = url  # back
        t.client.breaker.success()
        assert t.replay_worker().run_until_empty(t.journal, timeout=30)
        entry = t.journal.get(out.booking_id)
        assert (entry.state, entry.reference) == ("confirmed", out.reference)
        held = central.central.store.booking_by_id(out.booking_id)
        assert held is not None and held.reference == out.reference
        assert t.journal.spent_unacknowledged() == []

        tampered = out.slip_code.replace(out.reference, online.reference)
        with pytest.raises(LeaseError):
            check_slip(central.central.store, tampered)
    finally:
        t.close()
