"""Present an emulated card to pcscd through the vsmartcard `vpcd` virtual reader.

vpcd listens (port 35963 for "Virtual PCD 00 00", 35964 for "... 00 01"); a card is "inserted"
while a client is connected and answers its requests, and "removed" when the client disconnects
(upstream virtualsmartcard/doc/api.txt). Every message is a 2-byte big-endian length and a payload;
a 1-byte payload is a control code (00 power off, 01 power on, 02 reset, 04 get ATR), anything
longer is a command APDU to answer with a response APDU.

We speak the socket protocol ourselves instead of importing `virtualsmartcard`: Debian installs that
module off `sys.path` and it pulls in PyCryptodome for nothing we need.
"""

from __future__ import annotations

import contextlib
import logging
import socket
import struct
import threading
import time
from collections.abc import Callable

from kiosk.card.emulator import ThaiIdApplet

log = logging.getLogger(__name__)

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 35963

POWER_OFF, POWER_ON, RESET, GET_ATR = 0x00, 0x01, 0x02, 0x04


class VirtualCard:
    """A card in the vpcd reader for as long as it is inserted.

    `insert()` connects in a background thread (retrying until vpcd listens), `remove()`
    disconnects, which pcscd reports as a card removal. `remove_after` closes the connection after
    that many APDUs, to pull the card out in the middle of a read.
    """

    def __init__(
        self,
        applet: ThaiIdApplet,
        host: str = DEFAULT_HOST,
        port: int = DEFAULT_PORT,
        *,
        remove_after: int | None = None,
        on_state: Callable[[bool], None] | None = None,
    ) -> None:
        self.applet = applet
        self.on_state = on_state or (lambda connected: None)
        self.host, self.port = host, port
        self.remove_after = remove_after
        self.apdus = 0
        self._sock: socket.socket | None = None
        self._stop = threading.Event()
        self._connected = threading.Event()
        self._thread: threading.Thread | None = None

    def __enter__(self) -> VirtualCard:
        self.insert()
        return self

    def __exit__(self, *exc: object) -> None:
        self.remove()

    @property
    def connected(self) -> bool:
        return self._connected.is_set()

    def insert(self, timeout: float = 5.0) -> None:
        """Connect to vpcd; returns once connected, raises ConnectionError after `timeout`."""
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="vpcd-card", daemon=True)
        self._thread.start()
        if not self._connected.wait(timeout):
            self.remove()
            raise ConnectionError(f"vpcd is not listening on {self.host}:{self.port}")

    def remove(self) -> None:
        self._stop.set()
        self._close()
        if self._thread and self._thread is not threading.current_thread():
            self._thread.join(timeout=5)
        self._thread = None

    def serve_forever(self) -> None:
        """For the command line: serve until interrupted, reconnecting if pcscd restarts."""
        self._stop.clear()
        self._run()

    def _close(self) -> None:
        sock, self._sock = self._sock, None
        self._connected.clear()
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                sock = socket.create_connection((self.host, self.port), timeout=1.0)
            except OSError:
                time.sleep(0.2)
                continue
            sock.settimeout(None)
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            _quickack(sock)
            self._sock = sock
            self.applet.reset()
            self._connected.set()
            self.on_state(True)
            try:
                self._serve(sock)
            except OSError:
                pass
            finally:
                self._close()
                self.on_state(False)
            if self.remove_after is not None:
                return  # a card pulled out on purpose stays out

    def _serve(self, sock: socket.socket) -> None:
        while not self._stop.is_set():
            header = _recv_exact(sock, 2)
            if header is None:
                return
            (length,) = struct.unpack(">H", header)
            payload = _recv_exact(sock, length)
            if payload is None:
                return
            if length == 1:
                code = payload[0]
                if code == GET_ATR:
                    _send(sock, self.applet.atr)
                elif code in (POWER_OFF, POWER_ON, RESET):
                    self.applet.reset()
                continue
            if self.remove_after is not None and self.apdus >= self.remove_after:
                return
            self.apdus += 1
            _send(sock, self.applet.process(payload))


def _recv_exact(sock: socket.socket, n: int) -> bytes | None:
    buf = bytearray()
    while len(buf) < n:
        _quickack(sock)
        chunk = sock.recv(n - len(buf))
        if not chunk:
            return None
        buf += chunk
    return bytes(buf)


def _quickack(sock: socket.socket) -> None:
    """Acknowledge at once instead of after Linux's 40 ms delayed-ACK timer.

    vpcd writes the length and the APDU in two calls with Nagle on; without this every exchange
    waits for our delayed ACK and a seven-exchange read takes 300 ms instead of a few.
    Linux leaves quick-ACK mode again once we send, so it is set before every receive.
    """
    quickack = getattr(socket, "TCP_QUICKACK", None)
    if quickack is not None:
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.IPPROTO_TCP, quickack, 1)


def _send(sock: socket.socket, payload: bytes) -> None:
    sock.sendall(struct.pack(">H", len(payload)) + payload)
