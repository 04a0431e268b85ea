"""A loopback HTTP front for the central's seat-lease endpoints, while they are being built.

A real HTTP server on 127.0.0.1 in front of a real central: `POST /v1/leases/refresh` and
lease-backed `POST /v1/bookings` (a body with a `lease` member) are answered here as
docs/leases.md says, from leases the test signs with `LeaseKit`; everything else is relayed to
the central unchanged (status, headers that matter, body). It records what the terminal sent, so
tests can check the wire, and can be told to refuse, lie about a reference or answer 503.
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import requests


class LeaseDesk:
    def __init__(self, upstream: str) -> None:
        self.upstream = upstream.rstrip("/")
        #: what refresh answers: envelopes, released ids
        self.leases: list[dict[str, Any]] = []
        self.released: list[str] = []
        #: requests seen: ("refresh", body) or ("book", body)
        self.seen: list[tuple[str, dict[str, Any]]] = []
        #: booking_id -> (status, body) answered before (the same booking again: 200)
        self.booked: dict[str, dict[str, Any]] = {}
        #: the next lease-backed bookings' answers: "honour", "lie", "503", or a problem code
        self.plan: list[str] = []
        #: answer the terminal-key members of enrolment as the new central does
        self.takes_keys = True
        #: when set, /v1/config names this lease-signing key (`{"alg", "kid", "public"}`)
        self.lease_key: dict[str, str] | None = None
        #: act as a central from before seat leases: no lease key in /v1/config, no refresh
        #: endpoint (404), and enrolment refuses the unknown `public_key` member (422)
        self.before_leases = False
        self._lock = threading.Lock()
        desk = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def send_response(self, code: int, message: str | None = None) -> None:
                # no Date of our own: the terminal takes the central's time from its Date header
                self.log_request(code)
                self.send_response_only(code, message)

            def do_GET(self) -> None:
                self._relay(None)

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                body = json.loads(raw) if raw else {}
                if desk.before_leases and self.path == "/v1/leases/refresh":
                    return self._json(404, {"code": "not-found", "status": 404}, problem=True)
                if desk.before_leases and self.path == "/v1/terminals" and "public_key" in body:
                    problem = {
                        "code": "validation-failed",
                        "status": 422,
                        "errors": [{"loc": ["body", "public_key"], "msg": "Extra inputs"}],
                    }
                    return self._json(422, problem, problem=True)
                if self.path == "/v1/leases/refresh":
                    with desk._lock:
                        desk.seen.append(("refresh", body))
                        answer = {"leases": list(desk.leases), "released": list(desk.released)}
                    return self._json(200, {**answer, "server_time": "2021-06-01T10:00:00+07:00"})
                if self.path == "/v1/bookings" and isinstance(body, dict) and "lease" in body:
                    return self._lease_booking(body)
                if self.path == "/v1/bookings":
                    with desk._lock:
                        desk.seen.append(("plain", body))
                if self.path == "/v1/terminals" and desk.takes_keys:
                    with desk._lock:
                        desk.seen.append(("enrol", dict(body)))
                    body.pop("public_key", None)  # the central behind us predates the member
                    raw = json.dumps(body).encode()
                self._relay(raw)

            def do_PUT(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length) or b"{}")
                if self.path == "/v1/terminals/me/key":
                    with desk._lock:
                        desk.seen.append(("key", body))
                    return self._json(200, {"kid": "x", "public_key": body.get("public_key")})
                self._json(404, {"code": "not-found"}, problem=True)

            def _lease_booking(self, body: dict[str, Any]) -> None:
                with desk._lock:
                    desk.seen.append(("book", body))
                    booking_id = body["booking_id"]
                    if booking_id in desk.booked:
                        return self._json(200, desk.booked[booking_id])
                    step = desk.plan.pop(0) if desk.plan else "honour"
                    if step == "503":
                        return self._json(503, {"code": "overloaded"}, problem=True)
                    if step not in ("honour", "lie"):
                        problem = {"code": step, "title": step, "status": 409}
                        if step == "already-booked":
                            problem["reference"] = "TRJ-WEBB-WINS"
                        return self._json(409, problem, problem=True)
                    reference = body["lease"]["reference"]
                    if step == "lie":
                        reference = "TRJ-LIAR-9999"
                    answer = {
                        "booking_id": booking_id,
                        "reference": reference,
                        "status": "confirmed",
                    }
                    desk.booked[booking_id] = answer
                    return self._json(201, answer)

            def _json(self, status: int, body: Any, problem: bool = False) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                kind = "application/problem+json" if problem else "application/json"
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _relay(self, raw: bytes | None) -> None:
                headers = {
                    k: v
                    for k, v in self.headers.items()
                    if k.lower()
                    in ("authorization", "idempotency-key", "content-type", "if-match", "accept")
                }
                reply = requests.request(
                    self.command, desk.upstream + self.path, data=raw, headers=headers, timeout=30
                )
                content = reply.content
                if self.path == "/v1/config" and reply.status_code == 200:
                    config = reply.json()
                    if desk.before_leases:
                        config["keys"].pop("lease_signing", None)
                    elif desk.lease_key:
                        config["keys"]["lease_signing"] = desk.lease_key
                    content = json.dumps(config).encode()
                self.send_response(reply.status_code)
                for k in ("Content-Type", "Retry-After", "Date"):
                    if k in reply.headers:
                        self.send_header(k, reply.headers[k])
                self.send_header("Content-Length", str(len(content)))
                self.end_headers()
                self.wfile.write(content)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def refreshes(self) -> list[dict[str, Any]]:
        return [b for kind, b in self.seen if kind == "refresh"]

    def bookings(self) -> list[dict[str, Any]]:
        """Lease-backed booking requests, in order."""
        return [b for kind, b in self.seen if kind == "book"]

    def all_bookings(self) -> list[tuple[str, str]]:
        """(kind, booking_id) of every booking request, lease-backed ("book") or not."""
        return [(k, b["booking_id"]) for k, b in self.seen if k in ("book", "plain")]

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
