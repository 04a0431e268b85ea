"""Putting a slip on paper (or in a preview PNG), and saying plainly how that went.

The job is built once, on python-escpos's in-memory `Dummy` printer (as its documentation
suggests for images): ESC @, the picture as GS v 0 raster (`bitImageRaster`, never `graphics`,
whose length field overflows above 64 KB and prints garbage), then a full cut. The same bytes go
to every transport in one write, so what the tests decode is exactly what a printer receives.

Order of events on a printer that can answer: open it; ask its status; refuse, with a typed
error, if it has no paper, an open cover or is offline; send; ask again. Paper near its end is
not an error: the slip prints and the result carries a notice for staff. Nothing here touches a
booking: by the time a slip is printed the booking is already committed (DESIGN §6), and every
failure is a `PrinterError` the caller shows and offers to reprint.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from escpos.printer import Dummy
from PIL import Image

from printer.errors import PrintFailed, PrintMayBeIncomplete
from printer.paper import Paper
from printer.slip import render_slip
from printer.slip_data import SlipData
from printer.status import PrinterStatus, read_status
from printer.transports import fit_profile, open_printer
from printer.uri import PrinterTarget, parse_printer_uri

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Notice:
    """Something staff should know that did not stop the slip."""

    code: str
    th: str
    en: str


PAPER_NEAR_END = Notice(
    "paper-near-end",
    "กระดาษใกล้หมด กรุณาเตรียมม้วนกระดาษใหม่",
    "The paper roll is nearly finished: please have a new roll ready.",
)
STATUS_UNKNOWN = Notice(
    "printer-status-unknown",
    "ไม่สามารถอ่านสถานะเครื่องพิมพ์ได้ กรุณาตรวจดูว่าใบนัดพิมพ์ออกมาครบ",
    "The printer did not report its status: please check that the slip came out whole.",
)


@dataclass(frozen=True, slots=True)
class PrintResult:
    """How a print went; `bytes_sent` is the job's size (for a preview, the PNG file's)."""

    where: str
    bytes_sent: int
    before: PrinterStatus
    after: PrinterStatus
    notices: tuple[Notice, ...] = ()
    preview: Path | None = None


def encode_job(image: Image.Image, paper: Paper) -> bytes:
    """The ESC/POS bytes of one slip: initialise, GS v 0 raster, full cut."""
    if image.mode != "1":
        raise ValueError("the slip image must be 1-bit (mode '1')")
    job = Dummy()
    fit_profile(job, paper)
    job.hw("INIT")
    job.image(image, impl="bitImageRaster")
    job.cut(mode="FULL")
    return job.output


def print_image(
    image: Image.Image,
    printer: str | PrinterTarget,
    paper: Paper,
    *,
    name: str = "slip",
) -> PrintResult:
    """Print one slip image on the printer at `printer` (a URI or a parsed target).

    Raises a `PrinterError` subclass if the slip did not (or may not fully) print; the caller
    keeps whatever it was printing for and offers a reprint.
    """
    target = parse_printer_uri(printer) if isinstance(printer, str) else printer
    if target.scheme == "preview":
        return _preview(image, target, name)
    job = encode_job(image, paper)
    where = str(target)
    device = open_printer(target, paper)
    try:
        before = _status(device, target)
        problem = before.problem(where)
        if problem is not None:
            log.warning("not printing: %s (%s)", problem.code, before.describe())
            raise problem
        try:
            device._raw(job)  # the python-escpos seam: one write of the whole job
        except Exception as exc:  # noqa: BLE001 - socket, pyserial, pyusb, lp each differ
            raise PrintFailed(where, _reason(exc)) from None
        after = _status(device, target)
    except BaseException:
        _close_quietly(device)
        raise
    _close(device, where)
    problem = after.problem(where)
    if problem is not None:
        log.warning("slip may be incomplete: %s (%s)", problem.code, after.describe())
        raise PrintMayBeIncomplete(where, problem)
    notices = []
    if "near-end" in (before.paper, after.paper):
        notices.append(PAPER_NEAR_END)
    if target.reads_status and not (before.readable and after.readable):
        notices.append(STATUS_UNKNOWN)
    log.info("printed %s: %d bytes to %s", name, len(job), where)
    return PrintResult(where, len(job), before, after, tuple(notices))


def print_slip(slip: SlipData, printer: str | PrinterTarget, paper: Paper) -> PrintResult:
    """Render `slip` and print it: what the kiosk does after a booking or a decision."""
    image = render_slip(slip, paper)
    name = f"{slip.printed_at:%Y%m%d-%H%M%S}-{slip.kind}"
    return print_image(image, printer, paper, name=name)


def _status(device: object, target: PrinterTarget) -> PrinterStatus:
    if not target.reads_status:
        return PrinterStatus.unreadable(f"{target.scheme}:// cannot carry replies")
    return read_status(device)  # type: ignore[arg-type]


def _close(device: object, where: str) -> None:
    """Close; for cups:// this is when `lp` takes the job, so a failure here is a failed print."""
    try:
        device.close()  # type: ignore[attr-defined]
    except Exception as exc:  # noqa: BLE001
        raise PrintFailed(where, _reason(exc)) from None


def _close_quietly(device: object) -> None:
    """Close after another failure, which is the one to report."""
    try:
        device.close()  # type: ignore[attr-defined]
    except Exception as exc:  # noqa: BLE001
        log.info("closing the printer after a failure also failed: %s", _reason(exc))


def _preview(image: Image.Image, target: PrinterTarget, name: str) -> PrintResult:
    directory = Path(target.path)
    try:
        directory.mkdir(parents=True, exist_ok=True)
        path = _free_name(directory, name)
        image.save(path, format="PNG")
        path.chmod(0o600)  # a slip shows a name: readable by the kiosk user only
    except OSError as exc:
        raise PrintFailed(str(target), _reason(exc)) from None
    status = PrinterStatus.unreadable("preview")
    log.info("slip preview written: %s", path)
    return PrintResult(str(target), path.stat().st_size, status, status, preview=path)


def _free_name(directory: Path, name: str) -> Path:
    safe = "".join(ch if ch.isalnum() or ch in "-_." else "-" for ch in name) or "slip"
    path = directory / f"{safe}.png"
    n = 2
    while path.exists():
        path = directory / f"{safe}-{n}.png"
        n += 1
    return path


def _reason(exc: BaseException) -> str:
    return " ".join((str(exc) or type(exc).__name__).split())[:200]
