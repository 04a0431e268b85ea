"""The journal on real SQLite files: durability settings, states, claims, damage, a full disk."""

from __future__ import annotations

import hashlib
import sqlite3
import threading
from datetime import UTC, datetime, timedelta

import pytest

from kiosk.booking.errors import JournalError
from kiosk.booking.ports import JournalRecord
from sync.journal import MIGRATIONS, SqliteJournal


def record(n: int, cid_key: str = "k") -> JournalRecord:
    return JournalRecord(
        booking_id=f"b{n}",
        finalized_at=datetime(2021, 5, 28, 10, n % 60, tzinfo=UTC),
        site_id="s1",
        slot_id="s1-0900",
        slot_date="2021-06-01",
        slot_start="09:00",
        slot_end="10:00",
        cid_key=f"{cid_key}{n}",
        sealed={"v": 1, "ct": "opaque"},
        slip={"site": {"id": "s1"}},
    )


@pytest.fixture
def path(tmp_path):
    return tmp_path / "journal.sqlite"


@pytest.fixture
def journal(path):
    j = SqliteJournal(path)
    yield j
    j.close()


def test_every_connection_is_wal_and_synchronous_full(journal, path):
    assert journal.db.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert journal.db.conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    second = SqliteJournal(path)
    assert second.db.conn.execute("PRAGMA synchronous").fetchone()[0] == 2
    assert second.db.conn.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
    second.close()


def test_a_booking_is_committed_when_add_returns(journal, path):
    journal.add(record(1))
    other = sqlite3.connect(path)
    assert other.execute("SELECT state FROM bookings").fetchall() == [("queued",)]
    other.close()


def test_ids_are_text_and_no_column_is_meant_for_the_citizen_id(journal, path):
    journal.add(record(1))
    columns = {r[1] for r in journal.db.conn.execute("PRAGMA table_info(bookings)")}
    assert "masked_cid" not in columns  # schema 4: no digit of the ID (test_journal_privacy)
    types = dict(
        journal.db.conn.execute("SELECT name, type FROM pragma_table_info('bookings')").fetchall()
    )
    assert types["booking_id"] == types["slot_id"] == types["cid_key"] == "TEXT"


def test_states_move_queued_sending_confirmed(journal):
    journal.add(record(1))
    assert journal.claim("b1", 30)
    assert not journal.claim("b1", 30)  # held by the first sender
    journal.confirm("b1", "TRJ-7K3M-Q9XD", "confirmed")
    e = journal.get("b1")
    assert (e.state, e.reference, e.attempts) == ("confirmed", "TRJ-7K3M-Q9XD", 1)
    assert [ev["state"] for ev in journal.events("b1")] == ["queued", "sending", "confirmed"]


def test_rejected_and_conflict_keep_the_reason(journal):
    journal.add(record(1))
    journal.add(record(2))
    for b in ("b1", "b2"):
        journal.claim(b, 30)
    journal.settle("b1", "rejected", "slot-full", "full", {"alternatives": [{"slot_id": "x"}]})
    journal.settle("b2", "conflict", "already-booked", "elsewhere", {"reference": "TRJ-AAAA-BBBB"})
    assert journal.get("b1").outcome_extra["alternatives"] == [{"slot_id": "x"}]
    assert journal.get("b2").reference == "TRJ-AAAA-BBBB"
    assert journal.counts() == {
        "queued": 0,
        "sending": 0,
        "confirmed-offline": 0,
        "confirmed": 0,
        "rejected": 1,
        "conflict": 1,
    }


def test_released_bookings_wait_for_their_retry_time(path):
    now = [datetime(2021, 5, 28, 10, 0, tzinfo=UTC)]
    j = SqliteJournal(path, clock=lambda: now[0])
    j.add(record(1))
    j.claim("b1", 30)
    j.release("b1", "central-timeout", 60)
    assert j.due() == []
    now[0] += timedelta(seconds=61)
    assert [e.booking_id for e in j.due()] == ["b1"]
    assert j.get("b1").last_error == "central-timeout"
    j.close()


def test_a_crash_while_sending_is_sent_again_after_the_lease(path):
    now = [datetime(2021, 5, 28, 10, 0, tzinfo=UTC)]
    j = SqliteJournal(path, clock=lambda: now[0])
    j.add(record(1))
    assert j.claim("b1", 30)
    j.close()  # the process dies here
    j = SqliteJournal(path, clock=lambda: now[0])
    assert j.due() == []  # the lease still holds
    now[0] += timedelta(seconds=31)
    assert [e.booking_id for e in j.due()] == ["b1"]
    assert j.claim("b1", 30)
    j.close()


def test_oldest_first_by_sequence_not_by_clock(path):
    j = SqliteJournal(path)
    for n in (5, 1, 3):  # finalized_at out of order, as after a clock correction
        j.add(record(n))
    assert [e.booking_id for e in j.due()] == ["b5", "b1", "b3"]
    j.close()


def test_queued_for_finds_a_waiting_booking_of_the_same_citizen(journal):
    journal.add(record(1, cid_key="same"))
    assert journal.queued_for("same1") == "b1"
    journal.claim("b1", 30)
    assert journal.queued_for("same1") == "b1"
    journal.confirm("b1", "R", "confirmed")
    assert journal.queued_for("same1") is None


def test_two_senders_never_claim_the_same_booking(path):
    setup = SqliteJournal(path)
    for n in range(50):
        setup.add(record(n))
    setup.close()
    won: list[str] = []
    lock = threading.Lock()

    def sender():
        j = SqliteJournal(path)
        for e in j.due(100):
            if j.claim(e.booking_id, 60):
                with lock:
                    won.append(e.booking_id)
        j.close()

    threads = [threading.Thread(target=sender) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(won) == sorted(f"b{n}" for n in range(50))


def test_a_full_disk_refuses_the_booking_and_loses_nothing(journal):
    journal.add(record(1))
    pages = journal.db.conn.execute("PRAGMA page_count").fetchone()[0]
    journal.db.conn.execute(f"PRAGMA max_page_count = {pages}")  # SQLITE_FULL from here on
    with pytest.raises(JournalError) as err:
        for n in range(2, 200):
            journal.add(record(n))
    assert err.value.code == "journal-full"
    assert err.value.th and "full" in err.value.en
    assert journal.get("b1").state == "queued"
    assert journal.integrity() == "ok"


@pytest.mark.parametrize("damage", ["garbage", "truncate"])
def test_a_damaged_journal_is_refused_and_kept_for_recovery(path, damage):
    j = SqliteJournal(path)
    for n in range(200):
        j.add(record(n))
    j.db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    j.close()
    data = path.read_bytes()
    if damage == "garbage":
        path.write_bytes(b"not a database at all " * 100)
    else:
        path.write_bytes(data[: len(data) // 2])
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    with pytest.raises(JournalError) as err:
        SqliteJournal(path).entries()
    assert err.value.code == "journal-corrupt"
    assert "untouched" in err.value.en
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before


def test_a_journal_from_a_newer_kiosk_is_not_touched(path):
    j = SqliteJournal(path)
    j.db.conn.execute("PRAGMA user_version = 99")
    j.close()
    with pytest.raises(JournalError) as err:
        SqliteJournal(path)
    assert err.value.code == "journal-too-new"


def test_two_first_openings_at_once_both_succeed(tmp_path):
    path = tmp_path / "new.sqlite"
    errors: list[Exception] = []
    barrier = threading.Barrier(4)

    def open_it():
        barrier.wait()
        try:
            SqliteJournal(path).close()
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=open_it) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    j = SqliteJournal(path)
    assert j.db.conn.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
    j.close()
