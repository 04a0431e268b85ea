"""Seat leases in the journal (DESIGN §11): migration from schema 1, spending a seat in the
booking's own transaction, under real concurrency and a real SIGKILL, and the refresh rules."""

from __future__ import annotations

import json
import multiprocessing
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import threading
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.booking.errors import AlreadyQueued, JournalError
from kiosk.booking.ports import JournalRecord
from sync.journal import MIGRATIONS, SqliteJournal
from tests.sync.leasekit import GRANTED, LeaseKit

ROOT = Path(__file__).resolve().parents[2]
NOW = GRANTED + timedelta(hours=1)


def record(n: int, slot_id: str = "s1-0900", cid: str | None = None) -> JournalRecord:
    return JournalRecord(
        booking_id=f"b{n}",
        finalized_at=NOW,
        site_id="s1",
        slot_id=slot_id,
        slot_date="2021-06-02",
        slot_start="09:00",
        slot_end="10:00",
        cid_key=cid or f"k{n}",
        sealed={"v": 1, "ct": "opaque"},
        slip={"site": {"id": "s1"}},
    )


def signer(reference: str, lease_id: str) -> str:
    return f"TRJ1;{reference};s1-0900;{lease_id};x;k;sig"


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "journal.sqlite"


@pytest.fixture
def kit() -> LeaseKit:
    return LeaseKit()


def journal_at(path: Path, now: datetime = NOW) -> SqliteJournal:
    return SqliteJournal(path, clock=lambda: now)


# migration ------------------------------------------------------------------------------------


