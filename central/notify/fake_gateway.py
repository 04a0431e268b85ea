"""A real SMS gateway on loopback for tests, benches and the demo: HTTP, in a thread.

    python -m central.notify.fake_gateway --port P [--token T] [--mode ok]

It takes what `HttpJsonGateway` sends (`POST /` or `POST /send`, JSON `{"id", "to", "text"}`,
`Authorization: Bearer TOKEN`) and answers by its mode, which a test sets (`gateway.mode = ...`
in process, or `POST /_mode {"mode": ..., "retry_after": ...}` across processes):

- `ok`: 200, and the message is kept, once per `id` (a second message with a kept `id` is
  answered 200 and not kept again: the dedupe a real gateway must do);
- `refuse`: 500; `timeout`: sleeps `delay` seconds (past the client's timeout), then 500;
- `rate-limit`: 429 with `Retry-After: retry_after`; `bad-token`: 401 (so is a wrong token);
- `reject`: 400, as a gateway answers a number it cannot deliver to.

`GET /messages` returns what it kept: a JSON list of `{id, to, text, received_at}`; `GET /stats`
counts every request by answer. Phone numbers are never logged (the request log is off).
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
import time
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

MODES = ("ok", "refuse", "timeout", "rate-limit", "bad-token", "reject")


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that gave up (the `timeout` mode's point) is not an error worth a trace."""
        exc = sys.exc_info()[1]
        if isinstance(exc, ConnectionError):
            return
        super().handle_error(request, client_address)


class FakeGateway:
    """The gateway's state and its server; `start()` serves on 127.0.0.1:`port` (0: any)."""

    def __init__(
        self,
        token: str = "test-token",  # noqa: S107  a loopback fake's token, never a real one
        port: int = 0,
        mode: str = "ok",
        delay: float = 3.0,
    ) -> None:
        self.token = token
        self.mode = mode
        self.retry_after = 30
        self.delay = delay
        self.messages: list[dict[str, Any]] = []
        self.stats: dict[str, int] = {}
        self._ids: set[str] = set()
        self._lock = threading.Lock()
        self._server = _Server(("127.0.0.1", port), _handler(self))
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/send"

    def start(self) -> FakeGateway:
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="fake-sms-gateway", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> FakeGateway:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _count(self, what: str) -> None:
        with self._lock:
            self.stats[what] = self.stats.get(what, 0) + 1

    def accept(self, message: dict[str, Any]) -> bool:
        """Keep `message` unless its id was kept before; whether it was new."""
        with self._lock:
            if message["id"] in self._ids:
                self.stats["duplicate"] = self.stats.get("duplicate", 0) + 1
                return False
            self._ids.add(message["id"])
            self.messages.append(
                {
                    "id": message["id"],
                    "to": message["to"],
                    "text": message["text"],
                    "received_at": datetime.now(tz=UTC).isoformat(timespec="milliseconds"),
                }
            )
            return True

    def snapshot(self) -> list[dict[str, Any]]:
        with self._lock:
            return [dict(m) for m in self.messages]


def _handler(gateway: FakeGateway) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            """Silent: a request line is harmless, but nothing here may ever log a number."""

        def _reply(self, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
            data = json.dumps(body, ensure_ascii=False).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)

        def _body(self) -> Any:
            length = int(self.headers.get("Content-Length") or 0)
            return json.loads(self.rfile.read(length) or b"null")

        def do_GET(self) -> None:
            if self.path == "/messages":
                self._reply(200, gateway.snapshot())
            elif self.path == "/stats":
                with gateway._lock:
                    self._reply(200, dict(gateway.stats))
            else:
                self._reply(404, {"error": "not found"})

        def do_POST(self) -> None:
            try:
                body = self._body()
            except ValueError:
                self._reply(400, {"error": "the body is not JSON"})
                return
            if self.path == "/_mode":
                if not isinstance(body, dict) or body.get("mode") not in MODES:
                    self._reply(400, {"error": f"mode must be one of {', '.join(MODES)}"})
                    return
                gateway.mode = body["mode"]
                gateway.retry_after = int(body.get("retry_after", gateway.retry_after))
                gateway.delay = float(body.get("delay", gateway.delay))
                self._reply(200, {"mode": gateway.mode})
                return
            if self.path not in ("/", "/send"):
                self._reply(404, {"error": "not found"})
                return
            mode = gateway.mode
            if mode == "bad-token" or self.headers.get("Authorization") != (
                f"Bearer {gateway.token}"
            ):
                gateway._count("401")
                self._reply(401, {"error": "bad token"})
                return
            if mode == "refuse":
                gateway._count("500")
                self._reply(500, {"error": "refused (test mode)"})
                return
            if mode == "timeout":
                gateway._count("timeout")
                time.sleep(gateway.delay)
                self._reply(500, {"error": "too late (test mode)"})
                return
            if mode == "reject":
                gateway._count("400")
                self._reply(400, {"error": "not a mobile number (test mode)"})
                return
            if mode == "rate-limit":
                gateway._count("429")
                self._reply(429, {"error": "slow down"}, {"Retry-After": str(gateway.retry_after)})
                return
            if not isinstance(body, dict) or not all(
                isinstance(body.get(k), str) for k in ("id", "to", "text")
            ):
                gateway._count("400")
                self._reply(400, {"error": "id, to and text must be strings"})
                return
            new = gateway.accept(body)
            gateway._count("200")
            self._reply(200, {"id": body["id"], "duplicate": not new})

    return Handler


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m central.notify.fake_gateway",
        description="a loopback SMS gateway for tests and the demo (never a real one)",
    )
    parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (0: any free)")
    parser.add_argument("--token", default="test-token", help="the bearer token it accepts")
    parser.add_argument("--mode", choices=MODES, default="ok", help="how it answers at first")
    args = parser.parse_args(argv)
    gateway = FakeGateway(token=args.token, port=args.port, mode=args.mode)
    sys.stdout.write(f"fake SMS gateway on {gateway.url}\n")
    sys.stdout.flush()
    try:
        gateway._server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        gateway._server.server_close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
