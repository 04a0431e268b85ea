"""bench/day_one.py's simulated terminal keeps the rules of sync/ that decide the replay wave:
one Idempotency-Key per booking across every retry, a 503's Retry-After honoured (in wall
seconds: it is the central's real load), the breaker opened by failures so that the next
customer is queued without a request. Against a scripted central on loopback."""

from __future__ import annotations

import asyncio
import json
import socket
import time

from _day_bodies import Bodies
from _day_curve import Scale
from _day_fleet import Fleet, Terminal
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import x25519

from kiosk.keys import b64


def _bodies() -> Bodies:
    public = x25519.X25519PrivateKey.generate().public_key()
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return Bodies([("slot-1", 0, 0)], seed=1, sealing_key_b64=b64(raw))


class ScriptedCentral:
    """Answers POST /v1/bookings from a script of statuses; records what it was sent."""

    def __init__(self, statuses: list[int]) -> None:
        self.statuses = statuses
        self.seen: list[tuple[float, str, dict]] = []  # (time, Idempotency-Key, body)

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while True:
            try:
                head = await reader.readuntil(b"\r\n\r\n")
            except asyncio.IncompleteReadError:
                break
            headers = dict(
                line.split(": ", 1) for line in head.decode().split("\r\n")[1:] if ": " in line
            )
            body = json.loads(await reader.readexactly(int(headers["Content-Length"])))
            self.seen.append((time.monotonic(), headers["Idempotency-Key"], body))
            status = self.statuses.pop(0) if self.statuses else 201
            reply = json.dumps({"status": "confirmed"} if status == 201 else {}).encode()
            extra = "Retry-After: 1\r\n" if status == 503 else ""
            writer.write(
                f"HTTP/1.1 {status} X\r\nContent-Length: {len(reply)}\r\n{extra}\r\n".encode()
                + reply
            )
            await writer.drain()
        writer.close()


def _fleet(port: int) -> Fleet:
    return Fleet(port, Scale(60, 100), _bodies(), seed=1, interval=1.0)


def test_a_queued_booking_is_replayed_under_one_key_honouring_retry_after() -> None:
    async def scenario() -> tuple[ScriptedCentral, Fleet]:
        central = ScriptedCentral([503, 503, 503])
        server = await asyncio.start_server(central.handle, "127.0.0.1", 0)
        fleet = _fleet(server.sockets[0].getsockname()[1])
        terminal = Terminal(fleet, 0, "tok", [])
        fleet.terminals = [terminal]
        terminal._enqueue(fleet.bodies.body(7, "kiosk"))
        replay = asyncio.ensure_future(terminal.replay())
        started = time.monotonic()
        while terminal.queue or terminal.sending:
            await asyncio.sleep(0.05)
            assert time.monotonic() - started < 15
        fleet.stopping = True
        terminal.wake.set()
        await replay
        server.close()
        return central, fleet

    central, fleet = asyncio.run(scenario())
    keys = {key for _, key, _ in central.seen}
    assert len(central.seen) == 4 and len(keys) == 1  # three 503s, then the 201
    assert all(set(body) == {"booking_id", "sealed"} for _, _, body in central.seen)
    gaps = [b[0] - a[0] for a, b in zip(central.seen, central.seen[1:], strict=False)]
    assert all(gap >= 0.95 for gap in gaps), gaps  # Retry-After: 1, never sooner
    assert fleet.rec.outcomes["replay confirmed"] == 1 and keys == set(fleet.rec.created)


def test_an_unreachable_central_opens_the_breaker_and_the_next_customer_is_queued_at_once():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again: connections are refused

    async def scenario() -> Fleet:
        fleet = _fleet(port)
        terminal = Terminal(fleet, 0, "tok", [])
        fleet.terminals = [terminal]
        await terminal.customer(1, None)
        started = time.monotonic()
        await terminal.customer(2, None)
        assert time.monotonic() - started < 0.1  # no waiting on a central known to be down
        return fleet

    fleet = asyncio.run(scenario())
    outcomes = fleet.rec.outcomes
    assert outcomes["kiosk queued: no answer"] == 1
    assert outcomes["kiosk queued: breaker open"] == 1
    assert len(fleet.rec.requests) == 3  # the first customer's three attempts, none for the second
    assert len(fleet.terminals[0].queue) == 2
