"""`PUT /v1/terminals/me/health` as a plain ASGI endpoint in front of FastAPI's router.

13,000 terminals report every 60 s: 217 requests a second that must cost the central under 20 %
of one core (DESIGN §9), the API and the database together. Profiled (bench/fleet.py
--profile), FastAPI's routing and dependency solving, two thread hand-offs (token check, then
write) and a model dump cost more than the report's own work. This serves the one hot route
directly: one `model_validate_json` of the raw body, the token check folded into the write
(on PostgreSQL one statement, store/pg_health.py), the reports of 50 ms written together
(`Batcher`: one hand-off and one commit for all), a bare 204. Everything else
goes to the FastAPI app untouched, and the FastAPI route (routes_health.py) stays: it documents
the contract in the OpenAPI document and serves the same `accept` when this is not installed.

Every check of the route holds, in the same order a client sees: no bearer token → 401 before
the body is read; over 1 KB → 413 without reading the rest; malformed → 422; none of them
stores anything; an unknown or revoked token → 401 whatever the body (a bad body is only
reported to a terminal whose token is live).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from datetime import datetime

from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError
from starlette.types import ASGIApp, Receive, Scope, Send

from central.errors import CentralError, StoreError, Unauthorized
from central.models_health import MAX_REPORT_BYTES, HealthIn
from central.problems import database_unavailable, from_error, validation_response
from central.service import Central

PATH = "/v1/terminals/me/health"
log = logging.getLogger("central.health")


class ReportTooLarge(CentralError):
    status = 413
    code = "health-report-too-large"
    title = "Health report too large"

    def __init__(self) -> None:
        super().__init__(
            "รายงานสถานะเครื่องมีขนาดเกิน 1 KB",
            f"A health report is at most {MAX_REPORT_BYTES} bytes; nothing was stored.",
        )


def bearer(authorization: str | None) -> str | None:
    """The token of an `Authorization: Bearer …` header (as FastAPI's HTTPBearer reads it)."""
    if not authorization:
        return None
    scheme, _, token = authorization.partition(" ")
    if not scheme or not token or scheme.lower() != "bearer":
        return None
    return token


class Batcher:
    """Group commit of health reports: the reports that arrive within `window` seconds (at
    most `most`) are written in one transaction, one thread hand-off and one commit for all
    (on PostgreSQL one round trip, store/pg_health.py). Each request is answered 204 only
    after that commit: a report is durable when acknowledged, as one written alone. A
    heartbeat waits up to `window` longer for its answer; nobody is waiting on it."""

    def __init__(self, central: Central, window: float = 0.05, most: int = 128) -> None:
        self.central = central
        self.window = window
        self.most = most
        self._pending: list[tuple[str, dict, datetime, asyncio.Future]] = []
        self._timer: asyncio.TimerHandle | None = None
        self._writing: set[asyncio.Task] = set()

    async def put(self, token: str, data: dict, now: datetime) -> str | None:
        loop = asyncio.get_running_loop()
        done = loop.create_future()
        self._pending.append((token, data, now, done))
        if len(self._pending) >= self.most:
            self._flush()
        elif self._timer is None:
            self._timer = loop.call_later(self.window, self._flush)
        return await done

    def _flush(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        batch, self._pending = self._pending, []
        if batch:
            task = asyncio.ensure_future(self._write(batch))
            self._writing.add(task)
            task.add_done_callback(self._writing.discard)

    async def _write(self, batch: list[tuple[str, dict, datetime, asyncio.Future]]) -> None:
        items = [(token, data, now) for token, data, now, _ in batch]
        try:
            stored = await self.central.write(lambda: self.central.store.put_health_batch(items))
        except Exception as exc:  # noqa: BLE001 - every waiter hears it (StoreError: 503)
            for *_, done in batch:
                if not done.done():
                    done.set_exception(exc)
            return
        for (*_, done), terminal_id in zip(batch, stored, strict=True):
            if not done.done():  # a client that went away has cancelled its wait
                done.set_result(terminal_id)


async def accept(
    central: Central,
    token: str | None,
    declared: str | None,
    chunks: AsyncIterator[bytes],
    batcher: Batcher | None = None,
) -> None:
    """Store the report of the terminal whose token this is (through `batcher` when given),
    or raise the refusal."""
    if token is None:
        raise Unauthorized()
    try:
        raw = await _body(declared, chunks)
        report = HealthIn.model_validate_json(raw)
    except (ReportTooLarge, ValidationError) as exc:
        # refused: but a client without a live token hears 401, as on every other route
        if await central.read(lambda: central.store.terminal_for_token(token)) is None:
            raise Unauthorized() from None
        if isinstance(exc, ValidationError):
            errors = exc.errors(include_url=False, include_input=False)
            raise RequestValidationError(errors) from None
        raise
    now = central.now()
    data = report.model_dump(mode="json")
    if batcher is not None:
        stored = await batcher.put(token, data, now)
    else:
        stored = await central.write(lambda: central.store.put_health_for_token(token, data, now))
    if stored is None:
        raise Unauthorized()
    log.debug("health report from %s", stored)


async def _body(declared: str | None, chunks: AsyncIterator[bytes]) -> bytes:
    if declared is not None and declared.isdigit() and int(declared) > MAX_REPORT_BYTES:
        raise ReportTooLarge()
    body = b""
    async for chunk in chunks:
        body += chunk
        if len(body) > MAX_REPORT_BYTES:
            raise ReportTooLarge()
    return body


class HealthEndpoint:
    """ASGI middleware: serves `PUT PATH` itself, passes every other request on."""

    def __init__(self, app: ASGIApp, *, central: Central, window: float = 0.05) -> None:
        self.app = app
        self.central = central
        self.batcher = Batcher(central, window=window)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] != PATH or scope["method"] != "PUT":
            await self.app(scope, receive, send)
            return
        authorization = declared = None
        for name, value in scope["headers"]:
            if name == b"authorization" and authorization is None:
                authorization = value.decode("latin-1")
            elif name == b"content-length" and declared is None:
                declared = value.decode("latin-1")

        async def chunks() -> AsyncIterator[bytes]:
            while True:
                message = await receive()
                if message["type"] == "http.disconnect":
                    return
                yield message.get("body", b"")
                if not message.get("more_body", False):
                    return

        try:
            token = bearer(authorization)
            await accept(self.central, token, declared, chunks(), self.batcher)
        except CentralError as exc:
            await from_error(exc)(scope, receive, send)
            return
        except RequestValidationError as exc:
            await validation_response(exc)(scope, receive, send)
            return
        except StoreError as exc:
            await database_unavailable(exc)(scope, receive, send)
            return
        await send({"type": "http.response.start", "status": 204, "headers": []})
        await send({"type": "http.response.body", "body": b""})
