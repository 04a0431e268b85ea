"""The journal gives no citizen ID to a thief (docs/journal-privacy.md): no digit of the ID in
the clear, a slow keyed hash with its production parameters, the sealed body gone once the
central has answered, the hash gone after its retention (from the file and the -wal), and a
schema-3 journal migrated with its queued bookings still found by card and replayed."""

from __future__ import annotations

import hashlib
import logging
import re
import sqlite3
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kiosk import sealing, signing
from kiosk.booking import AlreadyQueued, aad, cid_hash, cid_key
from kiosk.booking.model import BookingRequest
from kiosk.card import cid as cidlib
from kiosk.card import cid_space
from kiosk.card.model import Card
from sync import journal_privacy
from sync.journal import SqliteJournal
from tests.sync.conftest import booking_args
from tests.sync.legacy_journal import write_schema_3_journal
from tests.sync.test_journal import record

PHONE = "0812345678"
T0 = datetime(2021, 6, 1, tzinfo=UTC)


def valid_cids() -> st.SearchStrategy[str]:
    return st.text("0123456789", min_size=12, max_size=12).map(
        lambda first12: first12 + str(cidlib.check_digit(first12))
    )


def with_cid(args: dict, cid: str) -> dict:
    return {**args, "card": Card.from_json({**args["card"].to_json(), "cid": cid})}


def journal_bytes(path: Path) -> bytes:
    wal = Path(f"{path}-wal")
    return path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")


def clear_values(path: Path) -> list[tuple[str, str]]:
    """(column, value) of every table of the journal except the sealed (encrypted) body."""
    db = sqlite3.connect(path)
    out = []
    tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    for table in tables:
        cols = [r[1] for r in db.execute(f"PRAGMA table_info({table})") if r[1] != "sealed"]
        for row in db.execute(f"SELECT {', '.join(cols)} FROM {table}"):
            out += [(c, str(v)) for c, v in zip(cols, row, strict=True) if v is not None]
    db.close()
    return out


# the hash ------------------------------------------------------------------------------------


def test_the_lookup_hash_is_scrypt_with_the_production_parameters():
    """Bench-free: the parameters are asserted. 8 MiB and N=2^13 make one hash ~17 ms CPU on
    this machine (bench/cid_recovery.py measures it); with 10^12 candidates that is centuries."""
    assert (cid_hash.SCRYPT_N, cid_hash.SCRYPT_R, cid_hash.SCRYPT_P) == (2**13, 8, 1)
    assert 128 * cid_hash.SCRYPT_R * cid_hash.SCRYPT_N == 8 * 2**20
    secret, cid = bytes(range(32)), "1103700012345"
    expected = hashlib.scrypt(
        cid.encode(), salt=cid_hash.DOMAIN + secret, n=2**13, r=8, p=1, maxmem=2**25, dklen=32
    ).hex()
    assert cid_key(secret, cid) == expected
    assert cid_key(bytes(32), cid) != expected  # keyed: another terminal's hash differs
    assert cid_key(secret, cid) != cid_hash.legacy_cid_key(secret, cid)
    # what a thief must search once no digit is in the clear: every 12 digits, check computed
    assert cid_space.count("X" * 13) == 10**12


# no digit in the clear ---------------------------------------------------------------------


