"""The store's day in the journal (migration 3): staff calls, info slips, the pause, today's counts.

Counts are checked against rows made through the journal's own API (queued, claimed and sent,
confirmed at the terminal from a lease, refused), on a real SQLite file, across the Bangkok day's
boundary.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from sync.journal import MIGRATIONS, SqliteJournal
from sync.store_log import DayCounts, StoreLog
from tests.sync.leasekit import LeaseKit
from tests.sync.test_journal_leases import NOW, record, signer


def test_migration_3_adds_the_store_tables(tmp_path):
    j = SqliteJournal(tmp_path / "j.sqlite")
    assert len(MIGRATIONS) == 4  # 4: sync/journal_privacy.py
    assert j.db.conn.execute("PRAGMA user_version").fetchone()[0] == 4
    tables = {r[0] for r in j.db.conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"staff_calls", "info_slips", "terminal_state"} <= tables
    j.close()


def test_counts_match_the_journal_by_state(tmp_path):
    path = tmp_path / "j.sqlite"
    j = SqliteJournal(path, clock=lambda: NOW)
    log = StoreLog(j)
    kit = LeaseKit()
    j.put_leases([kit.lease(seats=2)], [])
    for n in range(1, 7):
        j.add(record(n))
    j.claim("b1", 30)
    j.confirm("b1", "TRJ-AAAA-0001", "confirmed")  # confirmed by the central
    j.claim("b2", 30)
    j.confirm("b2", "TRJ-AAAA-0002", "confirmed")
    assert j.confirm_offline("b3", "s1-0900", NOW, signer)  # confirmed here from a lease
    j.claim("b4", 30)
    j.settle("b4", "rejected", "slot-full", "full", {})
    # b5, b6 stay queued; one made yesterday (Bangkok) does not count today
    yesterday = SqliteJournal(path, clock=lambda: NOW - timedelta(days=1))
    yesterday.add(record(7))
    yesterday.close()
    log.info_slip_printed("hospital")
    log.open_call("slot")
    log.close_call("answered")
    log.open_call("welcome", NOW - timedelta(days=1))  # yesterday's call
    got = log.today()
    assert got == DayCounts(
        confirmed=2, confirmed_offline=1, queued=2, refused=1, info_slips=1, staff_calls=1
    )
    counts = j.counts()  # the same rows, by the journal's own count (all days)
    assert counts["confirmed"] == got.confirmed and counts["queued"] == got.queued + 1
    assert counts["confirmed-offline"] == got.confirmed_offline
    j.close()


@settings(max_examples=40, deadline=None)
@given(st.integers(min_value=-600, max_value=600))
def test_the_day_is_bangkoks_around_midnight(tmp_path_factory, minutes):
    midnight_bkk = datetime(2021, 6, 1, 17, 0, tzinfo=UTC)  # 2 June 00:00 in Bangkok
    made = midnight_bkk + timedelta(minutes=minutes)
    j = SqliteJournal(tmp_path_factory.mktemp("d") / "j.sqlite", clock=lambda: made)
    j.add(record(1))
    log = StoreLog(j)
    before = log.today(midnight_bkk - timedelta(seconds=1)).queued
    after = log.today(midnight_bkk).queued
    assert (before, after) == ((1, 0) if minutes < 0 else (0, 1))
    j.close()


def test_one_call_open_at_a_time_and_a_restart_closes_a_leftover(tmp_path):
    j = SqliteJournal(tmp_path / "j.sqlite")
    log = StoreLog(j)
    assert log.open_call_now() is None
    log.open_call("consent", NOW)
    log.open_call("slot", NOW + timedelta(minutes=1))
    call = log.open_call_now()
    assert call["screen"] == "slot"
    rows = j.read("SELECT closed_how FROM staff_calls ORDER BY id")
    assert [r["closed_how"] for r in rows] == ["session-ended", None]
    assert log.close_left_open() == 1
    assert log.open_call_now() is None
    j.close()


def test_the_pause_is_kept_across_connections(tmp_path):
    path = tmp_path / "j.sqlite"
    j = SqliteJournal(path)
    StoreLog(j).set_paused(True, NOW)  # an explicit time; the journal's clock otherwise
    j.close()
    other = SqliteJournal(path)
    assert StoreLog(other).paused() == {"since": "2021-05-31T11:00:00.000000+00:00"}
    StoreLog(other).set_paused(False)
    assert StoreLog(other).paused() is None
    other.close()


def test_pin_lockouts_are_kept_across_connections_and_a_bad_value_is_left_out(tmp_path):
    path = tmp_path / "j.sqlite"
    first = StoreLog(SqliteJournal(path, clock=lambda: NOW))
    first.set_pin_guard("clerk", {"tries": 0, "lockouts": 1, "locked_until_utc": "x"})
    first.set_pin_guard("clerk", {"tries": 2, "lockouts": 1, "locked_until_utc": None})
    first.set_pin_guard("technician", {"tries": 1, "lockouts": 0, "locked_until_utc": None})
    first.journal.close()
    again = StoreLog(SqliteJournal(path))
    assert again.pin_guards() == {
        "clerk": {"tries": 2, "lockouts": 1, "locked_until_utc": None},
        "technician": {"tries": 1, "lockouts": 0, "locked_until_utc": None},
    }
    with again.journal.transaction() as conn:  # a damaged value: ignored, not an error
        conn.execute("UPDATE terminal_state SET value = '{not json' WHERE key = 'pin-guard:clerk'")
    assert list(again.pin_guards()) == ["technician"]
    assert again.paused() is None  # the pause key is not a pad's
    again.journal.close()
