"""A serial receipt printer on a pseudo-terminal: the kiosk opens /dev/pts/N with pyserial.

The same protocol as the loopback TCP printer (tests/printer/loopback.py), over a real tty, so
`serial://` goes through python-escpos's `Serial` printer and pyserial unchanged.
"""

from __future__ import annotations

import os
import select
import threading
import tty

from tests.printer.escpos_stream import Job, next_token
from tests.printer.loopback import REPLIES


class PtyPrinter:
    def __init__(self, state: str = "ready") -> None:
        self.state = state
        self.job = Job()
        self.queries: list[int] = []
        self._master, self._slave = os.openpty()
        tty.setraw(self._master)
        tty.setraw(self._slave)
        self.path = os.ttyname(self._slave)
        self.uri = f"serial://{self.path}?baud=115200"
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        buf = b""
        while not self._stop.is_set():
            ready, _, _ = select.select([self._master], [], [], 0.05)
            if not ready:
                continue
            try:
                buf += os.read(self._master, 65536)
            except OSError:
                return
            i = 0
            while i < len(buf):
                found = next_token(buf, i)
                if found is None:
                    break
                token, i = found
                if token.name == "DLE EOT":
                    self.queries.append(token.args[0])
                    reply = REPLIES[self.state].get(token.args[0])
                    if reply is not None:
                        os.write(self._master, bytes((reply,)))
                else:
                    self.job.tokens.append(token)
            buf = buf[i:]

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=2)
        os.close(self._master)
        os.close(self._slave)
