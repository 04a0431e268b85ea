"""POST /v1/bookings through central/fast_bookings.py against FastAPI's route.

The middleware must answer exactly what the route answers (status, body, headers) and leave the
same rows, and hand to the route whatever it does not take. Each test runs the same requests
with `fast_bookings` on and off and compares, with the references (random) put back to names;
a spy on `fast_bookings.book` shows which requests the middleware took.
"""

from __future__ import annotations

import json
import threading

import pytest
import requests

import central.fast_bookings as fast_bookings
from tests.central.conftest import booking_body, citizen

pytestmark = pytest.mark.parametrize(
    "backend", [pytest.param("postgres", marks=pytest.mark.postgres)]
)

ID = "0000001{}-0000-4000-8000-000000000000"


@pytest.fixture
def taken(monkeypatch):
    """The booking ids the middleware booked (or refused) itself, in order."""
    ran: list[str] = []
    inner = fast_bookings.book

    def spy(central, token, plain, booking, fingerprint):
        ran.append(booking.booking_id)
        return inner(central, token, plain, booking, fingerprint)

    monkeypatch.setattr(fast_bookings, "book", spy)
    return ran


def _counts(c) -> tuple:
    q = c.central.store._conn().execute
    return tuple(
        q(sql).fetchone()[0]
        for sql in (
            "SELECT COUNT(*) FROM bookings",
            "SELECT COALESCE(SUM(booked), 0) FROM slots",
            "SELECT COUNT(*) FROM issued_references",
            "SELECT COUNT(*) FROM requests_in_flight",
            "SELECT COUNT(*) FROM notifications",
        )
    )


def _post(c, body, headers) -> requests.Response:
    data = body if isinstance(body, (bytes, str)) else json.dumps(body)
    headers = {"Content-Type": "application/json", **headers}
    return requests.post(c.url("/v1/bookings"), data=data, headers=headers, timeout=30)


def _scenario(c) -> list[tuple]:
    """Every kind of answer POST /v1/bookings gives, in one sequence; (status, headers, body)."""
    a, b, d = citizen(31), citizen(32), citizen(33)
    auth = c.auth()
    first = booking_body(a, c.slot_id(), booking_id=ID.format(1))
    key = {"Idempotency-Key": first["booking_id"]}
    wrong = {"Authorization": "Bearer not-a-token"}
    answers = [
        _post(c, first, {**auth, **key}),  # 201
        _post(c, first, {**auth, **key}),  # 200 replay
        _post(c, {**first, "phone": "0899999999"}, {**auth, **key}),  # 422 key reused
        _post(c, booking_body(a, c.slot_id(hour=13), booking_id=ID.format(2)),
              {**auth, "Idempotency-Key": ID.format(2)}),  # 409 already booked
        _post(c, booking_body(b, c.slot_id(), booking_id=ID.format(3)),
              {**auth, "Idempotency-Key": ID.format(3)}),  # 409 slot full (+ alternatives)
        _post(c, booking_body(b, c.slot_id(hour=14), booking_id=ID.format(4), channel="web"),
              {**c.auth("web-1"), "Idempotency-Key": ID.format(4)}),  # 201 with an outbox row
        _post(c, booking_body(d, c.slot_id(hour=15), booking_id=ID.format(5), channel="web"),
              {**auth, "Idempotency-Key": ID.format(5)}),  # 403 channel not allowed
        _post(c, booking_body(d, c.slot_id(hour=15), booking_id=ID.format(6)),
              {**wrong, "Idempotency-Key": ID.format(6)}),  # 401, nothing claimed
        _post(c, booking_body(d, c.slot_id(hour=15), booking_id=ID.format(7)),
              {**wrong}),  # 401 before the missing key (the route's order)
        _post(c, booking_body(d, c.slot_id(hour=15), booking_id=ID.format(8)),
              {**auth}),  # 400 idempotency-key-missing
        _post(c, booking_body(d, c.slot_id(hour=15), booking_id=ID.format(9)),
              {**auth, "Idempotency-Key": ID.format(1)}),  # 400 idempotency-key-mismatch
        _post(c, {**first, "channel": "fax"}, {**auth, **key}),  # 422 validation (FastAPI's)
        _post(c, b"{not json", {**auth, **key}),  # 422 bad JSON
        _post(c, booking_body(d, "no-such-slot", booking_id=ID.format(0)),
              {**auth, "Idempotency-Key": ID.format(0)}),  # 422 unknown slot
    ]  # fmt: skip
    refs = {r.json()["reference"]: f"REF{i}" for i, r in enumerate(answers) if r.status_code == 201}
    out = []
    for r in answers:
        text = r.text + "\n" + json.dumps(sorted(r.headers.items()))
        for ref, name in refs.items():
            text = text.replace(ref, name)
        out.append((r.status_code, text))
    return out


