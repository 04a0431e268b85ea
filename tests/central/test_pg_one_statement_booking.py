"""PostgreSQL's one-statement booking (central/store/pg_booking.py) against the general path.

The fast statement must book exactly what the general transaction books and, when it books
nothing, write nothing, so that the general path's refusal or replay is the answer. Each test
runs the same requests with the fast path on and off (monkeypatched `fast_path_applies`) and
compares the answers, with the references (random) put back to names.
"""

from __future__ import annotations

import json
import threading

import pytest

import central.store.pg_booking as pg_booking
from central import references
from central.store import PostgresStore
from tests.central.conftest import booking_body, citizen

pytestmark = pytest.mark.parametrize(
    "backend", [pytest.param("postgres", marks=pytest.mark.postgres)]
)

ID = "0000000{}-0000-4000-8000-000000000000"


@pytest.fixture
def statements(monkeypatch):
    """What the fast statement returned, one entry per time it ran (None: it booked nothing)."""
    ran: list[object] = []
    inner = PostgresStore._book_in_one_statement

    def spy(self, *args):
        made = inner(self, *args)
        ran.append(made)
        return made

    monkeypatch.setattr(PostgresStore, "_book_in_one_statement", spy)
    return ran


def _counts(c) -> tuple:
    q = c.central.store._conn().execute
    return (
        q("SELECT COUNT(*) FROM bookings").fetchone()[0],
        q("SELECT COALESCE(SUM(booked), 0) FROM slots").fetchone()[0],
        q("SELECT COUNT(*) FROM issued_references").fetchone()[0],
        q("SELECT COUNT(*) FROM requests_in_flight").fetchone()[0],
        q("SELECT COUNT(*) FROM notifications").fetchone()[0],
    )


def _scenario(c) -> list[tuple[int, str]]:
    """Booked, replayed, key reused, already booked, slot full, web (outbox): the answers."""
    a, b = citizen(21), citizen(22)
    first = booking_body(a, c.slot_id(), booking_id=ID.format(1))
    answers = [c.book(first), c.book(first)]
    changed = {**first, "phone": "0899999999"}
    answers.append(c.book(changed))
    answers.append(c.book(booking_body(a, c.slot_id(hour=13), booking_id=ID.format(2))))
    answers.append(c.book(booking_body(b, c.slot_id(), booking_id=ID.format(3))))
    web = booking_body(b, c.slot_id(hour=14), booking_id=ID.format(4), channel="web")
    answers.append(c.book(web, terminal="web-1"))
    text = [(r.status_code, r.text) for r in answers]
    refs = {r.json()["reference"]: f"REF{i}" for i, r in enumerate(answers) if r.status_code == 201}
    out = []
    for status, body in text:
        named = body
        for ref, name in refs.items():
            named = named.replace(ref, name)
        out.append((status, named))
    return out


def test_the_fast_path_answers_every_request_as_the_general_path(
    make_central, monkeypatch, statements
):
    fast = make_central(demo_capacity=1)
    fast_answers, fast_counts = _scenario(fast), _counts(fast)
    assert statements[0] is not None  # the first booking went through the one statement
    assert any(made is None for made in statements)  # and refusals went through it, writing none
    monkeypatch.setattr(pg_booking, "fast_path_applies", lambda new, site: False)
    ran = len(statements)
    general = make_central(demo_capacity=1)
    general_answers, general_counts = _scenario(general), _counts(general)
    assert len(statements) == ran  # the general path alone
    assert [s for s, _ in fast_answers] == [201, 200, 422, 409, 409, 201]
    assert fast_answers == general_answers
    assert fast_counts == general_counts
    assert json.loads(fast_answers[3][1])["code"] == "already-booked"
    assert json.loads(fast_answers[4][1])["code"] == "slot-full"


def test_a_colliding_reference_is_drawn_again_and_the_seat_counted_once(
    make_central, monkeypatch, statements
):
    c = make_central()
    taken = c.book(booking_body(citizen(23), c.slot_id())).json()["reference"]
    draws = iter([taken, "AAAA-BBBB-CCCC"])
    real = references.new_reference
    monkeypatch.setattr(references, "new_reference", lambda: next(draws, None) or real())
    before = _counts(c)
    r = c.book(booking_body(citizen(24), c.slot_id()))
    assert r.status_code == 201, r.text
    assert r.json()["reference"] != taken
    after = _counts(c)
    assert after[:3] == (before[0] + 1, before[1] + 1, before[2] + 1)


def test_twins_and_one_citizen_twice_at_once_make_one_booking(make_central):
    c = make_central()
    twin = booking_body(citizen(25), c.slot_id(), booking_id=ID.format(5))
    other_key = booking_body(citizen(25), c.slot_id(), booking_id=ID.format(6))
    bodies = [twin, twin, twin, other_key]
    barrier = threading.Barrier(len(bodies))
    answers: list = [None] * len(bodies)

    def go(i):
        barrier.wait()
        answers[i] = c.book(bodies[i])

    threads = [threading.Thread(target=go, args=(i,)) for i in range(len(bodies))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    codes = sorted(r.status_code for r in answers)
    made = [r for r in answers if r.status_code in (200, 201)]
    assert codes.count(201) == 1, [r.text for r in answers]
    assert all(r.status_code in (200, 201, 409) for r in answers)
    assert len({r.json()["reference"] for r in made}) == 1
    assert _counts(c)[:2] == (2, 2)  # the demo's seeded booking and this one
