"""The sender against the loopback fake gateway in each mode, on both stores, with the clock
set by the test: backoff timing, Retry-After, dead after the limit, a refused token waiting."""

from __future__ import annotations

import random
import socket
from datetime import datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from central.notify.gateway import HttpJsonGateway, international
from central.notify.sender import RetryPolicy, Sender
from tests.central.conftest import booking_body, citizen
from tests.central.notify.conftest import TOKEN, rows, sealed_body

POLICY = RetryPolicy(base=30, cap=3600, max_attempts=3)


def queue(central, n=1, start=1):
    """`n` queued bookings replayed (each writes one `confirmed` row)."""
    for i in range(start, start + n):
        body = booking_body(citizen(i), central.slot_id(), phone=f"08{i:08d}")
        r = central.book(sealed_body(central, body))
        assert r.status_code == 201, r.text


def sender(central, gateway, timeout=2.0, **kw):
    kw.setdefault("policy", POLICY)
    return Sender(
        central.central.store,
        HttpJsonGateway(gateway.url, TOKEN, timeout),
        central.clock,
        rng=random.Random(7),
        send_timeout=timeout,
        **kw,
    )


def _at(text):
    return datetime.fromisoformat(text)


def test_ok_sends_once_with_the_event_id_and_blanks_the_phone(central, gateway):
    queue(central)
    s = sender(central, gateway)
    assert s.drain() == 1
    assert s.drain() == 0
    [row] = rows(central)
    assert row.state == "sent" and row.phone == "" and row.sent_at is not None
    [message] = gateway.snapshot()
    assert message["id"] == row.event_id and message["to"] == "+66800000001"
    assert message["text"] == row.text
    assert (
        central.central.store.booking_by_id(
            central.central.store.booking_by_reference(row.reference).booking_id
        ).phone
        == "0800000001"
    )  # the booking keeps the number; the outbox row does not


def test_refusals_back_off_exponentially_with_jitter_then_the_row_is_dead(central, gateway):
    queue(central)
    gateway.mode = "refuse"
    s = sender(central, gateway)
    waits = []
    for attempt in (1, 2):
        assert s.drain() == 1
        [row] = rows(central)
        assert (row.state, row.attempts, row.last_error) == ("pending", attempt, "http 500")
        wait = (_at(row.next_attempt_at) - central.clock.now).total_seconds()
        ceiling = min(3600, 30 * 2 ** (attempt - 1))
        assert ceiling / 2 - 1 <= wait <= ceiling, (attempt, wait)
        waits.append(wait)
        assert s.drain() == 0  # not due yet
        central.clock.now = _at(row.next_attempt_at)
    assert s.drain() == 1
    [row] = rows(central)
    assert (row.state, row.attempts, row.phone) == ("dead", 3, "")
    assert gateway.stats["500"] == 3 and gateway.snapshot() == []
    assert waits[1] > waits[0]


def test_a_timeout_is_retried(central, gateway):
    queue(central)
    gateway.mode, gateway.delay = "timeout", 1.5
    assert sender(central, gateway, timeout=0.3).drain() == 1
    [row] = rows(central)
    assert (row.state, row.last_error) == ("pending", "timeout")


def test_a_refused_connection_is_retried(central, gateway):
    queue(central)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # closed again: nothing listens there
    s = Sender(
        central.central.store,
        HttpJsonGateway(f"http://127.0.0.1:{port}/send", TOKEN, 1.0),
        central.clock,
        policy=POLICY,
    )
    assert s.drain() == 1
    [row] = rows(central)
    assert row.state == "pending" and row.last_error.startswith("connection")


def test_retry_after_is_honoured_and_a_429_is_not_a_failed_attempt(central, gateway):
    queue(central)
    gateway.mode, gateway.retry_after = "rate-limit", 120
    s = sender(central, gateway)
    for _ in range(5):  # more 429s than max_attempts: still not dead
        assert s.drain() == 1
        [row] = rows(central)
        assert (row.state, row.attempts) == ("pending", 0)
        assert _at(row.next_attempt_at) == central.clock.now + timedelta(seconds=120)
        central.clock.advance(seconds=119)
        assert s.drain() == 0
        central.clock.advance(seconds=1)
    gateway.mode = "ok"
    assert s.drain() == 1
    assert rows(central)[0].state == "sent" and len(gateway.snapshot()) == 1


def test_a_refused_token_keeps_the_rows_waiting_until_the_token_is_fixed(central, gateway, caplog):
    """401 says our token is wrong, not the message: no row fails, none is counted, the pass
    stops at the first refusal, and once the token is right they are all sent."""
    queue(central, 3)
    gateway.mode = "ok"  # a wrong token is refused in any mode
    wrong = Sender(
        central.central.store,
        HttpJsonGateway(gateway.url, "not-the-token", 2.0),
        central.clock,
        policy=POLICY,
    )
    for _ in range(POLICY.max_attempts + 2):  # more passes than a failing row would survive
        with caplog.at_level("ERROR", logger="central.notify"):
            assert wrong.drain() == 0
        assert {(r.state, r.attempts, r.phone != "") for r in rows(central)} == {
            ("pending", 0, True)
        }
        assert gateway.stats.get("401") == 1 + _, "one request per pass, not one per row"
        central.clock.advance(seconds=61)
    assert all(r.last_error.startswith(("http 401", "not tried")) for r in rows(central))
    assert "refused our token" in caplog.text and "080000000" not in caplog.text
    assert gateway.snapshot() == []
    assert sender(central, gateway).drain() == 3
    assert {r.state for r in rows(central)} == {"sent"}
    assert len(gateway.snapshot()) == 3


def test_a_message_the_gateway_rejects_fails_at_once_and_the_others_go_on(central, gateway):
    queue(central, 2)
    gateway.mode = "reject"
    assert sender(central, gateway).drain() == 2
    assert {(r.state, r.attempts, r.phone, r.last_error) for r in rows(central)} == {
        ("failed", 1, "", "http 400")
    }


def test_a_refused_token_does_not_keep_a_row_past_a_day(central, gateway):
    queue(central)
    gateway.mode = "bad-token"
    s = sender(central, gateway)
    assert s.drain() == 0
    assert rows(central)[0].state == "pending"
    central.clock.advance(hours=24)
    assert s.drain() == 0
    assert (rows(central)[0].state, rows(central)[0].phone) == ("dead", "")


def test_a_row_older_than_a_day_is_dead_whatever_its_attempts(central, gateway):
    queue(central)
    gateway.mode = "refuse"
    s = sender(central, gateway, policy=RetryPolicy(max_attempts=100))
    assert s.drain() == 1
    central.clock.advance(hours=24)
    assert s.drain() == 1
    assert rows(central)[0].state == "dead"


@given(
    attempts=st.integers(min_value=1, max_value=60),
    base=st.floats(min_value=0.1, max_value=600),
    cap=st.floats(min_value=1, max_value=7200),
    seed=st.integers(0, 2**32),
)
def test_the_backoff_stays_between_half_its_ceiling_and_the_ceiling(attempts, base, cap, seed):
    policy = RetryPolicy(base=base, cap=cap)
    ceiling = min(cap, base * 2 ** (attempts - 1))
    delay = policy.delay(attempts, random.Random(seed))
    assert ceiling / 2 <= delay <= ceiling <= cap


def test_numbers_are_sent_in_international_form():
    assert international("0812345678") == "+66812345678"
    assert international("+66812345678") == "+66812345678"
    assert international("66812345678") == "+66812345678"
