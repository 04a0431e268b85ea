"""The central's personal data sealed at rest (central/sealed_fields.py, migration 10).

Bookings made over HTTP by every path that writes one (web, a kiosk's plain body, a journal's
sealed replay, a lease-backed booking; on PostgreSQL the batched and the one-statement fast
path) leave no citizen ID, name or phone in any column of any table, read raw; on SQLite not in
the file and WAL bytes either. Each still reads back whole, and the SMS goes to its number.
"""

from __future__ import annotations

import json
import random
import sqlite3
import sys
from pathlib import Path
from typing import Any

import psycopg
import pytest
import requests

from central.errors import StoreError
from central.notify.fake_gateway import FakeGateway
from central.notify.gateway import HttpJsonGateway
from central.notify.sender import Sender
from central.sealed_fields import PREFIX, SealedFieldError
from tests.central.conftest import (
    RunningCentral,
    booking_body,
    citizen,
    lease_booking,
    refresh_leases,
    start_central,
)
from tests.central.notify.conftest import TOKEN, sealed_body

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
import pii_audit

DAY3 = [("scg-bang-sue", "2021-06-03")]


@pytest.fixture
def gateway():
    with FakeGateway(token=TOKEN) as fake:
        yield fake


def _needles(person: Any, phone: str) -> list[str]:
    card = person.card
    names = [card[k][part] for k in ("name_th", "name_en") for part in ("first", "last")]
    return [card["cid"], phone, *names]


def _raw_values(c: RunningCentral) -> list[str]:
    """Every value of every column of every table, as text, read past the store."""
    db = c.central.settings.db
    if isinstance(db, Path):
        conn = sqlite3.connect(db)
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        values = [
            str(v) for t in tables for row in conn.execute(f'SELECT * FROM "{t}"') for v in row
        ]
        conn.close()
        return values
    with psycopg.connect(str(db)) as conn:
        tables = [
            r[0]
            for r in conn.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'"
            )
        ]
        return [str(v) for t in tables for row in conn.execute(f'SELECT * FROM "{t}"') for v in row]


def _answers_column(c: RunningCentral) -> list[str]:
    """`bookings.answers_json` as stored (the declared health conditions), read past the store."""
    with c.central.store._write() as conn:
        return [r[0] for r in conn.execute("SELECT answers_json FROM bookings").fetchall()]


def _book_every_way(c: RunningCentral) -> list[tuple[Any, str, dict[str, Any]]]:
    """(person, phone, answer) of a booking made by each path."""
    made = []

    def book(n: int, body: dict[str, Any], terminal: str = "kiosk-1") -> None:
        r = c.book(body, terminal=terminal, key=body["booking_id"])
        assert r.status_code == 201, r.text
        made.append((citizen(n), body.get("phone") or plain_phone[n], r.json()))

    plain_phone = {n: f"08{n:08d}" for n in range(900, 906)}
    body = booking_body(citizen(900), c.slot_id(), channel="web", phone=plain_phone[900])
    book(900, body, terminal="web-1")
    book(901, booking_body(citizen(901), c.slot_id(hour=13), phone=plain_phone[901]))
    sealed = booking_body(citizen(902), c.slot_id(hour=14), phone=plain_phone[902])
    book(902, sealed_body(c, sealed))
    r = refresh_leases(c, "kiosk-1", recent=DAY3)
    assert r.status_code == 200, r.text
    lease = r.json()["leases"][0]
    book(903, lease_booking(booking_body(citizen(903), "x", phone=plain_phone[903]), lease, 0))
    if hasattr(c.central.store, "batch_bookings"):  # PostgreSQL: also the unbatched statement
        c.central.store.batch_bookings = False
        book(904, booking_body(citizen(904), c.slot_id(hour=15), phone=plain_phone[904]))
        c.central.store.batch_bookings = True
    return made


def test_no_id_name_or_phone_in_any_column_and_every_booking_reads_back(central) -> None:
    made = _book_every_way(central)
    values = _raw_values(central)
    for person, phone, _ in made:
        for needle in _needles(person, phone):
            hits = [v for v in values if needle in v]
            assert not hits, f"{needle[:2]}… found in clear in {len(hits)} column value(s)"
    assert sum(v.startswith(PREFIX) for v in values) >= 2 * len(made)
    answers = _answers_column(central)
    assert len(answers) >= len(made) and all(a.startswith(PREFIX) for a in answers), answers
    store = central.central.store
    for person, phone, answer in made:
        booking = store.booking_by_reference(answer["reference"])
        assert booking is not None and booking.phone == phone
        found = requests.post(
            central.url("/v1/bookings/lookup"),
            json={"cid": person.card["cid"]},
            headers=central.auth(),
            timeout=10,
        )
        assert found.status_code == 200, found.text
        assert found.json()["reference"] == answer["reference"]
    db = central.central.settings.db
    if isinstance(db, Path):  # the bytes of the file and its WAL, not only the values
        people = pii_audit.People()
        for person, phone, _ in made:
            people.add(person.card["cid"], phone, _needles(person, phone)[2:])
        files = [p for p in (db, Path(f"{db}-wal")) if p.exists()]
        result = pii_audit.audit(files, people)
        assert result.bytes > 10_000 and result.findings == [], result.to_json()["by_file"]


