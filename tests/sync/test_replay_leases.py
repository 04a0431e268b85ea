"""Replay of bookings confirmed at the terminal: sent first with their lease, exactly once,
refusals kept as notices for the customer, a lying central not believed. A real central behind
the loopback lease front (tests/sync/leasedesk.py), a real journal, real `kiosk sync run`
processes killed with SIGKILL."""

from __future__ import annotations

import dataclasses

import pytest

from tests.sync.conftest import booking_args, run_sync
from tests.sync.leasedesk import LeaseDesk
from tests.sync.leasekit import LeaseKit
from tests.sync.test_offline_confirm import arm, grant, open_breaker


@pytest.fixture
def desk(central, kit):
    d = LeaseDesk(central.base_url)
    d.lease_key = kit.config_entry()
    yield d
    d.close()


@pytest.fixture
def kit() -> LeaseKit:
    return LeaseKit()


def offline_bookings(t, kit, plain: int = 2, leased: int = 1):
    """`plain` queued bookings, then `leased` confirmed at the terminal, all while offline."""
    open_breaker(t)
    ids = []
    for n in range(1, plain + 1):
        out = t.booking_service().book(**booking_args(t, n, slot_index=n))
        assert out.status == "queued"
        ids.append(("plain", out.booking_id))
    args = booking_args(t, 100)
    grant(t, kit, args["slot"], seats=max(1, leased))
    for n in range(leased):
        out = t.booking_service().book(**{**booking_args(t, 100 + n), "slot": args["slot"]})
        assert out.confirmed_by == "terminal"
        ids.append(("book", out.booking_id))
    t.client.breaker.success()  # the central is back
    return ids


def test_confirmed_offline_bookings_are_sent_first_with_their_lease(
    central, make_terminal, desk, kit
):
    t = make_terminal(desk.url)
    arm(t, kit)
    ids = offline_bookings(t, kit, plain=2, leased=1)
    worker = t.replay_worker()
    assert worker.run_until_empty(t.journal, timeout=30)
    sent = desk.all_bookings()
    assert sent[0] == ids[-1]  # the lease-backed one first, though it was made last
    assert sorted(sent[1:]) == sorted(ids[:-1])
    leased = t.journal.get(ids[-1][1])
    body = desk.bookings()[0]
    assert body["lease"] == {"lease_id": leased.lease_id, "reference": leased.reference}
    assert "sealed" in body and "citizen" not in body  # the lease sits outside the sealed box
    assert (leased.state, leased.confirmed_by) == ("confirmed", "terminal")
    assert leased.reference == desk.booked[leased.booking_id]["reference"]
    assert t.journal.spent_unacknowledged() == []
    assert desk.refreshes(), "a pass that settled a lease-backed booking refreshes the leases"
    for _, booking_id in ids[:-1]:
        assert t.journal.get(booking_id).state == "confirmed"
        assert central.central.store.booking_by_id(booking_id) is not None


def test_a_replay_killed_after_the_send_sends_again_and_is_confirmed_once(
    central, make_terminal, desk, kit
):
    t = make_terminal(desk.url)
    arm(t, kit)
    ids = offline_bookings(t, kit, plain=0, leased=1)
    booking_id = ids[0][1]
    cfg, home = t.config.path, t.config.home
    t.close()
    first = run_sync(cfg, home, crash_at="after-send", timeout=30)
    _, err = first.communicate(timeout=60)
    assert first.returncode == -9, err
    assert len(desk.bookings()) == 1 and booking_id in desk.booked  # the central has it
    second = run_sync(cfg, home, timeout=30)
    _, err = second.communicate(timeout=60)
    assert second.returncode == 0, err
    assert [b["booking_id"] for b in desk.bookings()] == [booking_id, booking_id]
    from sync.journal import SqliteJournal

    j = SqliteJournal(t.config.journal_path)
    e = j.get(booking_id)
    assert (e.state, e.reference) == ("confirmed", desk.booked[booking_id]["reference"])
    assert [ev["state"] for ev in j.events(booking_id)].count("confirmed") == 1
    assert j.integrity() == "ok"
    j.close()


