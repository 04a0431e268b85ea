"""Printer addresses: one string in the terminal config says where slips go.

    usb://04b8:0e15[?in_ep=0x82&out_ep=0x01]     USB vendor:product (hex), through pyusb
    serial:///dev/ttyUSB0[?baud=9600]             a serial port
    tcp://192.0.2.10[:9100]                       a network printer's raw port
    file:///dev/usb/lp0                           raw bytes to a file or device node
    cups://QUEUE                                  a raw CUPS queue, through `lp -o raw`
    preview://DIR                                 PNG files in DIR (demo, terminals without one)

A URI rather than a handful of settings, so a technician can copy one line between terminals and
the tests can point the same code at a loopback printer. Parsing is pure and separate from
opening (`printer.transports`), so a bad address is reported when the config is read, not when
a customer is waiting for a slip.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal
from urllib.parse import parse_qsl, urlsplit

from printer.errors import BadPrinterUri

Scheme = Literal["usb", "serial", "tcp", "file", "cups", "preview"]

#: Where slips go when neither the command line nor the terminal config says: pictures in
#: ./slips, so the demo and a terminal without a printer still produce something to look at.
DEFAULT_PRINTER_URI = "preview://./slips"

#: Transports that can read the printer's answer to DLE EOT.
STATUS_SCHEMES = frozenset({"usb", "serial", "tcp"})
BAUD_RATES = (2400, 4800, 9600, 19200, 38400, 57600, 115200)
_QUERY_KEYS: dict[str, frozenset[str]] = {
    "usb": frozenset({"in_ep", "out_ep", "timeout"}),
    "serial": frozenset({"baud", "timeout"}),
    "tcp": frozenset({"timeout"}),
    "file": frozenset(),
    "cups": frozenset(),
    "preview": frozenset(),
}


@dataclass(frozen=True, slots=True)
class PrinterTarget:
    scheme: Scheme
    uri: str
    host: str = ""
    port: int = 0
    path: str = ""
    vendor: int = 0
    product: int = 0
    queue: str = ""
    options: Mapping[str, str] = field(default_factory=dict)

    @property
    def reads_status(self) -> bool:
        return self.scheme in STATUS_SCHEMES

    def option_int(self, key: str, default: int) -> int:
        raw = self.options.get(key)
        return default if raw is None else int(raw, 0)

    def option_float(self, key: str, default: float) -> float:
        raw = self.options.get(key)
        return default if raw is None else float(raw)

    def __str__(self) -> str:
        return self.uri


def resolve_printer_uri(given: str | None, configured: str | None = None) -> str:
    """The printer URI to use: the command line's, else the terminal config's, else the default.

    The one place that decides, so the terminal config (another issue) plugs in here.
    """
    return given or configured or DEFAULT_PRINTER_URI


def parse_printer_uri(uri: str) -> PrinterTarget:
    parts = urlsplit(uri.strip())
    scheme = parts.scheme.lower()
    if scheme not in _QUERY_KEYS:
        raise BadPrinterUri(uri, f"unknown scheme {parts.scheme + '://' if scheme else '(none)'}")
    options = dict(parse_qsl(parts.query, keep_blank_values=True))
    unknown = sorted(set(options) - _QUERY_KEYS[scheme])
    if unknown:
        raise BadPrinterUri(uri, f"unknown option {', '.join(unknown)} for {scheme}://")
    try:
        target = _PARSERS[scheme](uri, parts.netloc, parts.path, options)
        # options are checked here, so opening the printer cannot fail on them later
        for key in options:
            if key == "timeout":
                if not 0 < target.option_float(key, 0) <= 600:
                    raise ValueError("timeout must be between 0 and 600 seconds")
            else:
                target.option_int(key, 0)
    except ValueError as exc:
        raise BadPrinterUri(uri, str(exc)) from None
    return target


def _usb(uri: str, netloc: str, path: str, options: dict[str, str]) -> PrinterTarget:
    ids = netloc.split(":")
    if len(ids) != 2 or path not in ("", "/"):
        raise ValueError("expected usb://VID:PID with hexadecimal ids, e.g. usb://04b8:0e15")
    vendor, product = (int(i.removeprefix("0x").removeprefix("0X"), 16) for i in ids)
    if not (0 < vendor <= 0xFFFF and 0 < product <= 0xFFFF):
        raise ValueError("USB vendor and product ids are 16-bit hexadecimal numbers")
    return PrinterTarget("usb", uri, vendor=vendor, product=product, options=options)


def _serial(uri: str, netloc: str, path: str, options: dict[str, str]) -> PrinterTarget:
    if netloc or not path.startswith("/"):
        raise ValueError("expected serial:///dev/NAME with an absolute device path")
    baud = int(options.get("baud", "9600"))
    if baud not in BAUD_RATES:
        raise ValueError(f"baud must be one of {', '.join(map(str, BAUD_RATES))}")
    return PrinterTarget("serial", uri, path=path, options=options)


def _tcp(uri: str, netloc: str, path: str, options: dict[str, str]) -> PrinterTarget:
    parts = urlsplit(uri)
    if not parts.hostname or path not in ("", "/"):
        raise ValueError("expected tcp://HOST or tcp://HOST:PORT")
    port = parts.port or 9100  # urlsplit raises ValueError for a bad port
    return PrinterTarget("tcp", uri, host=parts.hostname, port=port, options=options)


def _file(uri: str, netloc: str, path: str, options: dict[str, str]) -> PrinterTarget:
    if netloc or not path.startswith("/"):
        raise ValueError("expected file:///ABSOLUTE/PATH")
    return PrinterTarget("file", uri, path=path, options=options)


def _cups(uri: str, netloc: str, path: str, options: dict[str, str]) -> PrinterTarget:
    queue = netloc or path.strip("/")
    if not queue or "/" in queue or not all(ch.isalnum() or ch in "-_." for ch in queue):
        raise ValueError("expected cups://QUEUE with a CUPS queue name")
    return PrinterTarget("cups", uri, queue=queue, options=options)


def _preview(uri: str, netloc: str, path: str, options: dict[str, str]) -> PrinterTarget:
    directory = netloc + path
    if not directory:
        raise ValueError("expected preview://DIR, e.g. preview://./slips")
    return PrinterTarget("preview", uri, path=str(Path(directory)), options=options)


_PARSERS = {
    "usb": _usb,
    "serial": _serial,
    "tcp": _tcp,
    "file": _file,
    "cups": _cups,
    "preview": _preview,
}
