"""A small asyncio HTTP/1.1 client for bench/day_one.py: thousands of simulated clients in one
process, each with its own connection, as the real fleet has.

`requests` (what the kiosk uses) needs a thread per client; 2,000 terminals plus web and app
users would cost the shared two cores more than the central they measure. This speaks just
enough HTTP/1.1 for the central (Content-Length bodies, keep-alive) and tells apart the two
failures the kiosk's client tells apart (sync/client.py): the connection was never made (the
central provably did not get the request) and the request may have reached it.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from typing import Any


class Unreachable(Exception):
    """No answer. `reached`: the request may have arrived (a read failed after sending)."""

    def __init__(self, why: str, *, reached: bool) -> None:
        super().__init__(why)
        self.reached = reached
        self.retry_after: float | None = None  # a 429/503's, when the central gave one


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        try:
            return json.loads(self.body) if self.body else None
        except ValueError:
            return None


class Connection:
    """One keep-alive connection, reopened when the server has closed it."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None

    def close(self) -> None:
        if self._writer is not None:
            self._writer.close()
        self._reader = self._writer = None

    async def _open(self, timeout: float) -> None:
        reader, writer = self._reader, self._writer
        alive = reader is not None and writer is not None
        if alive and not reader.at_eof() and not writer.is_closing():
            return  # still open: keep-alive
        self.close()
        try:
            self._reader, self._writer = await asyncio.wait_for(
                asyncio.open_connection(self.host, self.port), timeout
            )
        except (OSError, TimeoutError) as exc:
            raise Unreachable(f"connect: {type(exc).__name__}", reached=False) from None

    async def post(self, path: str, body: bytes, headers: dict[str, str], timeout: float) -> Reply:
        await self._open(timeout)
        assert self._writer is not None and self._reader is not None
        lines = [f"POST {path} HTTP/1.1", f"Host: {self.host}:{self.port}"]
        lines += [f"{k}: {v}" for k, v in headers.items()]
        lines += ["Content-Type: application/json", f"Content-Length: {len(body)}", "", ""]
        try:
            self._writer.write("\r\n".join(lines).encode() + body)
            return await asyncio.wait_for(self._read(), timeout)
        except (OSError, TimeoutError, asyncio.IncompleteReadError, ValueError) as exc:
            self.close()
            raise Unreachable(f"read: {type(exc).__name__}", reached=True) from None
        except BaseException:
            self.close()  # never leave a half-read answer for the next request to take
            raise

    async def _read(self) -> Reply:
        assert self._reader is not None
        head = await self._reader.readuntil(b"\r\n\r\n")
        status_line, *header_lines = head.decode("latin-1").split("\r\n")
        status = int(status_line.split(" ", 2)[1])
        headers: dict[str, str] = {}
        for line in header_lines:
            if ":" in line:
                name, value = line.split(":", 1)
                headers[name.strip().lower()] = value.strip()
        body = await self._reader.readexactly(int(headers.get("content-length", "0")))
        if headers.get("connection", "").lower() == "close":
            self.close()
        return Reply(status, headers, body)
