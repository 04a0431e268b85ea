"""`kiosk slip render`, `kiosk slip print` and `kiosk print-test`.

`printer` is imported inside the handlers only: `kiosk card read` must not pay for Pillow,
python-escpos and the Thai dictionary, and the architecture test checks that it does not.
"""

from __future__ import annotations

import argparse
import sys
from datetime import datetime
from pathlib import Path

from kiosk.dates import BANGKOK
from kiosk.errors import InputError

PAPERS = ("80", "58")


def register(sub: argparse._SubParsersAction) -> None:
    slip = sub.add_parser("slip", help="render or print a booking slip")
    slip_sub = slip.add_subparsers(dest="slip_command", required=True, metavar="ACTION")

    render = slip_sub.add_parser(
        "render",
        help="render a slip to a PNG file",
        description=(
            "Renders the slip for a booking or a decision (format in "
            "`printer/slip_data.py`) as the 1-bit picture the printer prints."
        ),
    )
    _booking_args(render)
    render.add_argument("--out", required=True, type=Path, metavar="SLIP.png")
    render.set_defaults(handler=cmd_render)

    prt = slip_sub.add_parser(
        "print",
        help="print a slip on a printer",
        description=(
            "Prints it as the kiosk does after a booking: status before, GS v 0 raster, "
            "full cut, status after."
        ),
    )
    _booking_args(prt)
    _printer_arg(prt)
    prt.set_defaults(handler=cmd_print)

    test = sub.add_parser(
        "print-test",
        help="print a test slip (Thai marks, QR code, ruler) and show the printer status",
        description=(
            "Prints a test slip (Thai marks, wrapping, QR code, a millimetre ruler) and "
            "shows the printer status before and after."
        ),
    )
    _printer_arg(test)
    test.add_argument("--paper", choices=PAPERS, default="80", help="paper width in mm")
    test.set_defaults(handler=cmd_print_test)


def _booking_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--booking", required=True, type=Path, metavar="BOOKING.json")
    parser.add_argument("--paper", choices=PAPERS, default="80", help="paper width in mm")


def _printer_arg(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--printer",
        metavar="URI",
        help="usb://VID:PID, serial:///dev/ttyUSB0?baud=N, tcp://HOST:9100, file:///PATH, "
        "cups://QUEUE or preview://DIR (default: preview://./slips)",
    )


def _load_slip(path: Path):
    from kiosk.cli.inputs import read_json
    from printer.slip_data import parse_slip

    return parse_slip(read_json(path, "booking"), now=datetime.now(BANGKOK))


def cmd_render(args: argparse.Namespace) -> int:
    from printer.fonts import require_raqm
    from printer.paper import paper
    from printer.slip import render_slip

    require_raqm()
    slip = _load_slip(args.booking)
    image = render_slip(slip, paper(int(args.paper)))
    try:
        image.save(args.out, format="PNG")
    except (OSError, ValueError) as exc:
        raise InputError(
            f"cannot write the slip to {str(args.out)!r}: {exc}", "บันทึกไฟล์ใบนัดไม่ได้"
        ) from None
    print(f"{slip.kind} slip, {image.width}x{image.height} dots, written to {args.out}")
    return 0


def cmd_print(args: argparse.Namespace) -> int:
    from printer.fonts import require_raqm
    from printer.output import print_slip
    from printer.paper import paper
    from printer.uri import parse_printer_uri, resolve_printer_uri

    require_raqm()
    target = parse_printer_uri(resolve_printer_uri(args.printer))
    slip = _load_slip(args.booking)
    result = print_slip(slip, target, paper(int(args.paper)))
    _report(result)
    return 0


def cmd_print_test(args: argparse.Namespace) -> int:
    from printer.fonts import require_raqm
    from printer.output import print_image
    from printer.paper import paper
    from printer.status import PrinterStatus, read_status
    from printer.testslip import render_test_slip
    from printer.transports import open_printer
    from printer.uri import parse_printer_uri, resolve_printer_uri

    require_raqm()
    target = parse_printer_uri(resolve_printer_uri(args.printer))
    sheet = paper(int(args.paper))
    before = PrinterStatus.unreadable(f"{target.scheme}:// cannot carry replies")
    if target.reads_status:
        device = open_printer(target, sheet)
        try:
            before = read_status(device)
        finally:
            device.close()
    print(f"Printer: {target}")
    print(f"Status before: {before.describe()}")
    image = render_test_slip(sheet, str(target), datetime.now(BANGKOK), before.describe())
    result = print_image(image, target, sheet, name="print-test")
    _report(result)
    return 0


def _report(result) -> None:
    if result.preview is not None:
        print(f"Slip preview written to {result.preview}")
    else:
        print(f"Sent {result.bytes_sent} bytes to {result.where}")
        print(f"Status after: {result.after.describe()}")
    for notice in result.notices:
        print(f"notice [{notice.code}]: {notice.th}", file=sys.stderr)
        print(f"notice [{notice.code}]: {notice.en}", file=sys.stderr)
