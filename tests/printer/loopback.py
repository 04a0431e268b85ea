"""A network receipt printer on 127.0.0.1: stores what it is sent and answers DLE EOT.

A real socket server, so the kiosk's code runs unchanged against it through `tcp://`: the same
python-escpos `Network` printer, the same connect, sendall and recv. Its state is set by the test
and answered the way an Epson printer answers (reference/escpos-thai.md §1.6):

    state        DLE EOT 1   DLE EOT 2   DLE EOT 4
    ready          12          12          12
    near-end       12          12          1e      paper near its end, still printing
    paper-out      1a          32          72      offline, stopped at paper end, no paper
    offline        1a          52          12      offline with an error
    cover-open     1a          16          12
    silent         -           -           -       a printer that ignores DLE EOT

`then` switches the state once a raster image has arrived, for "ran out during the slip".
"""

from __future__ import annotations

import socket
import threading
from dataclasses import dataclass, field

from tests.printer.escpos_stream import Job, next_token

REPLIES: dict[str, dict[int, int]] = {
    "ready": {1: 0x12, 2: 0x12, 4: 0x12},
    "near-end": {1: 0x12, 2: 0x12, 4: 0x1E},
    "paper-out": {1: 0x1A, 2: 0x32, 4: 0x72},
    "offline": {1: 0x1A, 2: 0x52, 4: 0x12},
    "cover-open": {1: 0x1A, 2: 0x16, 4: 0x12},
    "silent": {},
}


@dataclass
class Connection:
    job: Job = field(default_factory=Job)  # everything but the status queries
    queries: list[int] = field(default_factory=list)


class LoopbackPrinter:
    def __init__(self, state: str = "ready", then: str | None = None) -> None:
        assert state in REPLIES and (then is None or then in REPLIES)
        self.state = state
        self.then = then
        self.connections: list[Connection] = []
        self._server = socket.create_server(("127.0.0.1", 0))
        self._server.settimeout(0.1)
        self.port = self._server.getsockname()[1]
        self.uri = f"tcp://127.0.0.1:{self.port}"
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        accept = threading.Thread(target=self._accept, daemon=True)
        accept.start()
        self._threads.append(accept)

    @property
    def jobs(self) -> list[Job]:
        return [c.job for c in self.connections if c.job.tokens]

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._server.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            t = threading.Thread(target=self._serve, args=(conn,), daemon=True)
            t.start()
            self._threads.append(t)

    def _serve(self, conn: socket.socket) -> None:
        record = Connection()
        self.connections.append(record)
        buf = b""
        conn.settimeout(0.1)
        with conn:
            while not self._stop.is_set():
                try:
                    chunk = conn.recv(65536)
                except TimeoutError:
                    continue
                except OSError:
                    return
                if not chunk:
                    return
                buf += chunk
                i = 0
                while i < len(buf):
                    found = next_token(buf, i)
                    if found is None:
                        break
                    token, i = found
                    if token.name == "DLE EOT":
                        n = token.args[0]
                        record.queries.append(n)
                        reply = REPLIES[self.state].get(n)
                        if reply is not None:
                            conn.sendall(bytes((reply,)))
                        continue
                    record.job.tokens.append(token)
                    if token.name == "GS v 0" and self.then is not None:
                        self.state, self.then = self.then, None
                buf = buf[i:]

    def close(self) -> None:
        self._stop.set()
        self._server.close()
        for t in self._threads:
            t.join(timeout=2)
