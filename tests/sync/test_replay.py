"""The replay worker: oldest first, exactly once, honest about every outcome."""

from __future__ import annotations

import threading
import time

from kiosk.booking.model import Occupation
from kiosk.card.model import Card
from kiosk.eligibility import Answers
from sync.journal import SqliteJournal
from tests.central.conftest import booking_body, citizen
from tests.sync.conftest import booking_args


def queue_offline(t, proxy, numbers):
    proxy.set("refuse")
    ids = [t.booking_service().book(**booking_args(t, n)).booking_id for n in numbers]
    proxy.set("pass")
    t.client.breaker.success()
    return ids


def test_backlog_is_sent_oldest_first_and_exactly_once(central, make_terminal, proxy):
    t = make_terminal(proxy.url)
    ids = queue_offline(t, proxy, range(1, 21))
    assert t.journal.counts()["queued"] == 20
    worker = t.replay_worker()
    assert worker.run_until_empty(t.journal, timeout=20)
    entries = {e.booking_id: e for e in t.journal.entries()}
    assert all(entries[i].state == "confirmed" for i in ids)
    created = [central.central.store.booking_by_id(i).created_at for i in ids]
    assert created == sorted(created)  # the central received them in the order they were made
    assert len({entries[i].reference for i in ids}) == 20


def test_the_worker_thread_drains_stops_cleanly_and_reports(central, make_terminal, proxy):
    t = make_terminal(proxy.url)
    ids = queue_offline(t, proxy, range(30, 35))
    seen = []
    worker = t.replay_worker(on_change=seen.append, idle_seconds=0.1).start()
    deadline = time.monotonic() + 15
    while t.journal.counts()["confirmed"] < 5 and time.monotonic() < deadline:
        time.sleep(0.05)
    status = worker.status()
    worker.stop()
    assert not any(th.name == "replay" for th in threading.enumerate())
    assert t.journal.counts()["confirmed"] == 5 and len(ids) == 5
    assert status.running and status.last_success is not None
    assert seen and seen[-1].counts["confirmed"] == 5


def test_while_the_central_is_down_the_worker_waits_for_the_breaker(central, make_terminal, proxy):
    t = make_terminal(proxy.url)
    queue_offline(t, proxy, [40])
    proxy.set("refuse")
    t.client.breaker.reset_timeout = 0.3
    t.journal.db.conn.execute(
        "UPDATE bookings SET next_attempt_utc = '2000-01-01T00:00:00.000000+00:00'"
    )
    worker = t.replay_worker()
    worker.run_once(t.journal)
    requests_when_down = proxy.requests
    for _ in range(5):
        worker.run_once(t.journal)  # the breaker is open: nothing is sent
    assert proxy.requests == requests_when_down
    assert worker.status().last_error == "central-unreachable"
    proxy.set("pass")
    assert worker.run_until_empty(t.journal, timeout=10)  # after the breaker and the backoff
    assert t.journal.counts()["confirmed"] == 1


def test_conflict_and_rejection_are_kept_for_the_customer_and_the_technician(
    central, make_terminal, proxy
):
    t = make_terminal(proxy.url)
    first, second = queue_offline(t, proxy, [50, 51])
    # meanwhile citizen 50 books on the web, and citizen 51's slot fills up
    web = central.book(
        booking_body(citizen(50), central.slot_id(), channel="web"), terminal="web-1"
    )
    assert web.status_code == 201
    slot_id = t.journal.get(second).slot_id
    with central.central.store._write() as conn:
        conn.execute("UPDATE slots SET booked = capacity WHERE slot_id = ?", (slot_id,))
    t.replay_worker().run_until_empty(t.journal, timeout=10)
    a, b = t.journal.get(first), t.journal.get(second)
    assert (a.state, a.outcome_code, a.reference) == (
        "conflict",
        "already-booked",
        web.json()["reference"],
    )
    assert (b.state, b.outcome_code) == ("rejected", "slot-full")
    assert b.outcome_extra["alternatives"]
    # the customer sees it when the card is next read
    key = t.journal.get(first).cid_key
    assert [e.state for e in t.journal.for_citizen(key)] == ["conflict"]


def test_two_replayers_at_once_still_send_each_booking_once(central, make_terminal, proxy):
    t = make_terminal(proxy.url)
    ids = queue_offline(t, proxy, range(60, 80))
    path = t.config.journal_path

    def run():
        j = SqliteJournal(path)
        t.replay_worker().run_until_empty(j, timeout=20)
        j.close()

    threads = [threading.Thread(target=run) for _ in range(3)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert all(t.journal.get(i).state == "confirmed" for i in ids)
    assert all(central.central.store.booking_by_id(i) is not None for i in ids)


def test_a_queued_provisional_booking_is_confirmed_pending_verification(
    central, make_terminal, proxy
):
    t = make_terminal(proxy.url)
    proxy.set("refuse")
    person = citizen(90, like="nonthaburi")
    card = Card.from_json(person.card)
    answers = Answers(frozenset(), True)
    decision = t.decide(card, answers)
    assert decision.route == "book-provisional"  # offline: the registry is unknown
    site = t.cache.sites()[0]
    slot = [s for s in t.cache.slots(site.id) if not s.full][2]
    outcome = t.booking_service().book(
        card, answers, decision, site, slot, "0898765432", Occupation("service")
    )
    proxy.set("pass")
    t.client.breaker.success()
    t.replay_worker().run_until_empty(t.journal, timeout=10)
    entry = t.journal.get(outcome.booking_id)
    assert (entry.state, entry.central_status) == ("confirmed", "pending-verification")
