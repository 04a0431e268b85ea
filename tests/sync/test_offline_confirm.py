"""Confirming at the terminal from a seat lease (DESIGN §11, docs/leases.md "The terminal"):
a real central on loopback (through a fault proxy where a fault matters), a real journal, leases
signed in the test with a key pinned in the terminal's cache."""

from __future__ import annotations

import logging
import socket
from datetime import UTC, datetime, timedelta

import pytest

from kiosk import config
from kiosk.keys import key_id, raw_public
from kiosk.leases import parse_slip_code
from sync.provision import ensure_terminal_key
from sync.terminal import Terminal, load_terminal_key
from tests.central.conftest import T0, start_central
from tests.sync.conftest import booking_args, write_config
from tests.sync.leasedesk import LeaseDesk
from tests.sync.leasekit import LeaseKit


def arm(t: Terminal, kit: LeaseKit) -> None:
    """What provisioning and the first refresh give a terminal: its own key, the lease key."""
    ensure_terminal_key(t.config.token_file.parent)
    t.terminal_key = load_terminal_key(t.config)
    t.cache._write("keys", {**t.cache.keys(), "lease_signing": kit.pinned()})


def grant(
    t: Terminal,
    kit: LeaseKit,
    slot,
    *,
    seats: int = 1,
    until: timedelta | None = None,
    terminal_id: str = "kiosk-1",
    now: datetime | None = None,
):
    now = now or t.now()
    lease = kit.lease(
        slot_id=slot.id,
        site_id=slot.site_id,
        date=slot.date,
        start=slot.start,
        end=slot.end,
        seats=seats,
        terminal_id=terminal_id,
        granted_at=(now - timedelta(hours=1)).replace(microsecond=0),
        use_until=(now + (until if until is not None else timedelta(hours=20))).replace(
            microsecond=0
        ),
    )
    granted = t.__dict__.setdefault("granted", [])  # a refresh answer lists every active lease
    granted.append(lease)
    t.journal.put_leases(granted, [])
    return lease


def open_breaker(t: Terminal) -> None:
    for _ in range(t.client.breaker.fail_max):
        t.client.breaker.failure()
    assert t.client.is_open()


@pytest.fixture
def kit() -> LeaseKit:
    return LeaseKit()


def test_breaker_open_and_a_lease_confirms_at_the_terminal(central, make_terminal, kit):
    t = make_terminal()
    arm(t, kit)
    args = booking_args(t, 1)
    lease = grant(t, kit, args["slot"], seats=2)
    open_breaker(t)
    requests_before = central.central.store  # the central is never asked
    out = t.booking_service().book(**args)
    assert (out.status, out.confirmed_by, out.code) == ("confirmed", "terminal", "central-offline")
    assert out.offline_confirmed and out.lease_id == lease.lease_id
    assert out.reference in lease.references
    code = parse_slip_code(out.slip_code)
    code.verify(t.terminal_key.public_key())  # the terminal's signature, as check-slip sees it
    assert (code.reference, code.slot_id, code.lease_id) == (
        out.reference,
        args["slot"].id,
        lease.lease_id,
    )
    assert code.key_id == key_id(raw_public(t.terminal_key.public_key()))
    e = t.journal.get(out.booking_id)
    assert (e.state, e.reference, e.confirmed_by, e.slip_code) == (
        "confirmed-offline",
        out.reference,
        "terminal",
        out.slip_code,
    )
    assert t.lease_seats() == {args["slot"].id: 1}
    assert out.to_json()["confirmed_by"] == "terminal"
    assert requests_before.booking_by_id(out.booking_id) is None


def test_breaker_open_without_a_lease_queues(central, make_terminal, kit):
    t = make_terminal()
    arm(t, kit)
    args = booking_args(t, 1)
    grant(t, kit, booking_args(t, 2, slot_index=5)["slot"])  # a lease for another slot
    open_breaker(t)
    out = t.booking_service().book(**args)
    assert (out.status, out.confirmed_by, out.reference) == ("queued", None, None)
    assert t.journal.get(out.booking_id).state == "queued"


def test_without_the_terminal_key_nothing_is_confirmed_at_the_terminal(central, make_terminal, kit):
    t = make_terminal()
    arm(t, kit)
    t.terminal_key = None
    args = booking_args(t, 1)
    grant(t, kit, args["slot"])
    open_breaker(t)
    assert t.booking_service().book(**args).status == "queued"
    assert t.lease_seats() == {args["slot"].id: 1}


def test_online_a_lease_is_never_spent(central, make_terminal, kit):
    t = make_terminal()
    arm(t, kit)
    args = booking_args(t, 1)
    grant(t, kit, args["slot"])
    out = t.booking_service().book(**args)
    assert (out.status, out.confirmed_by) == ("confirmed", "central")
    assert out.lease_id is None and t.lease_seats() == {args["slot"].id: 1}


