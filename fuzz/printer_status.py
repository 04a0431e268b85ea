"""Fuzz the printer status parser: whatever bytes a printer sends back to DLE EOT 1, 2 and 4.

The input is the printer's replies, each `LEN BYTES[LEN]` (LEN 0xFF: the transport raised, as
a USB timeout does), read by the real `read_status` through a stand-in for python-escpos'
`query_status`; the status is then asked what stops printing (`problem`) and described for the
log. Seeds: the real status bytes of an Epson-compatible printer (ready, near end, paper out,
cover open, offline) and leftovers of automatic status back before the answer.
"""

from __future__ import annotations

import atheris

with atheris.instrument_imports():
    from printer import status as statuslib
    from printer.errors import PrinterError

from fuzz.harness import Finding, main, refused_or_result

RAISE = 0xFF


class RepliesPrinter:
    """What `read_status` needs of an open python-escpos printer."""

    def __init__(self, data: bytes) -> None:
        self._data, self._pos = data, 0

    def query_status(self, command: bytes) -> bytes:
        d, p = self._data, self._pos
        if p >= len(d):
            return b""
        n = d[p]
        if n == RAISE:
            self._pos = p + 1
            raise TimeoutError("no reply")
        self._pos = p + 1 + n
        return d[p + 1 : p + 1 + n]


def check(data: bytes) -> statuslib.PrinterStatus:
    status = statuslib.read_status(RepliesPrinter(data), timeout=0.01)  # type: ignore[arg-type]
    problem = status.problem("before")
    if problem is not None and not isinstance(problem, PrinterError):
        raise Finding("a problem that is not a PrinterError")
    if status.readable and status.online is None:
        raise Finding("a readable status without online/offline")
    status.describe()
    return status


def test_one_input(data: bytes) -> None:
    refused_or_result(lambda: check(data))


def seeds() -> list[bytes]:
    real = [
        (0x12, 0x12, 0x12),  # ready
        (0x12, 0x12, 0x1E),  # paper near end
        (0x1A, 0x32, 0x72),  # paper out, stopped
        (0x1A, 0x16, 0x12),  # cover open
        (0x1A, 0x52, 0x12),  # offline with an error
        (0x16, 0x12, 0x12),  # a drawer-kick pin high, otherwise ready
    ]
    out = [b"".join(bytes([1, b]) for b in replies) for replies in real]
    out.append(bytes([2, 0x14, 0x12, 1, 0x12, 1, 0x12]))  # an ASB byte left before the answer
    out.append(bytes([1, 0x12, RAISE, 1, 0x12]))  # no reply to DLE EOT 2
    out.append(bytes([0]))  # no reply at all
    return out


if __name__ == "__main__":
    main(test_one_input, seeds)