def test_no_clear_column_holds_any_digit_of_a_citizen_id(central, make_terminal, proxy, caplog):
    """Property over random valid IDs, booked through the kiosk's own service while the central
    cannot be reached: the only trace of the ID outside the sealed body is its slow hash; and
    the log, kept on the same disk, holds not even the masked form (its six digits would cut
    the thief's search to ~10^6 candidates)."""
    t = make_terminal(proxy.url)
    proxy.set("refuse")
    for _ in range(3):
        t.client.breaker.failure()  # open: queued at once
    service = t.booking_service()
    base = booking_args(t, 1)
    path = t.config.journal_path
    hashes: set[str] = set()

    @settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))
    @given(cid=valid_cids())
    def booked(cid: str) -> None:
        if t.journal.queued_for(cid_key(t.secret, cid)):
            return  # hypothesis drew this ID again
        outcome = service.book(**with_cid(base, cid))
        assert outcome.status == "queued"
        values = clear_values(path)
        entry = t.journal.get(outcome.booking_id)
        assert entry is not None and entry.cid_key == cid_key(t.secret, cid)
        hashes.add(entry.cid_key)
        for column, value in values:
            assert cid not in value and cidlib.formatted(cid) not in value
            assert cidlib.mask(cid) not in value and "XXXXX" not in value  # no masked form
            assert f"{cid[0]}-{cid[1:5]}-" not in value  # not even the slip's leading digits
            if column == "cid_key":  # hex: may hold 13 digits in a row; it is the slow hash
                assert value in hashes
            else:  # nor anything else shaped like an ID
                assert not re.search(r"\d{13}", value)
        raw = journal_bytes(path)
        assert cid.encode() not in raw and cidlib.mask(cid).encode() not in raw
        booked_cids.append(cid)

    booked_cids: list[str] = []
    with caplog.at_level(logging.DEBUG):
        booked()
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert booked_cids and "journaled" in logged
    for cid in booked_cids:
        assert cidlib.mask(cid) not in logged and f"{cid[0]}-{cid[1:5]}-" not in logged


def test_one_hash_per_lookup_whatever_the_journal_holds(central, make_terminal, proxy, monkeypatch):
    """The one-pending-per-citizen check is an index lookup of one hash, not a hash per row."""
    t = make_terminal(proxy.url)
    proxy.set("refuse")
    for _ in range(3):
        t.client.breaker.failure()
    service = t.booking_service()
    args = booking_args(t, 1)
    for n in range(4):
        service.book(**with_cid(args, _cid(n)))
    calls = []
    real = hashlib.scrypt
    monkeypatch.setattr(
        cid_hash.hashlib, "scrypt", lambda *a, **k: calls.append(1) or real(*a, **k)
    )
    with pytest.raises(AlreadyQueued):
        service.book(**with_cid(args, _cid(2)))
    assert len(calls) == 1


def _cid(n: int) -> str:
    first12 = f"11037000{n:04d}"
    return first12 + str(cidlib.check_digit(first12))


# deletion --------------------------------------------------------------------------------------


def test_confirmed_sealed_body_goes_at_once_and_hash_after_retention_from_file_and_wal(
    central, make_terminal, proxy
):
    """The sealed body is deleted when the central confirms; the hash stays CONFIRMED_RETENTION
    (the offline look-up at this terminal still finds the booking: no second one), then no byte
    of the hash, the phone or the sealed body is left in the journal file or its -wal."""
    t = make_terminal(proxy.url)
    proxy.set("refuse")
    args = with_cid(booking_args(t, 1), _cid(7))
    booking_id = t.booking_service().book(**args).booking_id
    proxy.set("pass")
    t.client.breaker.success()
    queued = t.journal.get(booking_id)
    assert queued.state == "queued" and queued.sealed
    ciphertext = queued.sealed["ct"].encode()
    key = cid_key(t.secret, _cid(7))
    assert t.replay_worker().run_until_empty(t.journal, timeout=20)

    confirmed = t.journal.get(booking_id)
    assert confirmed.state == "confirmed" and confirmed.sealed == {}
    # within the retention the terminal, offline, still shows this booking for this card
    assert [e.booking_id for e in t.journal.for_citizen(key)] == [booking_id]
    assert central.central.store.booking_by_id(booking_id).reference == confirmed.reference
    path = t.config.journal_path
    assert key.encode() in journal_bytes(path)  # kept, as chosen

    just_before = t.journal.now() + journal_privacy.CONFIRMED_RETENTION - timedelta(minutes=1)
    early = SqliteJournal(path, clock=lambda: just_before)
    assert early.for_citizen(key) and early.purge() == 0
    early.close()

    t.journal.close()
    t._journal = None  # every other connection closed: the checkpoint can truncate the -wal
    later = t.journal.now() + journal_privacy.CONFIRMED_RETENTION + timedelta(minutes=1)
    j = SqliteJournal(path, clock=lambda: later)  # opening purges
    assert j.for_citizen(key) == [] and j.get(booking_id).cid_key is None
    assert j.get(booking_id).reference == confirmed.reference  # the booking itself stays
    raw = journal_bytes(path)
    assert key.encode() not in raw and bytes.fromhex(key) not in raw
    assert PHONE.encode() not in raw and ciphertext not in raw
    assert not Path(f"{path}-wal").exists() or Path(f"{path}-wal").stat().st_size == 0
    j.close()


