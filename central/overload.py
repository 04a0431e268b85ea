"""Bounded admission: past a number of requests in flight, answer 503 at once.

On the programme's first day 1.2 million people booked; a central that queues every request
without bound answers all of them late, and terminals time out on requests that may still succeed
(the worst case for a booking). Refusing the excess immediately with `Retry-After` keeps latency
bounded for the admitted ones, and a terminal's journal simply retries later.

A pure ASGI middleware (not Starlette's BaseHTTPMiddleware, which costs a task per request); the
counter needs no lock because the event loop runs one coroutine at a time.
"""

from __future__ import annotations

import json

from starlette.types import ASGIApp, Receive, Scope, Send

from central.errors import Overloaded
from central.problems import MEDIA_TYPE, TYPE_BASE


class AdmissionLimit:
    def __init__(self, app: ASGIApp, *, limit: int, retry_after: int) -> None:
        self.app = app
        self.limit = limit
        self.retry_after = retry_after
        self.in_flight = 0
        self.refused = 0
        err = Overloaded(retry_after)
        self._body = json.dumps(
            {
                "type": TYPE_BASE + err.code,
                "title": err.title,
                "status": err.status,
                "detail": err.en,
                "code": err.code,
                "th": err.th,
                "en": err.en,
            },
            ensure_ascii=False,
        ).encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if self.in_flight >= self.limit:
            self.refused += 1
            await send(
                {
                    "type": "http.response.start",
                    "status": 503,
                    "headers": [
                        (b"content-type", MEDIA_TYPE.encode()),
                        (b"content-length", str(len(self._body)).encode()),
                        (b"retry-after", str(self.retry_after).encode()),
                    ],
                }
            )
            await send({"type": "http.response.body", "body": self._body})
            return
        self.in_flight += 1
        try:
            await self.app(scope, receive, send)
        finally:
            self.in_flight -= 1
