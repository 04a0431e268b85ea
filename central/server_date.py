"""The HTTP `Date` header from the central's own clock.

Terminals take their clock offset from `Date` (their own clocks drift, and channel hours are judged
by the central's time). A central on a test or staging clock (`--now`) must therefore say its own
time there, not the host's, or every terminal would compute a wrong offset. uvicorn's default Date
header is switched off (`date_header=False`) wherever a server is started.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from email.utils import format_datetime

from starlette.types import ASGIApp, Message, Receive, Scope, Send


class ServerDate:
    def __init__(self, app: ASGIApp, *, clock: Callable[[], datetime]) -> None:
        self.app = app
        self.clock = clock
        self._second = -1.0
        self._value = b""

    def _date(self) -> bytes:
        """The header value, formatted once per second: at 500 requests a second this is hot."""
        now = self.clock()
        second = now.timestamp() // 1
        if second != self._second:
            self._second = second
            self._value = format_datetime(now.astimezone(UTC), usegmt=True).encode()
        return self._value

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_date(message: Message) -> None:
            if message["type"] == "http.response.start":
                # the app never sets Date itself (uvicorn's is off), so it is simply added
                message["headers"] = [*message.get("headers", ()), (b"date", self._date())]
            await send(message)

        await self.app(scope, receive, send_with_date)