def test_a_reader_holding_the_wal_delays_the_wipe_until_the_next_purge(tmp_path):
    """A connection's open snapshot stops the TRUNCATE checkpoint; the next purge retries it."""
    path = tmp_path / "journal.sqlite"
    clock = [T0]
    j = SqliteJournal(path, clock=lambda: clock[0])
    rec = record(1, cid_key="a7" * 32)
    j.add(rec)
    assert j.claim("b1", 30)
    j.confirm("b1", "TRJ-AAAA-0001", "confirmed")
    reader = sqlite3.connect(path)
    reader.execute("BEGIN")
    reader.execute("SELECT COUNT(*) FROM bookings").fetchone()  # holds a snapshot
    clock[0] = T0 + journal_privacy.CONFIRMED_RETENTION + timedelta(seconds=1)
    assert j.purge() == 1 and j.get("b1").cid_key is None
    assert rec.cid_key.encode() in journal_bytes(path)  # the reader's pages are still there
    reader.execute("COMMIT")
    reader.close()
    assert j.purge() == 0  # nothing new to purge, but the owed checkpoint runs now
    assert rec.cid_key.encode() not in journal_bytes(path)
    j.close()


def test_a_wipe_owed_by_one_connection_is_done_by_the_next_purge_of_another(tmp_path):
    """The counter settles a refusal the customer saw (its hash goes at once); the -wal still
    holds the old page, and the wipe is owed in the journal, so the replay's connection (here
    a second one, opening) checkpoints it."""
    path = tmp_path / "journal.sqlite"
    counter = SqliteJournal(path, clock=lambda: T0)
    rec = record(1, cid_key="b5" * 32)
    counter.add(rec)
    counter.claim("b1", 30)
    counter.settle("b1", "rejected", "slot-full", "x", {}, seen=True)
    assert counter.get("b1").cid_key is None
    assert rec.cid_key.encode() in journal_bytes(path)  # the old page, still in the -wal
    replay = SqliteJournal(path, clock=lambda: T0)  # opening purges: the owed wipe
    assert rec.cid_key.encode() not in journal_bytes(path)
    assert replay.read("SELECT COUNT(*) AS n FROM terminal_state")[0]["n"] == 0
    replay.close()
    counter.close()


def test_a_refusal_keeps_its_hash_until_the_notice_is_shown(tmp_path):
    t0 = T0
    j = SqliteJournal(tmp_path / "journal.sqlite", clock=lambda: t0)
    j.add(record(1, cid_key="c"))
    j.add(record(2, cid_key="c"))
    j.claim("b1", 30)
    j.settle("b1", "conflict", "already-booked", "x", {"reference": "R"})
    j.claim("b2", 30)
    j.settle("b2", "rejected", "slot-full", "x", {}, seen=True)
    assert j.get("b1").cid_key == "c1" and j.get("b1").sealed == {}
    assert j.get("b2").cid_key is None  # told at the counter: nothing to find later
    j.acknowledge("b1")
    assert j.get("b1").cid_key is None
    j.close()
    late = t0 + journal_privacy.NOTICE_RETENTION + timedelta(seconds=1)
    j = SqliteJournal(tmp_path / "journal.sqlite", clock=lambda: t0)
    j.add(record(3, cid_key="d"))
    j.claim("b3", 30)
    j.settle("b3", "conflict", "already-booked", "x", {})
    j.close()
    j = SqliteJournal(tmp_path / "journal.sqlite", clock=lambda: late)
    assert j.get("b3").cid_key is None  # an unseen notice is bounded too
    j.close()


# migration 4 -------------------------------------------------------------------------------


def _sealed_request(t, args: dict) -> tuple[str, dict]:
    request = BookingRequest(
        booking_id=BookingRequest.new_id(),
        card=args["card"],
        answers=args["answers"],
        decision=args["decision"],
        site=args["site"],
        slot=args["slot"],
        phone=args["phone"],
        occupation=args["occupation"],
        confirmed_at=t.now(),
    )
    body = signing.canonical(request.body())
    return request.booking_id, sealing.seal(body, t.cache.sealing_key(), aad(request.booking_id))


