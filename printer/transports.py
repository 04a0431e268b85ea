"""Opening a python-escpos printer for a printer address, with failures as typed errors.

This is the printer seam: everything device-specific ends here, in a python-escpos `Escpos`
object whose `_raw()` writes bytes and whose `_read()` returns the printer's answer. Behind it
in the tests are python-escpos's own `Dummy`, a real file, a pseudo-terminal serial port and a
loopback TCP printer, never a mock.

The device is opened here, eagerly, rather than on first write as python-escpos would: a
missing printer must be reported before the job is built and before anything is sent.

`cups://QUEUE` uses python-escpos's `LP` printer (the `lp` command, `-o raw`) rather than
`CupsPrinter`, which needs pycups and so a C compiler and libcups headers on every terminal.
"""

from __future__ import annotations

import logging
import shutil
from typing import TYPE_CHECKING

from escpos import exceptions
from escpos import printer as escpos_printer

from printer.errors import PrinterNotFound
from printer.paper import Paper
from printer.uri import PrinterTarget

if TYPE_CHECKING:
    from escpos.escpos import Escpos

log = logging.getLogger(__name__)

#: Seconds to connect to a network printer and to send a job to it.
TCP_TIMEOUT = 10.0


def fit_profile(printer: Escpos, paper: Paper) -> None:
    """Tell python-escpos the print head's width, on this printer object only.

    The width makes `image()` refuse a picture wider than the paper instead of printing it
    wrapped, and stops it printing a warning to stdout. Profile data is a class attribute shared
    by every printer, so it is replaced on the instance, never changed in place.
    """
    data = dict(printer.profile.profile_data)
    data["media"] = {"width": {"mm": paper.mm, "pixels": paper.dots}, "dpi": 203}
    printer.profile.profile_data = data


def open_printer(target: PrinterTarget, paper: Paper) -> Escpos:
    """An open python-escpos printer for `target` (any scheme but preview)."""
    printer = _make(target)
    fit_profile(printer, paper)
    try:
        printer.open()
    except (exceptions.DeviceNotFoundError, exceptions.USBNotFoundError, OSError) as exc:
        raise PrinterNotFound(str(target), _first_line(exc)) from None
    except Exception as exc:  # pyusb and pyserial raise their own, not OSError
        if type(exc).__name__ in ("NoBackendError", "SerialException", "USBError"):
            raise PrinterNotFound(str(target), _first_line(exc)) from None
        raise
    if printer.device is None:  # python-escpos logged instead of raising
        raise PrinterNotFound(str(target))
    log.info("printer open: %s", target)
    return printer


def _make(target: PrinterTarget) -> Escpos:
    match target.scheme:
        case "usb":
            usb_kw = {"timeout": target.option_int("timeout", 0)}
            if "in_ep" in target.options:
                usb_kw["in_ep"] = target.option_int("in_ep", 0x82)
            if "out_ep" in target.options:
                usb_kw["out_ep"] = target.option_int("out_ep", 0x01)
            return escpos_printer.Usb(target.vendor, target.product, **usb_kw)
        case "serial":
            return escpos_printer.Serial(
                devfile=target.path,
                baudrate=target.option_int("baud", 9600),
                timeout=target.option_float("timeout", 1.0),
            )
        case "tcp":
            return escpos_printer.Network(
                host=target.host,
                port=target.port,
                timeout=target.option_float("timeout", TCP_TIMEOUT),
            )
        case "file":
            return escpos_printer.File(devfile=target.path)
        case "cups":
            if shutil.which("lp") is None:
                raise PrinterNotFound(str(target), "no lp command (Debian: cups-client)")
            return escpos_printer.LP(printer_name=target.queue)
    raise ValueError(f"no python-escpos printer for {target.scheme}://")


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return " ".join(text.split())[:200]