def test_a_journal_made_by_the_schema_1_code_migrates_in_place(tmp_path, path):
    """The schema-1 journal module from git history writes a journal in every state; this
    release opens it, keeps every row, index and the sequence, and accepts the new state."""
    old = subprocess.run(
        ["git", "-C", str(ROOT), "show", "f9ce206:sync/journal.py"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "PRAGMA user_version" in old and "confirmed-offline" not in old
    (tmp_path / "journal_v1.py").write_text(old)
    script = textwrap.dedent(
        f"""
        import sys
        sys.path[:0] = [{str(tmp_path)!r}, {str(ROOT)!r}]
        from datetime import UTC, datetime
        from types import SimpleNamespace
        from journal_v1 import SqliteJournal
        j = SqliteJournal({str(path)!r})
        for n in range(1, 6):  # the JournalRecord of that release, attribute for attribute
            j.add(SimpleNamespace(booking_id=f"b{{n}}",
                  finalized_at=datetime(2021, 5, 28, tzinfo=UTC), site_id="s1",
                  slot_id="s1-0900", slot_date="2021-06-01", slot_start="09:00",
                  slot_end="10:00", masked_cid="1-2345-XXXXX-XX-3", cid_key=f"k{{n}}",
                  sealed={{"ct": "x"}}, slip={{"site": {{"id": "s1"}}}}))
        j.claim("b2", 30); j.confirm("b2", "TRJ-AAAA-0002", "confirmed")
        j.claim("b3", 30); j.settle("b3", "conflict", "already-booked", "x", {{"reference": "R"}})
        j.claim("b4", 30)
        j.close()
        """
    )
    subprocess.run([sys.executable, "-c", script], check=True)
    with sqlite3.connect(path) as db:
        db.row_factory = sqlite3.Row
        assert db.execute("PRAGMA user_version").fetchone()[0] == 1
        before = [dict(r) for r in db.execute("SELECT * FROM bookings ORDER BY seq")]
        events_before = db.execute("SELECT COUNT(*) FROM events").fetchone()[0]

    j = SqliteJournal(path)
    assert j.db.conn.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS) == 4
    rows = j.read("SELECT * FROM bookings ORDER BY seq")
    kept = set(before[0]) - {"masked_cid", "cid_key", "sealed"}  # what migration 4 changes
    assert [{k: r[k] for k in kept} for r in rows] == [{k: r[k] for k in kept} for r in before]
    by_id = {r["booking_id"]: r for r in rows}
    assert by_id["b2"]["confirmed_by"] == "central"
    # migration 4: a sealed body only where a replay needs it, the old key and masked form only
    # where a card look-up needs them (pending rows, the unseen conflict) until re-keyed
    assert {b: r["sealed"] is not None for b, r in by_id.items()} == {
        "b1": True,
        "b2": False,
        "b3": False,
        "b4": True,
        "b5": True,
    }
    assert {b: r["legacy_key"] for b, r in by_id.items()} == {
        "b1": "k1",
        "b2": None,
        "b3": "k3",
        "b4": "k4",
        "b5": "k5",
    }
    assert j.get("b1").confirmed_by is None and j.get("b1").lease_id is None
    assert j.db.conn.execute("SELECT COUNT(*) FROM events").fetchone()[0] == events_before
    indexes = {r[0] for r in j.db.conn.execute("SELECT name FROM sqlite_master WHERE type='index'")}
    assert {"bookings_due", "bookings_cid", "bookings_one_pending_per_citizen"} <= indexes
    assert j.counts()["sending"] == 1 and j.counts()["confirmed-offline"] == 0
    j.add(record(6))
    assert j.get("b6").seq == 6  # AUTOINCREMENT continues after the copied rows
    assert j.integrity() == "ok"
    j.close()


# leases and seats -----------------------------------------------------------------------------


def test_put_leases_stores_seats_and_lease_seats_counts_usable_ones(path, kit):
    j = journal_at(path)
    a = kit.lease(seats=2)
    b = kit.lease(slot_id="s1-1000", seats=1, use_until=NOW - timedelta(minutes=1))
    j.put_leases([a, b], [])
    assert j.lease_seats(NOW) == {"s1-0900": 2}  # b is past its use_until
    assert j.lease_seats(NOW - timedelta(hours=1)) == {"s1-0900": 2, "s1-1000": 1}
    assert j.lease_seats(a.use_until) == {}  # usable strictly before use_until
    listed = {e.lease_id: e for e in j.leases()}
    assert listed[a.lease_id].seats == listed[a.lease_id].seats_left == 2
    assert listed[a.lease_id].use_until == a.use_until
    stored = j.db.conn.execute(
        "SELECT envelope FROM leases WHERE lease_id = ?", (a.lease_id,)
    ).fetchone()[0]
    assert json.loads(stored) == a.envelope
    j.close()


def test_confirm_offline_spends_one_seat_and_confirms_the_booking(path, kit):
    j = journal_at(path)
    lease = kit.lease(seats=2)
    j.put_leases([lease], [])
    j.add(record(1))
    lease_id, reference, code = j.confirm_offline("b1", "s1-0900", NOW, signer)
    assert lease_id == lease.lease_id and reference in lease.references
    assert code == signer(reference, lease_id)
    e = j.get("b1")
    assert (e.state, e.reference, e.lease_id, e.confirmed_by, e.slip_code) == (
        "confirmed-offline",
        reference,
        lease_id,
        "terminal",
        code,
    )
    assert j.lease_seats(NOW) == {"s1-0900": 1}
    assert j.spent_unacknowledged() == [
        {"lease_id": lease_id, "reference": reference, "booking_id": "b1"}
    ]
    assert j.queued_for("k1") == "b1"  # still pending at the central: one per citizen
    with pytest.raises(AlreadyQueued):
        j.add(record(2, cid="k1"))
    assert j.counts()["confirmed-offline"] == 1
    assert [ev["state"] for ev in j.events("b1")] == ["queued", "confirmed-offline"]
    j.close()


def test_a_booking_the_replay_is_sending_gets_no_seat_unless_the_caller_claimed_it(path, kit):
    """The kiosk runs the counter and the replay in one process: a `sending` row of this
    process is the counter's own only when the counter says it claimed it. The replay's row is
    on its way to the central as a plain booking; a seat spent on it would print a reference
    the central never gives it."""
    j = journal_at(path)
    j.put_leases([kit.lease(seats=1)], [])
    j.add(record(1))
    assert j.claim("b1", 30)  # the replay took it first
    assert j.confirm_offline("b1", "s1-0900", NOW, signer) is None
    assert j.get("b1").state == "sending" and j.lease_seats(NOW) == {"s1-0900": 1}
    got = j.confirm_offline("b1", "s1-0900", NOW, signer, claimed=True)  # the counter's claim
    assert got is not None and j.get("b1").state == "confirmed-offline"
    j.close()


def test_no_seat_left_keeps_the_booking_queued(path, kit):
    j = journal_at(path)
    j.put_leases([kit.lease(seats=1)], [])
    j.add(record(1))
    j.add(record(2))
    assert j.confirm_offline("b1", "s1-0900", NOW, signer) is not None
    assert j.confirm_offline("b2", "s1-0900", NOW, signer) is None
    assert j.get("b2").state == "queued" and j.get("b2").lease_id is None
    assert j.confirm_offline("b2", "other-slot", NOW, signer) is None
    j.close()


def test_the_seat_that_runs_out_first_is_spent_first(path, kit):
    j = journal_at(path)
    late = kit.lease(seats=1, use_until=NOW + timedelta(hours=10))
    soon = kit.lease(seats=1, use_until=NOW + timedelta(hours=2))
    j.put_leases([late, soon], [])
    j.add(record(1))
    assert j.confirm_offline("b1", "s1-0900", NOW, signer)[0] == soon.lease_id
    j.close()


@given(minutes=st.integers(min_value=-180, max_value=180))
@settings(max_examples=60, deadline=None)
def test_a_seat_is_usable_exactly_while_now_is_before_use_until(tmp_path_factory, minutes):
    kit = LeaseKit()
    path = tmp_path_factory.mktemp("j") / "journal.sqlite"
    j = journal_at(path)
    lease = kit.lease(seats=1, use_until=NOW + timedelta(hours=1))
    j.put_leases([lease], [])
    j.add(record(1))
    now = lease.use_until + timedelta(minutes=minutes)
    got = j.confirm_offline("b1", "s1-0900", now, signer)
    assert (got is not None) == lease.usable_at(now) == (minutes < 0)
    j.close()


def test_claim_release_and_due_for_confirmed_offline_rows(path, kit):
    j = journal_at(path)
    j.put_leases([kit.lease(seats=1)], [])
    for n in (1, 2, 3):
        j.add(record(n))
    assert j.confirm_offline("b3", "s1-0900", NOW, signer)
    assert [e.booking_id for e in j.due()] == ["b3", "b1", "b2"]  # lease-backed first
    assert j.claim("b3", 30)
    assert j.get("b3").state == "sending"
    j.release("b3", "central-timeout", 0)
    assert j.get("b3").state == "confirmed-offline"  # never back to plain queued
    assert j.claim("b3", 30)
    j.confirm("b3", j.get("b3").reference, "confirmed")
    e = j.get("b3")
    assert (e.state, e.confirmed_by) == ("confirmed", "terminal")
    assert j.spent_unacknowledged() == []
    j.close()


def test_settle_of_a_lease_backed_booking_keeps_the_slip_reference(path, kit):
    j = journal_at(path)
    j.put_leases([kit.lease(seats=1)], [])
    j.add(record(1))
    _, reference, _ = j.confirm_offline("b1", "s1-0900", NOW, signer)
    j.claim("b1", 30)
    j.settle("b1", "conflict", "already-booked", "elsewhere", {"reference": "TRJ-WEB1-WINS"})
    e = j.get("b1")
    assert (e.state, e.reference, e.acknowledged) == ("conflict", "TRJ-WEB1-WINS", False)
    assert e.outcome_extra["lease_reference"] == reference
    assert j.spent_unacknowledged() == []
    j.close()


def test_put_leases_releases_unlisted_leases_but_keeps_one_with_an_unsent_seat(path, kit):
    j = journal_at(path)
    spent, idle, stays = kit.lease(seats=2), kit.lease(seats=1), kit.lease(seats=1)
    j.put_leases([spent, idle, stays], [])
    j.add(record(1))
    j.confirm_offline("b1", "s1-0900", NOW - timedelta(hours=2), signer)
    # the lease spent from is not listed any more; idle is released; stays stays
    used = j.get("b1").lease_id
    others = [x for x in (spent, idle, stays) if x.lease_id != used]
    j.put_leases([others[1]], [others[0].lease_id])
    held = {e.lease_id for e in j.leases()}
    kept = {e.lease_id: e for e in j.leases(include_released=True)}
    assert held == {others[1].lease_id}
    assert used in kept and kept[used].released  # kept for its unsent seat
    assert others[0].lease_id not in kept  # gone
    # its unspent seat is never spent again: the central gave it back to the slot
    assert j.lease_seats(NOW - timedelta(hours=2)) == {"s1-0900": 1}
    assert j.spent_unacknowledged()[0]["booking_id"] == "b1"
    j.claim("b1", 30)
    j.confirm("b1", j.get("b1").reference, "confirmed")
    j.put_leases([others[1]], [])
    assert used not in {e.lease_id for e in j.leases(include_released=True)}
    j.close()


def test_a_lease_listed_again_keeps_its_spent_seats(path, kit):
    j = journal_at(path)
    lease = kit.lease(seats=2)
    j.put_leases([lease], [])
    j.add(record(1))
    j.confirm_offline("b1", "s1-0900", NOW, signer)
    j.put_leases([lease], [])  # the same answer again (refresh is idempotent)
    assert j.lease_seats(NOW) == {"s1-0900": 1}
    assert j.leases()[0].seats_left == 1
    j.close()


def test_recent_choices_are_distinct_newest_first(path):
    j = journal_at(path)
    for n, (site, day) in enumerate(
        [("s1", "2021-06-02"), ("s2", "2021-06-03"), ("s1", "2021-06-02"), ("s3", "2021-06-04")]
    ):
        r = record(n)
        j.add(
            JournalRecord(**{**r.__dict__, "site_id": site, "slot_date": day, "cid_key": f"c{n}"})
        )
    assert j.recent_choices() == [("s3", "2021-06-04"), ("s1", "2021-06-02"), ("s2", "2021-06-03")]
    assert j.recent_choices(limit=1) == [("s3", "2021-06-04")]
    j.close()


# concurrency and crashes ----------------------------------------------------------------------


def test_two_threads_released_together_never_share_the_last_seat(path, kit):
    for round_ in range(20):
        p = path.with_name(f"j{round_}.sqlite")
        setup = journal_at(p)
        setup.put_leases([kit.lease(seats=1)], [])
        setup.add(record(1))
        setup.add(record(2))
        setup.close()
        barrier = threading.Barrier(2)
        results: dict[str, object] = {}

        def customer(
            booking_id: str,
            p: Path = p,
            barrier: threading.Barrier = barrier,
            results: dict[str, object] = results,
        ) -> None:
            j = journal_at(p)
            barrier.wait()
            results[booking_id] = j.confirm_offline(booking_id, "s1-0900", NOW, signer)
            j.close()

        threads = [threading.Thread(target=customer, args=(b,)) for b in ("b1", "b2")]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        check = journal_at(p)
        states = sorted(check.get(b).state for b in ("b1", "b2"))
        assert states == ["confirmed-offline", "queued"], results
        assert sum(r is not None for r in results.values()) == 1
        assert len(check.spent_unacknowledged()) == 1
        check.close()


def _process_customer(path: str, booking_id: str, barrier, out) -> None:
    j = journal_at(Path(path))
    barrier.wait()
    got = j.confirm_offline(booking_id, "s1-0900", NOW, signer)
    out.put((booking_id, got))
    j.close()


def test_two_processes_released_together_never_share_the_last_seat(path, kit):
    ctx = multiprocessing.get_context("spawn")
    for round_ in range(4):
        p = path.with_name(f"p{round_}.sqlite")
        setup = journal_at(p)
        setup.put_leases([kit.lease(seats=1)], [])
        setup.add(record(1))
        setup.add(record(2))
        setup.close()
        barrier, out = ctx.Barrier(2), ctx.Queue()
        procs = [
            ctx.Process(target=_process_customer, args=(str(p), b, barrier, out))
            for b in ("b1", "b2")
        ]
        for proc in procs:
            proc.start()
        for proc in procs:
            proc.join(60)
            assert proc.exitcode == 0
        got = dict(out.get(timeout=5) for _ in procs)
        assert sum(v is not None for v in got.values()) == 1, got
        check = journal_at(p)
        assert sorted(check.get(b).state for b in ("b1", "b2")) == ["confirmed-offline", "queued"]
        assert check.integrity() == "ok"
        check.close()


@pytest.mark.parametrize("crash_at", ["after-seat-spent", "before-offline-commit", None])
def test_sigkill_between_spend_and_commit_leaves_no_mix(path, kit, crash_at):
    setup = journal_at(path)
    setup.put_leases([kit.lease(seats=1)], [])
    setup.add(record(1))
    setup.close()
    script = textwrap.dedent(
        f"""
        import sys
        sys.path.insert(0, {str(ROOT)!r})
        from pathlib import Path
        from tests.sync.test_journal_leases import NOW, journal_at, signer
        j = journal_at(Path({str(path)!r}))
        print(j.confirm_offline("b1", "s1-0900", NOW, signer), flush=True)
        """
    )
    env = {**os.environ}
    env.pop("KIOSK_TEST_CRASH_AT", None)
    if crash_at:
        env["KIOSK_TEST_CRASH_AT"] = crash_at
    proc = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=False
    )
    check = journal_at(path)
    e = check.get("b1")
    seats = check.lease_seats(NOW)
    spent = check.spent_unacknowledged()
    assert check.integrity() == "ok"
    if crash_at:
        assert proc.returncode == -signal.SIGKILL
        assert (e.state, e.lease_id, seats, spent) == ("queued", None, {"s1-0900": 1}, [])
    else:
        assert proc.returncode == 0, proc.stderr
        assert e.state == "confirmed-offline" and seats == {}
        assert spent == [{"lease_id": e.lease_id, "reference": e.reference, "booking_id": "b1"}]
    # and the booking can still be confirmed offline after the crash
    assert (check.confirm_offline("b1", "s1-0900", NOW, signer) is not None) == bool(crash_at)
    check.close()


def test_the_one_transaction_is_all_or_nothing_on_a_full_disk(path, kit):
    j = journal_at(path)
    j.put_leases([kit.lease(seats=1)], [])
    j.add(record(1))
    pages = j.db.conn.execute("PRAGMA page_count").fetchone()[0]
    j.db.conn.execute(f"PRAGMA max_page_count = {pages}")
    big = "x" * 200_000  # a slip code too big for the pages left: the write fails in the middle
    with pytest.raises(JournalError) as err:
        j.confirm_offline("b1", "s1-0900", NOW, lambda r, lid: big)
    assert err.value.code == "journal-full"
    assert j.get("b1").state == "queued" and j.lease_seats(NOW) == {"s1-0900": 1}
    assert j.integrity() == "ok"
    j.close()