def test_a_read_timeout_may_have_reached_the_central_so_it_queues(
    central, make_terminal, proxy, kit
):
    t = make_terminal(proxy.url)
    arm(t, kit)
    args = booking_args(t, 1)
    grant(t, kit, args["slot"])
    proxy.set("blackhole")
    out = t.booking_service().book(**args)
    assert (out.status, out.code) == ("queued", "central-timeout")
    assert t.lease_seats() == {args["slot"].id: 1}  # the seat is not spent
    assert t.journal.get(out.booking_id).lease_id is None


def test_the_central_committed_but_the_answer_was_lost_spends_no_seat(
    central, make_terminal, proxy, kit
):
    t = make_terminal(proxy.url)
    arm(t, kit)
    args = booking_args(t, 1)
    grant(t, kit, args["slot"])
    proxy.set("commit-then-drop")
    out = t.booking_service().book(**args)
    assert out.status == "queued"
    assert t.lease_seats() == {args["slot"].id: 1}
    assert central.central.store.booking_by_id(out.booking_id) is not None


@pytest.mark.parametrize("fault", ["status:503", "status:429"])
def test_an_overloaded_central_did_not_process_it_so_a_lease_confirms(
    central, make_terminal, proxy, kit, fault
):
    t = make_terminal(proxy.url)
    arm(t, kit)
    args = booking_args(t, 1)
    grant(t, kit, args["slot"])
    proxy.set(fault)
    out = t.booking_service().book(**args)
    assert (out.status, out.confirmed_by) == ("confirmed", "terminal")
    assert t.journal.get(out.booking_id).state == "confirmed-offline"


def test_a_refused_connection_confirms_from_a_lease_within_the_deadline(
    central, make_terminal, kit
):
    t = make_terminal()
    arm(t, kit)
    args = booking_args(t, 1)
    grant(t, kit, args["slot"])
    t.client.session.close()
    t.client.base_url = f"http://127.0.0.1:{_unused_port()}"  # nothing listens: refused
    started = datetime.now(UTC)
    out = t.booking_service().book(**args)
    assert (out.status, out.confirmed_by) == ("confirmed", "terminal")
    assert datetime.now(UTC) - started < timedelta(seconds=3)  # DESIGN §9 (loose here)


@pytest.mark.parametrize("fault", ["reset", "refuse", "garbage", "truncate:20"])
def test_faults_after_the_request_went_out_queue_and_keep_the_seat(
    central, make_terminal, proxy, kit, fault
):
    t = make_terminal(proxy.url)
    arm(t, kit)
    args = booking_args(t, 1)
    grant(t, kit, args["slot"])
    proxy.set(fault)
    out = t.booking_service().book(**args)
    assert out.status == "queued"
    assert t.lease_seats() == {args["slot"].id: 1}


def test_a_lease_past_use_until_by_the_corrected_clock_is_not_used(central, make_terminal, kit):
    t = make_terminal()
    arm(t, kit)
    args = booking_args(t, 1)
    grant(t, kit, args["slot"], until=timedelta(seconds=-1))
    open_breaker(t)
    out = t.booking_service().book(**args)
    assert out.status == "queued"


def test_a_terminal_clock_years_off_is_corrected_by_the_central_offset(central, make_terminal, kit):
    """The test central runs in June 2021; this machine's clock does not. The lease is usable
    by the central's time (the offset from its Date header) and long expired by the raw clock."""
    t = make_terminal()
    arm(t, kit)
    assert abs(t.client.clock_offset) > timedelta(days=300)
    args = booking_args(t, 1)
    lease = grant(t, kit, args["slot"], until=timedelta(hours=2))
    assert datetime.now(UTC) > lease.use_until  # the raw clock would refuse it
    open_breaker(t)
    assert t.booking_service().book(**args).confirmed_by == "terminal"


def test_a_central_clock_ahead_makes_a_lease_the_raw_clock_would_use_unusable(tmp_path, kit):
    """The other way round: by this machine's clock the lease has hours left, by the central's
    (hours ahead) it has run out, and the central's time is the one that counts."""
    (tmp_path / "c").mkdir()
    running = start_central(tmp_path / "c", now=T0.replace(year=datetime.now(UTC).year + 5))
    try:
        path = write_config(tmp_path / "t", running.base_url, running.tokens["kiosk-1"])
        t = Terminal(config.load(path, env={"KIOSK_HOME": str(tmp_path / "t" / "data")}))
        assert t.cache.refresh(t.client).ok
        assert t.client.clock_offset > timedelta(hours=5)
        arm(t, kit)
        args = booking_args(t, 1)
        raw_now = datetime.now(UTC)
        lease = grant(t, kit, args["slot"], now=raw_now, until=timedelta(hours=3))
        assert lease.usable_at(raw_now) and not lease.usable_at(t.now())
        open_breaker(t)
        assert t.booking_service().book(**args).status == "queued"
        t.close()
    finally:
        running.stop()


