"""The printer, as the controller uses it: a slip, a status check, a test slip.

Imported lazily by the controller (python-escpos loads its printer database on import, a fifth
of a second the welcome screen should not wait for); the controller's warm-up job imports it in
the background right after start, so the first slip does not pay either.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from kiosk.config import TerminalConfig
from kiosk.errors import KioskError
from printer.output import print_image, print_slip
from printer.paper import paper
from printer.slip_data import parse_slip
from printer.status import read_status
from printer.testslip import render_test_slip
from printer.thai_text import warm_up
from printer.transports import open_printer
from printer.uri import parse_printer_uri

__all__ = ["print_booking_slip", "print_test_slip", "state", "status", "warm_up"]


def print_booking_slip(slip: Mapping[str, Any], config: TerminalConfig, now: datetime) -> None:
    """Print one slip (a booking's or a decision's); a `PrinterError` if it did not print."""
    print_slip(parse_slip(dict(slip), now=now), config.printer_uri, paper(config.paper))


def status(config: TerminalConfig) -> KioskError | None:
    """Why the printer cannot print now, or None: reachable, paper, cover, online."""
    try:
        target = parse_printer_uri(config.printer_uri)
    except KioskError as exc:
        return exc
    if target.scheme == "preview":
        folder = Path(target.path)
        with contextlib.suppress(OSError):
            folder.mkdir(parents=True, exist_ok=True)
        if folder.is_dir() and os.access(folder, os.W_OK):
            return None
        return KioskError("เครื่องพิมพ์ไม่พร้อมใช้งาน", f"the preview folder {folder} is not writable")
    try:
        device = open_printer(target, paper(config.paper))
        try:
            state = read_status(device) if target.reads_status else None
        finally:
            device.close()
    except KioskError as exc:
        return exc
    return state.problem(str(target)) if state is not None else None


def state(config: TerminalConfig) -> tuple[str, KioskError | None]:
    """The printer in the clerk's words: "ready", "near-end", "paper-out", "cover-open",
    "offline", "missing" (cannot be reached) or "preview" (no printer: pictures), with the
    error that stops printing, if any."""
    try:
        target = parse_printer_uri(config.printer_uri)
    except KioskError as exc:
        return "missing", exc
    if target.scheme == "preview":
        problem = status(config)
        return ("preview", None) if problem is None else ("missing", problem)
    try:
        device = open_printer(target, paper(config.paper))
        try:
            found = read_status(device) if target.reads_status else None
        finally:
            device.close()
    except KioskError as exc:
        return "missing", exc
    if found is None or not found.readable:
        return "ready", None  # file, cups, or a printer that does not answer DLE EOT
    problem = found.problem(str(target))
    if found.cover_open:
        return "cover-open", problem
    if found.paper == "out":
        return "paper-out", problem
    if found.online is False:
        return "offline", problem
    return ("near-end" if found.paper == "near-end" else "ready"), None


def print_test_slip(config: TerminalConfig, now: datetime) -> str:
    """The technician's test slip; says where it went."""
    target = parse_printer_uri(config.printer_uri)
    sheet = paper(config.paper)
    image = render_test_slip(sheet, str(target), now)
    result = print_image(image, target, sheet, name="print-test")
    return str(result.preview or result.where)
