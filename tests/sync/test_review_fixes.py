"""Failure modes found in review: each was reproduced before the fix."""

from __future__ import annotations

import threading
import time

import pytest

from central import eligibility as central_rules
from kiosk.booking.errors import JournalError
from sync.journal import SqliteJournal
from tests.central.conftest import booking_body, citizen
from tests.sync.conftest import booking_args


def _raw_journal(t) -> bytes:
    path = t.config.journal_path
    return b"".join(p.read_bytes() for p in path.parent.glob(path.name + "*"))


def test_a_conflict_leaves_no_one_elses_personal_data_in_the_journal(central, make_terminal):
    t = make_terminal()
    web_person = citizen(11)
    web = central.book(
        booking_body(web_person, central.slot_id(), channel="web", phone="0891112222"),
        terminal="web-1",
    )
    assert web.status_code == 201
    outcome = t.booking_service().book(**booking_args(t, 11))  # the same citizen at the kiosk
    assert outcome.code == "already-booked" and outcome.extra["reference"]
    t.journal.db.conn.execute("PRAGMA wal_checkpoint(PASSIVE)")
    raw = _raw_journal(t)
    card = web_person.card
    for secret in (
        card["cid"],
        card["name_th"]["first"],
        card["name_en"]["first"],
        "0891112222",
        "0812345678",
        "089-XXX-2222",
    ):
        assert secret.encode() not in raw, secret
    assert "booking" not in t.journal.get(outcome.booking_id).outcome_extra


@pytest.mark.parametrize("fault", ["html:403", "html:404", "html:407", "redirect"])
def test_a_proxy_page_never_rejects_a_booking(central, make_terminal, proxy, fault):
    t = make_terminal(proxy.url)
    proxy.set(fault)
    outcome = t.booking_service().book(**booking_args(t))
    assert outcome.status == "queued" and outcome.code == "central-unexpected"
    assert t.journal.get(outcome.booking_id).state == "queued"


def test_a_trial_that_sent_nothing_does_not_leave_the_breaker_stuck(central, make_terminal, proxy):
    t = make_terminal(proxy.url)
    proxy.set("refuse")
    t.booking_service().book(**booking_args(t, 1))
    breaker = t.client.breaker
    breaker.reset_timeout = 0.0
    assert breaker.state != "closed"
    other = SqliteJournal(t.config.journal_path)  # another sender holds the booking
    t.journal.db.conn.execute(
        "UPDATE bookings SET next_attempt_utc = '2000-01-01T00:00:00.000000+00:00'"
    )
    (entry,) = t.journal.due()
    assert other.claim(entry.booking_id, 60)
    proxy.set("pass")
    t.replay_worker().run_once(t.journal)
    assert breaker.allow_trial()  # not stuck half-open waiting for a trial that never ran
    other.close()


def test_retry_after_holds_the_whole_terminal(central, make_terminal, proxy):
    t = make_terminal(proxy.url)
    proxy.set("refuse")
    for n in (1, 2, 3):
        t.booking_service().book(**booking_args(t, n))
    proxy.set("status:429:120")
    t.client.breaker.success()
    t.journal.db.conn.execute(
        "UPDATE bookings SET next_attempt_utc = '2000-01-01T00:00:00.000000+00:00'"
    )
    before = proxy.requests
    worker = t.replay_worker()
    worker.run_once(t.journal)
    worker.run_once(t.journal)
    assert proxy.requests - before == 1  # the two others were not sent to a busy central
    assert worker._pause(t.journal) > 100


def test_the_replay_thread_survives_a_failing_iteration(central, make_terminal, proxy):
    t = make_terminal(proxy.url)
    proxy.set("refuse")
    for n in (21, 22):
        t.booking_service().book(**booking_args(t, n))
    proxy.set("pass")
    t.client.breaker.success()
    t.journal.db.conn.execute(
        "UPDATE bookings SET next_attempt_utc = '2000-01-01T00:00:00.000000+00:00'"
    )
    calls = []

    def flaky(status):
        calls.append(status)
        if len(calls) == 1:
            raise RuntimeError("a listener's bug")

    worker = t.replay_worker(on_change=flaky, idle_seconds=0.05).start()
    deadline = time.monotonic() + 15
    while t.journal.counts()["confirmed"] < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    status = worker.status()
    worker.stop()
    assert t.journal.counts()["confirmed"] == 2 and status.running
    assert not any(th.name == "replay" for th in threading.enumerate())


def test_a_failed_claim_after_the_commit_is_reported_as_queued(central, make_terminal):
    t = make_terminal()

    class ClaimFails(SqliteJournal):
        def claim(self, booking_id, lease_seconds):
            raise JournalError("database is locked", code="journal-busy")

    journal = ClaimFails(t.config.journal_path)
    service = t.booking_service()
    service.journal = journal
    outcome = service.book(**booking_args(t))
    assert (outcome.status, outcome.code) == ("queued", "journal-busy")
    assert journal.get(outcome.booking_id).state == "queued"  # and it will be replayed
    journal.close()


def test_a_replay_of_a_booking_cancelled_since_is_not_confirmed(central, make_terminal):
    t = make_terminal()
    args = booking_args(t)
    outcome = t.booking_service().book(**args)
    assert outcome.status == "confirmed"
    t.client.cancel(outcome.reference, args["card"].cid)
    # the terminal crashed before recording the answer and sends it again
    t.journal.db.conn.execute(
        "UPDATE bookings SET state = 'queued', next_attempt_utc = "
        "'2000-01-01T00:00:00.000000+00:00'"
    )
    t.replay_worker().run_until_empty(t.journal, timeout=10)
    entry = t.journal.get(outcome.booking_id)
    assert entry.state == "rejected" and entry.reference == outcome.reference


def test_a_new_version_of_the_same_rule_set_reaches_the_terminal(
    central, make_terminal, monkeypatch
):
    t = make_terminal()
    original = central_rules.rule_set_document("bkk-thairuamjai-2021-05-27")

    def serve(version, valid_from=None):
        doc = {**original, "version": version}
        if valid_from:
            doc["valid_from"] = valid_from
        monkeypatch.setattr(central_rules, "rule_set_document", lambda _id: doc)

    serve(2)
    assert t.cache.refresh(t.client).ok
    assert t.cache.rule_set().version == 2
    serve(1)  # a rollback is refused, version 2 stays in force
    report = t.cache.refresh(t.client)
    assert not report.ok and "older" in report.errors[0]
    assert t.cache.rule_set().version == 2
    serve(3, valid_from="2099-01-01")  # signed and valid, but not yet in force
    assert t.cache.refresh(t.client).ok
    assert t.cache.rule_set().version == 2
    assert t.cache.signed_rules("rules-next").version == 3


def test_outside_the_store_hours_nothing_is_journaled_or_queued(central, make_terminal):
    from kiosk.booking.errors import OutsideHours

    t = make_terminal()
    central.clock.advance(hours=10)  # 20:00 in Bangkok: stores closed at 18:00
    t.client.config()  # the terminal learns the time from the central
    with pytest.raises(OutsideHours) as err:
        t.booking_service().book(**booking_args(t))
    assert "18:00" in err.value.th and "18:00" in err.value.en
    assert sum(t.journal.counts().values()) == 0