@pytest.mark.parametrize(
    ("refusal", "state"),
    [("already-booked", "conflict"), ("lease-invalid", "rejected"), ("lease-expired", "rejected")],
)
def test_a_refused_lease_backed_booking_is_a_notice_for_the_next_card_read(
    central, make_terminal, desk, kit, refusal, state
):
    t = make_terminal(desk.url)
    arm(t, kit)
    ((_, booking_id),) = offline_bookings(t, kit, plain=0, leased=1)
    slip_reference = t.journal.get(booking_id).reference
    desk.plan = [refusal]
    assert t.replay_worker().run_until_empty(t.journal, timeout=30)
    e = t.journal.get(booking_id)
    assert (e.state, e.outcome_code, e.acknowledged) == (state, refusal, False)
    assert e.outcome_extra["lease_reference"] == slip_reference
    assert e.outcome_extra["lease_id"] == e.lease_id
    if refusal == "already-booked":  # the booking that stands, for the notice's text
        assert e.reference == "TRJ-WEBB-WINS"
    else:
        assert e.reference == slip_reference
    notices = [x for x in t.journal.for_citizen(e.cid_key) if not x.acknowledged]
    assert [x.booking_id for x in notices] == [booking_id]
    assert t.journal.spent_unacknowledged() == []


def test_a_central_answering_another_reference_is_not_believed(central, make_terminal, desk, kit):
    t = make_terminal(desk.url)
    arm(t, kit)
    ((_, booking_id),) = offline_bookings(t, kit, plain=0, leased=1)
    slip_reference = t.journal.get(booking_id).reference
    desk.plan = ["lie"]
    worker = t.replay_worker()
    assert worker.run_until_empty(t.journal, timeout=30)
    e = t.journal.get(booking_id)
    assert (e.state, e.outcome_code, e.reference) == (
        "conflict",
        "reference-mismatch",
        slip_reference,
    )
    assert e.outcome_extra["central_reference"] == "TRJ-LIAR-9999"
    assert worker.status().last_error == "reference-mismatch"
    assert len(desk.bookings()) == 1  # not sent again and again


def test_an_unavailable_central_puts_it_back_as_confirmed_offline(
    central, make_terminal, desk, kit
):
    t = make_terminal(desk.url)
    arm(t, kit)
    ((_, booking_id),) = offline_bookings(t, kit, plain=0, leased=1)
    desk.plan = ["503"] * 5  # every retry of the pass
    t.replay_worker().run_once(t.journal)
    e = t.journal.get(booking_id)
    assert (e.state, e.last_error) == ("confirmed-offline", "central-overloaded")
    assert e.slip_code and e.confirmed_by == "terminal"


def test_a_replay_that_read_the_booking_before_the_counter_spent_its_seat_sends_the_lease(
    central, make_terminal, desk, kit
):
    """The counter and the replay share one journal and one process. The replay can read a
    booking while it is still plain `queued` (due() is a snapshot), and the counter then
    confirms it from a lease before the replay claims it. The replay must send what the row is
    once it owns it: with the lease, under the slip's reference. (bench/leases.py found a
    lease-backed booking refused `slot-full`: it had been sent from a stale snapshot, as a plain
    booking.)"""
    t = make_terminal(desk.url)
    arm(t, kit)
    open_breaker(t)
    args = booking_args(t, 100)
    grant(t, kit, args["slot"], seats=1)
    out = t.booking_service().book(**args)
    assert out.confirmed_by == "terminal"
    now = t.journal.get(out.booking_id)
    # what due() returned a moment earlier, before confirm_offline turned the row over
    before = dataclasses.replace(
        now, state="queued", lease_id=None, slip_code=None, confirmed_by=None, reference=None
    )
    t.client.breaker.success()  # the central is back
    worker = t.replay_worker()
    assert worker._send(t.journal, before) == "settled"
    body = desk.bookings()[0]
    assert body["lease"] == {"lease_id": out.lease_id, "reference": out.reference}
    after = t.journal.get(out.booking_id)
    assert (after.state, after.reference) == ("confirmed", out.reference)
    assert desk.booked[out.booking_id]["reference"] == out.reference
    assert [k for k, _ in desk.all_bookings()] == ["book"]  # never sent as a plain booking
