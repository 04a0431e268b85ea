"""Asking the printer how it is, with DLE EOT, before and after each slip.

A slip sent to a printer without paper is not printed, and the customer walks away without proof
of booking. So the kiosk asks first: DLE EOT 1 (printer status: offline), 2 (offline cause:
cover open, stopped at paper end) and 4 (roll paper sensor: near end, out). These are real-time
commands: the printer answers at once, even with a job in its buffer. Each answer is one byte
whose fixed bits (0xx1xx10) say it is a status byte at all; anything else is not trusted.

    DLE EOT 1   bit 3: offline
    DLE EOT 2   bit 2: cover open;  bit 5: printing stopped at paper end;  bit 6: error
    DLE EOT 4   bits 2+3: paper near end;  bits 5+6: paper out

(Epson's DLE EOT reference; the same bits on the Epson-compatible printers stores use.)

Only transports that carry replies can ask (usb, serial, tcp); the others, and a printer that
does not answer, give an unreadable status, which does not stop printing: most printers that
ignore DLE EOT print fine, and a false "out of paper" would stop a good printer.

python-escpos's own `is_online()`/`paper_status()` are not used: at 3.1 an empty reply counts as
"plenty of paper", and they do not check the reply format (reference/escpos-thai.md §1.6).
"""

from __future__ import annotations

import logging
import socket
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from printer.errors import CoverOpen, PaperOut, PrinterError, PrinterOffline

if TYPE_CHECKING:
    from escpos.escpos import Escpos

log = logging.getLogger(__name__)

DLE_EOT = b"\x10\x04"
#: The queries, in the order they are asked.
QUERIES = (1, 2, 4)
STATUS_TIMEOUT = 1.0  # seconds to wait for each reply
SERIAL_STATUS_WAIT = 0.25  # a serial read always waits this long (see _query)

Paper = Literal["ok", "near-end", "out"]


_PAPER_WORDS = {"ok": "paper ok", "near-end": "paper NEAR END", "out": "PAPER OUT"}


def is_status_byte(b: int) -> bool:
    """Bits 0, 1, 4 and 7 of every DLE EOT reply are fixed at 0, 1, 1, 0."""
    return b & 0x93 == 0x12


@dataclass(frozen=True, slots=True)
class PrinterStatus:
    """What the printer said; `readable` is False when it could not be asked or did not answer."""

    readable: bool
    online: bool | None = None
    cover_open: bool | None = None
    error: bool | None = None
    paper: Paper | None = None
    replies: tuple[tuple[int, int], ...] = ()  # (n, reply byte), for the technician's log
    reason: str = ""  # why it is not readable

    @classmethod
    def unreadable(cls, reason: str) -> PrinterStatus:
        return cls(readable=False, reason=reason)

    @classmethod
    def decode(cls, replies: dict[int, int]) -> PrinterStatus:
        """Turn DLE EOT replies (query number -> byte) into a status; pure."""
        valid = {n: b for n, b in replies.items() if is_status_byte(b)}
        raw = tuple(sorted(replies.items()))
        if 1 not in valid:
            return cls(readable=False, replies=raw, reason="no valid reply to DLE EOT 1")
        s1, s2, s4 = valid.get(1), valid.get(2), valid.get(4)
        paper: Paper | None = None
        if s4 is not None:
            paper = "out" if s4 & 0x60 else "near-end" if s4 & 0x0C else "ok"
        if s2 is not None and s2 & 0x20:
            paper = "out"
        return cls(
            readable=True,
            online=not s1 & 0x08,
            cover_open=None if s2 is None else bool(s2 & 0x04),
            error=None if s2 is None else bool(s2 & 0x40),
            paper=paper,
            replies=raw,
        )

    def problem(self, where: str) -> PrinterError | None:
        """The error that stops printing, most specific cause first; None if it may print."""
        if not self.readable:
            return None
        if self.cover_open:
            return CoverOpen(where)
        if self.paper == "out":
            return PaperOut(where)
        if self.online is False:
            return PrinterOffline(where)
        return None

    def describe(self) -> str:
        """One line for the technician and the log; no personal data can be in a status."""
        if not self.readable:
            return f"unknown ({self.reason})"
        words = ["online" if self.online else "OFFLINE"]
        if self.cover_open:
            words.append("COVER OPEN")
        if self.error:
            words.append("ERROR")
        if self.paper is not None:
            words.append(_PAPER_WORDS[self.paper])
        replies = " ".join(f"{n}:{b:02x}" for n, b in self.replies)
        return f"{', '.join(words)} (DLE EOT {replies})"


def read_status(printer: Escpos, *, timeout: float = STATUS_TIMEOUT) -> PrinterStatus:
    """Ask an open printer DLE EOT 1, 2 and 4 through its own transport."""
    replies: dict[int, int] = {}
    for n in QUERIES:
        b = _query(printer, n, timeout)
        if b is None:
            if n == 1:
                return PrinterStatus.unreadable("the printer did not answer DLE EOT 1")
            continue
        replies[n] = b
    status = PrinterStatus.decode(replies)
    log.info("printer status: %s", status.describe())
    return status


def _query(printer: Escpos, n: int, timeout: float) -> int | None:
    sock = _socket(printer)
    port = _serial_port(printer)
    saved = port.timeout if port is not None else None
    try:
        _drain(printer, sock)
        if sock is not None:
            sock.settimeout(timeout)
        if port is not None:
            # python-escpos reads 16 bytes and pyserial waits the whole timeout for the 15 that
            # never come; a printer answers in milliseconds, so keep that wait short
            port.timeout = min(timeout, SERIAL_STATUS_WAIT)
        reply = printer.query_status(DLE_EOT + bytes((n,)))
    except NotImplementedError:
        return None
    except Exception as exc:  # noqa: BLE001 - socket, pyserial and pyusb each raise their own
        log.info("no reply to DLE EOT %d: %s", n, type(exc).__name__)
        return None
    finally:
        if sock is not None:
            sock.settimeout(getattr(printer, "timeout", None))
        if port is not None:
            port.timeout = saved
    if not reply:
        return None
    # A status byte left over from earlier would come first: the newest answer is the last one.
    return reply[-1]


def _socket(printer: Escpos) -> socket.socket | None:
    device = getattr(printer, "_device", None)
    return device if isinstance(device, socket.socket) else None


def _serial_port(printer: Escpos):  # -> serial.Serial | None, without importing pyserial
    device = getattr(printer, "_device", None)
    return device if hasattr(device, "reset_input_buffer") else None


def _drain(printer: Escpos, sock: socket.socket | None) -> None:
    """Drop bytes the printer sent unasked, so the next read is the answer to the next query.

    Raster data can contain the bytes 10 04 n, and some printers answer those as real-time
    commands; ASB (automatic status back) also arrives unasked.
    """
    if sock is not None:
        sock.setblocking(False)
        try:
            while sock.recv(256):
                pass
        except (BlockingIOError, InterruptedError):
            pass
        finally:
            sock.setblocking(True)
        return
    reset = getattr(getattr(printer, "_device", None), "reset_input_buffer", None)
    if callable(reset):
        reset()
