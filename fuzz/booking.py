"""Fuzz the booking JSON the central accepts: the fast path's parse and the route, over ASGI.

Two layers, the same input:

- the fast path's own parse and validate (`central.fast_bookings._plain_request` with the
  headers a terminal sends): a request or None ("let the route answer"), never an exception
  (it runs outside FastAPI's handlers); the route's `BookingIn | SealedBookingIn` models: a
  booking or a pydantic/JSON ValueError, which FastAPI turns into 400/422;
- the real central app (SQLite, demo data, a fixed Tuesday morning), called in process through
  Starlette's test client with the body as `POST /v1/bookings` from an enrolled kiosk: any status
  of 500 or more, or a refusal that is not problem+json with `code`, `th` and `en`, is a finding.

Seeds: real booking bodies (bench/_bodies.py's builder) for the demo people, valid slots, a
provisional route, a web booking, a changed phone, a lease reference.
"""

from __future__ import annotations

import json
import sys
import tempfile
from datetime import datetime
from pathlib import Path

import atheris

with atheris.instrument_imports(include=["central", "kiosk"]):
    from pydantic import ValidationError

    from central import fast_bookings
    from central.app import create_app
    from central.service import Central
    from central.settings import Settings

import asyncio

from fuzz.harness import NESTED, Finding, json_text, main, refused_or_result
from kiosk.dates import BANGKOK
from kiosk.demo_people import demo_people

NOW = datetime(2021, 6, 1, 10, 0, tzinfo=BANGKOK)
SLOT = "scg-bang-sue-20210602-1100"
_DIR = Path(tempfile.mkdtemp(prefix="fuzz-booking-"))
_SETTINGS = Settings(db=_DIR / "central.db", clock=lambda: NOW, demo=True, verify_interval=0)
_CENTRAL = Central(_SETTINGS)
_APP = create_app(_SETTINGS, _CENTRAL)
_CENTRAL.start()  # what the app's lifespan does, once for the whole run
_LOOP = asyncio.new_event_loop()
_TOKEN = _CENTRAL.store.issue_token("fuzz-1", "store-1", "kiosk", NOW)


def _key(body: bytes) -> str:
    try:
        value = json.loads(body).get("booking_id")
    except (ValueError, AttributeError, RecursionError):
        return "00000000-0000-4000-8000-000000000000"
    return value if isinstance(value, str) and value.isascii() and value.isprintable() else "k"


def fast_path(body: bytes) -> object:
    """The fast path's own look at the request: it must answer "mine" or "the route's" (None),
    never raise: it runs outside FastAPI's exception handlers, where an exception is a bare 500
    or a dropped connection instead of a problem document."""
    headers = [
        (b"content-type", b"application/json"),
        (b"authorization", f"Bearer {_TOKEN}".encode()),
        (b"idempotency-key", _key(body).encode()),
    ]
    scope = {"type": "http", "method": "POST", "path": fast_bookings.PATH, "headers": headers}
    try:
        return fast_bookings._plain_request(scope, body)
    except Exception as exc:
        raise Finding(f"the fast path raised {type(exc).__name__}: {exc}"[:200]) from exc


def route_models(body: bytes) -> object:
    """The route's models, as FastAPI validates the body: a booking, or a ValueError (422).

    A body too deeply nested to parse never reaches the models: FastAPI's own body parsing
    answers it 400 (`post` checks that answer), so it is not this layer's finding."""
    try:
        document = json.loads(body)
    except RecursionError:
        return None
    return fast_bookings._body.validate_python(document)


async def _asgi(body: bytes) -> tuple[int, dict[bytes, bytes], bytes]:
    """One HTTP request to the app, as uvicorn hands it over (no socket: the app is the target)."""
    headers = [
        (b"host", b"127.0.0.1"),
        (b"authorization", f"Bearer {_TOKEN}".encode()),
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
        (b"idempotency-key", _key(body).encode()),
    ]
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/v1/bookings",
        "raw_path": b"/v1/bookings",
        "query_string": b"",
        "root_path": "",
        "headers": headers,
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
        "state": {},
    }
    sent = False
    start: dict = {}
    chunks: list[bytes] = []

    async def receive() -> dict:
        nonlocal sent
        if sent:
            await asyncio.sleep(3600)
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: dict) -> None:
        if message["type"] == "http.response.start":
            start.update(message)
        elif message["type"] == "http.response.body":
            chunks.append(message.get("body", b""))

    await _APP(scope, receive, send)
    return start["status"], dict(start.get("headers", [])), b"".join(chunks)


def post(body: bytes) -> None:
    status, headers, text = _LOOP.run_until_complete(_asgi(body))
    if status >= 500:
        raise Finding(f"{status}: {text[:300]!r}")
    if status >= 400:
        problem = json.loads(text)
        if headers[b"content-type"] != b"application/problem+json" or not all(
            isinstance(problem.get(k), str) and problem[k] for k in ("code", "th", "en")
        ):
            raise Finding(f"a refusal that is not a bilingual problem: {text[:300]!r}")


def test_one_input(data: bytes) -> None:
    data = json_text(data)
    fast_path(data)
    refused_or_result(lambda: route_models(data), ValidationError, ValueError)
    post(data)


def seeds() -> list[bytes]:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
    from _bodies import booking_body, make_cid

    out = []
    people = demo_people(NOW.date())
    for i, person in enumerate(people):
        body = booking_body(
            f"00000000-0000-4000-8000-{i:012d}",
            "web" if i % 4 == 3 else "kiosk",
            SLOT if i % 2 else SLOT.replace("1100", "1400"),
            person.card,
            confirmed_at=NOW.isoformat(),
        )
        body["answers"] = {
            "conditions": list(person.answers.get("conditions", [])),
            "works_in_bangkok": person.answers.get("works_in_bangkok"),
        }
        out.append(json.dumps(body, ensure_ascii=False).encode())
    other = json.loads(out[0])
    other["citizen"] = {**other["citizen"], "cid": make_cid(7)}
    other["phone"] = "0898765432"
    other["occupation"] = {"code": "other", "other": "ช่างซ่อมรถ"}
    other["lease"] = {"lease_id": "L-1", "reference": "TRJ-ABCD-2345"}
    out.append(json.dumps(other, ensure_ascii=False).encode())
    out.append(bytes([NESTED, 0, 3, 0]) + out[0])  # a booking inside three arrays
    return out


if __name__ == "__main__":
    main(test_one_input, seeds)