def test_a_changed_phone_is_sealed_and_the_sms_goes_to_it(central, gateway) -> None:
    person = citizen(910)
    body = booking_body(person, central.slot_id(), channel="web", phone="0811110910")
    r = central.book(body, terminal="web-1")
    assert r.status_code == 201, r.text
    ref = r.json()["reference"]
    changed = requests.patch(
        central.url(f"/v1/bookings/{ref}"),
        json={"cid": person.card["cid"], "phone": "0822220910"},
        headers={**central.auth("web-1"), "If-Match": '"1"'},
        timeout=10,
    )
    assert changed.status_code == 200, changed.text
    values = _raw_values(central)
    assert not [v for v in values if "0822220910" in v or "0811110910" in v]
    sender = Sender(
        central.central.store,
        HttpJsonGateway(gateway.url, TOKEN, 5.0),
        central.clock,
        rng=random.Random(1),
    )
    assert sender.drain() == 2  # booked (to the first number), changed (to the new one)
    assert sorted(m["to"] for m in gateway.snapshot()) == ["+66811110910", "+66822220910"]
    assert central.central.store.booking_by_reference(ref).phone == "0822220910"


def test_a_sealed_value_moved_to_another_row_is_refused_in_thai_and_english(central) -> None:
    answers = []
    for n in (920, 921):
        body = booking_body(
            citizen(n), central.slot_id(hour=10 if n == 920 else 13), phone=f"08{n:08d}"
        )
        r = central.book(body)
        assert r.status_code == 201, r.text
        answers.append(r.json())
    store = central.central.store
    a, b = (store.booking_by_reference(x["reference"]) for x in answers)
    with store._write() as c:
        stored = c.execute("SELECT phone FROM bookings WHERE booking_id = ?", (a.booking_id,))
        phone = stored.fetchone()[0]
        c.execute("UPDATE bookings SET phone = ? WHERE booking_id = ?", (phone, b.booking_id))
    assert store.booking_by_id(a.booking_id).phone == "0800000920"
    with pytest.raises(SealedFieldError) as refused:
        store.booking_by_id(b.booking_id)
    assert isinstance(refused.value, StoreError)
    assert "does not open" in refused.value.en and "เปิดไม่ได้" in refused.value.th
    assert "0800000920" not in refused.value.en + refused.value.th


def _downgrade_to_clear(c: RunningCentral, clear: dict[str, tuple[str, str]]) -> None:
    """The database as a central before migration 10 left it: clear values, version 9."""
    with c.central.store._write() as conn:
        for booking_id, (card_json, phone) in clear.items():
            conn.execute(
                "UPDATE bookings SET card_json = ?, phone = ?, answers_json = ? "
                "WHERE booking_id = ?",
                (card_json, phone, '{"conditions": ["pregnant"]}', booking_id),
            )
        conn.execute(
            "UPDATE notifications SET phone = ? WHERE phone != ''", (clear[next(iter(clear))][1],)
        )
        conn.execute("DELETE FROM schema_migrations WHERE version = 10")
        conn.execute("UPDATE meta SET value = '9' WHERE key = 'schema_version'")


def test_migration_10_seals_the_clear_rows_of_a_version_9_database(
    tmp_path, new_db, backend
) -> None:
    if backend == "workers":
        pytest.skip("in-process centrals only")
    db = new_db()
    first = start_central(tmp_path, db=db)
    clear = {}
    people = []
    for n in (930, 931):
        person = citizen(n)
        body = booking_body(person, first.slot_id(hour=n - 920), channel="web", phone=f"08{n:08d}")
        r = first.book(body, terminal="web-1")
        assert r.status_code == 201, r.text
        clear[body["booking_id"]] = (json.dumps(person.card, ensure_ascii=False), body["phone"])
        people.append((person, body["phone"], r.json()["reference"]))
    _downgrade_to_clear(first, clear)
    assert any(people[0][0].card["cid"] in v for v in _raw_values(first))
    first.stop()
    first.central.store.close()
    _refused_without_the_key(db, first.central.settings.db, tmp_path)
    again = start_central(tmp_path, db=db)  # opening migrates: 9 -> 10
    try:
        assert again.central.store.schema_version == 10
        assert all(a.startswith(PREFIX) for a in _answers_column(again))
        values = _raw_values(again)
        for person, phone, reference in people:
            for needle in _needles(person, phone):
                assert not [v for v in values if needle in v], needle[:2]
            assert again.central.store.booking_by_reference(reference).phone == phone
        assert [n.phone for n in again.central.store.notifications()] == [people[0][1]] * 2
        if db is None:  # SQLite: the clear pages were zeroed and the WAL folded in
            path = again.central.settings.db
            wal = Path(f"{path}-wal")
            assert not wal.exists() or wal.stat().st_size < 200_000
            audit_people = pii_audit.People()
            for person, phone, _ in people:
                audit_people.add(person.card["cid"], phone, _needles(person, phone)[2:])
            found = pii_audit.audit([p for p in (path, wal) if p.exists()], audit_people)
            assert found.findings == [], found.to_json()["by_file"]
        # idempotent: opening again finds nothing left to seal and reads the same
        reopened = type(again.central.store)(
            str(db) if db else again.central.settings.db, sealer=again.central.keys.field_sealer()
        )
        assert reopened.booking_by_reference(people[1][2]).phone == people[1][1]
        reopened.close()
    finally:
        again.stop()


def _refused_without_the_key(url: str | None, path: Path | str, tmp_path: Path) -> None:
    """Clear rows and no key of the central's: the migration refuses rather than seal them
    under a key the central does not have (SQLite: a copy of the file with no keys beside)."""
    from central.store import PostgresStore, SqliteStore

    if url is not None:
        opened = lambda: PostgresStore(url)  # noqa: E731
    else:
        copy = tmp_path / "elsewhere" / "copy.db"
        copy.parent.mkdir()
        copy.write_bytes(Path(path).read_bytes())
        opened = lambda: SqliteStore(copy)  # noqa: E731
    with pytest.raises(StoreError) as refused:
        opened()
    assert "in clear" in refused.value.en and "--keys-dir" in refused.value.th