def test_a_schema_3_journal_migrates_finds_its_queued_bookings_by_card_and_replays(
    tmp_path, central, make_terminal, proxy
):
    t = make_terminal(proxy.url)
    path = t.config.journal_path
    for suffix in ("", "-wal", "-shm"):  # the refresh made a new journal: the old one replaces it
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    # IDs the old scheme's attack finds quickly (low unknown digits): the path is the same
    cids = {"queued": _cid(11), "sending": _cid(12), "confirmed": _cid(13), "conflict": _cid(14)}
    rows, ids = [], {}
    for n, (then, cid) in enumerate(cids.items(), start=1):
        booking_id, sealed = _sealed_request(t, with_cid(booking_args(t, n, slot_index=n), cid))
        ids[then] = booking_id
        rows.append(
            {
                "booking_id": booking_id,
                "masked_cid": cidlib.mask(cid),
                "cid_key": cid_hash.legacy_cid_key(t.secret, cid),
                "sealed": sealed,
                "then": None if then == "queued" else then,
            }
        )
    write_schema_3_journal(tmp_path, path, rows)
    assert cidlib.mask(cids["queued"]).encode() in journal_bytes(path)

    t._journal = None
    j = t.journal  # the terminal opens it with its key: migration 4 and the re-keying
    assert j.db.conn.execute("PRAGMA user_version").fetchone()[0] == 4
    for state in ("queued", "sending"):
        key = cid_key(t.secret, cids[state])
        assert j.queued_for(key) == ids[state]  # the existing-booking look-up by card
        assert [e.booking_id for e in j.for_citizen(key)] == [ids[state]]
    notice = j.for_citizen(cid_key(t.secret, cids["conflict"]))
    assert [e.state for e in notice] == ["conflict"]  # the unseen notice is still owed
    assert j.for_citizen(cid_key(t.secret, cids["confirmed"])) == []  # the central's now
    assert j.read("SELECT COUNT(*) AS n FROM bookings WHERE legacy_key IS NOT NULL")[0]["n"] == 0
    # the one-pending-per-citizen refusal, through the kiosk's own service
    with pytest.raises(AlreadyQueued):
        t.booking_service().book(**with_cid(booking_args(t, 9), cids["queued"]))
    # nothing of the old scheme is left in the file or the -wal
    raw = journal_bytes(path)
    for then, cid in cids.items():
        assert cidlib.mask(cid).encode() not in raw
        assert cid_hash.legacy_cid_key(t.secret, cid).encode() not in raw, then

    # the replay sends both (the old `sending` claim's owner process is gone), exactly once
    assert t.replay_worker().run_until_empty(j, timeout=30)
    for state in ("queued", "sending"):
        entry = j.get(ids[state])
        assert entry.state == "confirmed" and entry.sealed == {}
        held = central.central.store.booking_by_id(ids[state])
        assert held is not None and held.reference == entry.reference


def test_re_keying_yields_to_a_newer_pending_row_of_the_same_citizen(tmp_path):
    """Opened first without the key (the cache's lease refresh), a new booking of the same
    citizen is written under the new hash; the re-keying then must not fail the terminal's
    open on the unique index: the old row drops its legacy columns and still replays."""
    secret, cid = bytes(range(32)), _cid(21)
    path = tmp_path / "journal.sqlite"
    old = {
        "booking_id": "b-old",
        "masked_cid": cidlib.mask(cid),
        "cid_key": cid_hash.legacy_cid_key(secret, cid),
        "sealed": {"v": 1, "ct": "opaque"},
    }
    write_schema_3_journal(tmp_path, path, [old])
    SqliteJournal(path).close()  # schema 4, not re-keyed: no key
    j = SqliteJournal(path)
    j.add(replace(record(1), cid_key=cid_key(secret, cid)))
    j.close()
    j = SqliteJournal(path, cid_secret=secret)
    assert j.queued_for(cid_key(secret, cid)) == "b1"
    assert j.get("b-old").state == "queued" and j.get("b-old").cid_key is None
    assert j.read("SELECT COUNT(*) AS n FROM bookings WHERE legacy_key IS NOT NULL")[0]["n"] == 0
    j.close()