# the cache refresh ---------------------------------------------------------------------------


@pytest.fixture
def desk(central):
    d = LeaseDesk(central.base_url)
    yield d
    d.close()


def test_the_refresh_stores_only_leases_that_verify_for_this_terminal(
    central, make_terminal, desk, kit, caplog
):
    desk.lease_key = kit.config_entry()  # the front signs leases with the test's key
    t = make_terminal(desk.url)
    arm(t, kit)
    slot = booking_args(t, 1)["slot"]
    mine = kit.envelope(slot_id=slot.id, seats=2, granted_at=t.now().replace(microsecond=0))
    forged = LeaseKit().envelope(slot_id=slot.id, granted_at=t.now().replace(microsecond=0))
    theirs = kit.envelope(
        slot_id=slot.id, terminal_id="kiosk-2", granted_at=t.now().replace(microsecond=0)
    )
    tampered = kit.envelope(slot_id=slot.id, granted_at=t.now().replace(microsecond=0))
    tampered["document"]["seats"] = 5
    desk.leases = [mine, forged, theirs, tampered]
    with caplog.at_level(logging.WARNING, logger="sync.cache"):
        report = t.cache.refresh(t.client)
    assert report.ok and report.lease_errors == []
    stored = {e.lease_id for e in t.journal.leases()}
    assert stored == {mine["document"]["lease_id"]}
    assert report.lease_seats == 2
    codes = sorted(r.split(": ")[1] for r in report.leases_refused)
    assert codes == ["lease-bad-signature", "lease-bad-signature", "lease-other-terminal"]
    logged = "\n".join(r.getMessage() for r in caplog.records)
    for env in (forged, theirs, tampered):
        assert env["document"]["lease_id"] in logged
    for ref in forged["document"]["references"] + theirs["document"]["references"]:
        assert ref not in logged  # lease id and code only


def test_the_refresh_reports_held_spent_and_recent_and_applies_released(
    central, make_terminal, desk, kit
):
    desk.lease_key = kit.config_entry()  # the front signs leases with the test's key
    t = make_terminal(desk.url)
    arm(t, kit)
    args = booking_args(t, 1)
    kept = grant(t, kit, args["slot"], seats=2)
    dropped = grant(t, kit, booking_args(t, 2, slot_index=6)["slot"], seats=1)
    open_breaker(t)
    out = t.booking_service().book(**args)
    t.client.breaker.success()
    desk.leases = [dict(kept.envelope)]
    desk.released = [dropped.lease_id]
    report = t.cache.refresh(t.client)
    assert report.ok and report.lease_errors == []
    sent = desk.refreshes()[-1]
    assert sorted(sent["held"]) == sorted([kept.lease_id, dropped.lease_id])
    assert sent["spent"] == [
        {"lease_id": kept.lease_id, "reference": out.reference, "booking_id": out.booking_id}
    ]
    assert sent["recent"][0] == {"site_id": args["site"].id, "date": args["slot"].date}
    assert [e.lease_id for e in t.journal.leases()] == [kept.lease_id]
    assert t.cache.lease_refresh_times()["seats"] == 1


def test_a_changed_lease_key_is_refused_and_one_never_pinned_is_taken_at_first_sight(tmp_path):
    from sync.cache import CacheError, OfflineCache

    cache = OfflineCache(tmp_path)
    base = {
        "rule_signing": LeaseKit().config_entry(),
        "journal_sealing": LeaseKit().config_entry(),
    }
    cache.pin_keys({"keys": base})
    assert cache.lease_key() is None
    first = LeaseKit()
    cache.pin_keys({"keys": {**base, "lease_signing": first.config_entry()}})
    assert raw_public(cache.lease_key()) == raw_public(first.public)
    cache.pin_keys({"keys": base})  # a config that omits it does not unpin it
    assert raw_public(cache.lease_key()) == raw_public(first.public)
    with pytest.raises(CacheError) as err:
        cache.pin_keys({"keys": {**base, "lease_signing": LeaseKit().config_entry()}})
    assert err.value.code == "key-changed" and err.value.th
    assert raw_public(cache.lease_key()) == raw_public(first.public)


def test_a_central_without_lease_endpoints_leaves_the_refresh_ok(central, make_terminal, desk, kit):
    desk.before_leases = True
    t = make_terminal(desk.url)
    arm(t, kit)
    report = t.cache.refresh(t.client)
    assert report.ok
    assert report.lease_errors and report.lease_seats is None


def _unused_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
