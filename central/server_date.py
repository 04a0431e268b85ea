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

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_date(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [h for h in message.get("headers", []) if h[0].lower() != b"date"]
                now = self.clock().astimezone(UTC)
                headers.append((b"date", format_datetime(now, usegmt=True).encode()))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_date)
