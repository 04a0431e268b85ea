"""A fault-injecting HTTP proxy on 127.0.0.1, between the kiosk and a real central.

It is a real TCP server: the client's timeouts, resets and half-read replies are the kernel's, not
a mock's. Each incoming request takes the next fault from a queue (or the standing fault):

    pass                forward to the central and relay the reply
    refuse              close the connection at once (no reply)
    reset               read the request, then reset the connection (RST)
    delay:S             wait S seconds, then forward
    blackhole           read the request and never answer
    truncate:N          forward, but relay only the first N bytes of the reply, then close
    status:CODE[:RA]    answer CODE without asking the central (Retry-After RA seconds if given)
    html:CODE           answer CODE with an HTML page, as a captive portal or a proxy does
    redirect            answer 302 to another place, as a login portal does
    garbage             answer 200 with a body that is not JSON
    lie                 answer 200 with JSON of the wrong shape
    commit-then-drop    forward (the central commits), then close without relaying the reply
"""

from __future__ import annotations

import socket
import struct
import threading
import time
from collections import deque


class FaultProxy:
    def __init__(self, upstream_port: int, upstream_host: str = "127.0.0.1") -> None:
        self.upstream = (upstream_host, upstream_port)
        self.fault = "pass"
        self.queue: deque[str] = deque()
        self.requests = 0
        self._lock = threading.Lock()
        self._server = socket.create_server(("127.0.0.1", 0))
        self.port = self._server.getsockname()[1]
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._accept = threading.Thread(target=self._accept_loop, daemon=True)
        self._accept.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def set(self, fault: str, *then: str) -> None:
        """Standing fault for every request, after any queued ones."""
        with self._lock:
            self.fault = fault
            self.queue.clear()
            self.queue.extend(then)

    def next(self, *faults: str) -> None:
        """Faults for the next requests, one each; then the standing fault again."""
        with self._lock:
            self.queue.extend(faults)

    def close(self) -> None:
        self._stop.set()
        self._server.close()

    def _take(self) -> str:
        with self._lock:
            self.requests += 1
            return self.queue.popleft() if self.queue else self.fault

    def _accept_loop(self) -> None:
        while not self._stop.is_set():
            try:
                client, _ = self._server.accept()
            except OSError:
                return
            t = threading.Thread(target=self._serve, args=(client,), daemon=True)
            t.start()

    def _serve(self, client: socket.socket) -> None:
        with client:
            while not self._stop.is_set():
                request = _read_request(client)
                if request is None:
                    return
                if not self._handle(client, request, self._take()):
                    return

    def _handle(self, client: socket.socket, request: bytes, fault: str) -> bool:
        """Returns False when the client connection must be closed afterwards."""
        kind, _, arg = fault.partition(":")
        if kind == "refuse":
            return False
        if kind == "reset":
            client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            return False
        if kind == "blackhole":
            self._stop.wait(60)
            return False
        if kind == "delay":
            time.sleep(float(arg))
        if kind == "status":
            code, _, ra = arg.partition(":")
            headers = f"Retry-After: {ra}\r\n" if ra else ""
            body = b'{"type":"about:blank","title":"injected","status":%s,"code":"injected"}' % (
                code.encode()
            )
            client.sendall(
                f"HTTP/1.1 {code} Injected\r\nContent-Type: application/problem+json"
                f"\r\n{headers}Content-Length: {len(body)}\r\n\r\n".encode()
                + body
            )
            return True
        if kind == "html":
            body = b"<html><body>Please log in to the store Wi-Fi</body></html>"
            client.sendall(
                f"HTTP/1.1 {arg} Portal\r\nContent-Type: text/html\r\n"
                f"Content-Length: {len(body)}\r\n\r\n".encode()
                + body
            )
            return True
        if kind == "redirect":
            client.sendall(
                b"HTTP/1.1 302 Found\r\nLocation: http://127.0.0.1:9/login\r\n"
                b"Content-Length: 0\r\n\r\n"
            )
            return True
        if kind in ("garbage", "lie"):
            body = (
                b"<html>hello</html>"
                if kind == "garbage"
                else (b'{"reference": 42, "status": "maybe", "booking_id": "someone-else"}')
            )
            client.sendall(
                b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                b"Content-Length: %d\r\n\r\n" % len(body) + body
            )
            return True
        reply = self._forward(request)
        if kind == "commit-then-drop":
            return False
        if kind == "truncate":
            client.sendall(reply[: int(arg)])
            return False
        client.sendall(reply)
        return b"connection: close" not in reply.lower().split(b"\r\n\r\n", 1)[0]

    def _forward(self, request: bytes) -> bytes:
        head, _, body = request.partition(b"\r\n\r\n")
        lines = [ln for ln in head.split(b"\r\n") if not ln.lower().startswith(b"connection:")]
        request = b"\r\n".join([*lines, b"Connection: close"]) + b"\r\n\r\n" + body
        with socket.create_connection(self.upstream, timeout=30) as up:
            up.sendall(request)
            chunks = []
            while True:
                data = up.recv(65536)
                if not data:
                    break
                chunks.append(data)
        return b"".join(chunks)


def _read_request(sock: socket.socket) -> bytes | None:
    buf = b""
    while b"\r\n\r\n" not in buf:
        try:
            data = sock.recv(65536)
        except OSError:
            return None
        if not data:
            return None
        buf += data
    head, _, rest = buf.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    while len(rest) < length:
        data = sock.recv(65536)
        if not data:
            return None
        rest += data
    return head + b"\r\n\r\n" + rest