def test_the_middleware_answers_every_request_as_the_route(make_central, monkeypatch, taken):
    fast = make_central(demo_capacity=1)
    fast_answers, fast_counts = _scenario(fast), _counts(fast)
    # it took the plain bookings with a bearer token and a matching key, and nothing else
    assert taken == [ID.format(n) for n in (1, 1, 1, 2, 3, 4, 5, 6, 0)]
    ran = len(taken)
    general = make_central(demo_capacity=1, fast_bookings=False)
    general_answers, general_counts = _scenario(general), _counts(general)
    assert len(taken) == ran  # the route alone
    statuses = [s for s, _ in fast_answers]
    assert statuses == [201, 200, 422, 409, 409, 201, 403, 401, 401, 400, 400, 422, 422, 422]
    assert fast_answers == general_answers
    assert fast_counts == general_counts
    assert fast_counts[3] == 0  # no claim left behind, not even by the 401s
    assert "slot-full" in fast_answers[4][1] and '"alternatives"' in fast_answers[4][1]
    assert "etag" in fast_answers[0][1] and "location" in fast_answers[0][1]


def test_a_revoked_token_books_nothing_and_claims_nothing(make_central, taken):
    c = make_central()
    body = booking_body(citizen(34), c.slot_id())
    token = c.tokens["kiosk-1"]
    c.central.store._conn().execute(
        "UPDATE terminals SET token_hash = NULL WHERE terminal_id = 'kiosk-1'"
    )
    before = _counts(c)
    r = _post(c, body, {"Authorization": f"Bearer {token}", "Idempotency-Key": body["booking_id"]})
    assert r.status_code == 401, r.text
    assert r.json()["code"] == "unauthorized"
    assert taken == [body["booking_id"]]
    assert _counts(c) == before


def test_the_same_key_twice_at_once_is_one_booking_and_one_request_in_flight(make_central, taken):
    c = make_central(booking_delay=0.5)
    body = booking_body(citizen(35), c.slot_id())
    barrier = threading.Barrier(2)
    answers: list = [None, None]

    def go(i):
        barrier.wait()
        answers[i] = c.book(body)

    threads = [threading.Thread(target=go, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(r.status_code for r in answers) == [201, 409], [r.text for r in answers]
    refused = next(r for r in answers if r.status_code == 409)
    assert refused.json()["code"] == "request-in-flight"
    assert taken == [body["booking_id"]] * 2
    assert _counts(c)[3] == 0  # both claims ended
    assert c.book(body).status_code == 200  # and the key answers the booking again


# Found by fuzz/booking.py (docs/faults.md): JSON nested a few thousand deep made the fast
# path's json.loads raise RecursionError outside FastAPI's handlers: a bare 500 on PostgreSQL
# where the route (SQLite) answered 400. The fuzzer's input: 01 34 04 fb 1c 38, that is:
FUZZ_CRASH_DEEP_BODY = b'{"a":' * 3316 + b"\x1c8" + b"}" * 3316


@pytest.mark.parametrize("body", [FUZZ_CRASH_DEEP_BODY, b"[" * 5000 + b"]" * 5000])
def test_a_body_nested_thousands_deep_is_a_clean_refusal(central, body):
    headers = {
        **central.auth(),
        "Content-Type": "application/json",
        "Idempotency-Key": "00000000-0000-4000-8000-000000000001",
    }
    answer = requests.post(central.url("/v1/bookings"), data=body, headers=headers, timeout=30)
    assert answer.status_code == 400, answer.text[:300]
    assert answer.headers["Content-Type"] == "application/problem+json"
    problem = answer.json()
    assert problem["code"] == "bad-request" and problem["th"] and problem["en"]
