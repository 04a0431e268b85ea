"""Is the printer there, online and with paper? (`kiosk doctor`, the technician screen)"""

from __future__ import annotations

import contextlib
from pathlib import Path

from kiosk.health import Check, fail, ok, warn
from printer.errors import PrinterError
from printer.paper import paper as paper_for
from printer.status import read_status
from printer.transports import open_printer
from printer.uri import parse_printer_uri


def printer_check(uri: str, paper_mm: int = 80) -> Check:
    return printer_check_and_paper(uri, paper_mm)[0]


def printer_check_and_paper(uri: str, paper_mm: int = 80) -> tuple[Check, str]:
    """The check and the paper it read: ok, near-end, out, or unknown (no status to read;
    the fleet's health report carries it, DESIGN §13)."""
    check, paper = _check(uri, paper_mm)
    return check, paper or "unknown"


def _check(uri: str, paper_mm: int) -> tuple[Check, str | None]:
    try:
        target = parse_printer_uri(uri)
    except PrinterError as exc:
        return fail("printer", exc.en, "fix [printer] uri in the config"), None
    if target.scheme == "preview":
        directory = Path(target.path)
        try:
            directory.mkdir(parents=True, exist_ok=True)
            probe = directory / ".doctor"
            probe.write_bytes(b"")
            probe.unlink()
        except OSError as exc:
            return fail(
                "printer",
                f"preview directory {directory} is not writable ({exc.strerror})",
                "fix its permissions or the [printer] uri",
            ), None
        return warn(
            "printer",
            f"no printer: slips are saved as pictures in {directory}",
            "set [printer] uri to the receipt printer (kiosk provision finds USB ones)",
        ), None
    if target.scheme in ("file", "cups"):
        return ok("printer", f"{uri} (status cannot be read over {target.scheme})"), None
    try:
        device = open_printer(target, paper_for(paper_mm))
    except PrinterError as exc:
        return fail("printer", exc.en, "check the printer's power and cable, then the uri"), None
    try:
        status = read_status(device)
    finally:
        # closing a half-dead device must not hide the status it reported
        with contextlib.suppress(Exception):
            device.close()
    problem = status.problem(uri)
    if problem is not None:
        return fail("printer", f"{uri}: {status.describe()}", problem.en), status.paper
    if not status.readable:
        return warn(
            "printer",
            f"{uri}: status unknown ({status.reason})",
            "print a test slip: kiosk print-test",
        ), None
    if status.paper == "near-end":
        return (
            warn("printer", f"{uri}: {status.describe()}", "have a new paper roll ready"),
            "near-end",
        )
    return ok("printer", f"{uri}: {status.describe()}"), status.paper
