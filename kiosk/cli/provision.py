"""`kiosk provision`: from a box to a terminal that books, in one command."""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

#: Where the appliance keeps its journal and cache (deploy/systemd/thairuamjai-kiosk.service).
SYSTEM_HOME = Path("/var/lib/thairuamjai-kiosk")


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "provision",
        help="enrol this terminal with the central and configure it",
        description=(
            "Puts a terminal into service: makes the terminal's Ed25519 slip key "
            "(`terminal-signing.key` beside the token, 0600) and enrols it with its "
            "public key, stores the token readable by the kiosk user only, pins the "
            "central's keys, caches config, rule set, sites, slots and seat leases, finds"
            " the card reader and a USB receipt printer, prints a test slip, writes the "
            "config. Safe to run again (the key is kept; one missing is made). "
            "`--reset-keys` accepts rotated central keys and makes a new terminal key, "
            "registered with `PUT /v1/terminals/me/key`."
        ),
    )
    p.add_argument("--central", required=True, metavar="URL")
    p.add_argument("--enrolment-code", required=True, metavar="CODE")
    p.add_argument("--store", metavar="ID", help="store id (required the first time)")
    p.add_argument("--terminal-id", metavar="ID", help="default: T-<hostname>")
    p.add_argument("--printer", metavar="URI", help="default: the USB receipt printer found")
    p.add_argument("--paper", type=int, choices=[58, 80], help="paper width (default 80)")
    p.add_argument("--reader", metavar="NAME", help="default: the only card reader present")
    p.add_argument("--ca-bundle", metavar="FILE", help="CA bundle for the central's TLS")
    p.add_argument(
        "--config",
        type=Path,
        metavar="FILE",
        help="where to write the config (default: the standard location)",
    )
    p.add_argument("--owner", metavar="USER", help="the kiosk user who must own token and data")
    p.add_argument(
        "--reset-keys",
        action="store_true",
        help="accept new central keys (only when the central rotated them) and make a new "
        "terminal signing key, registered with the central",
    )
    p.add_argument("--no-test-print", action="store_true")
    p.add_argument(
        "--pin-stdin",
        action="store_true",
        help="read the technician PIN from the first line of standard input (else it "
        "is asked for when there is a terminal and none is set yet)",
    )
    p.set_defaults(handler=cmd_provision)


def _readers() -> list[str]:
    from kiosk.card.errors import CardError
    from kiosk.card.pcsc import PcscContext

    try:
        with PcscContext() as ctx:
            return ctx.readers()
    except CardError:
        return []


def cmd_provision(args: argparse.Namespace) -> int:
    from kiosk import config as cfg
    from kiosk.errors import KioskError
    from printer.discover import usb_printers
    from sync.provision import ProvisionError, provision

    started = time.monotonic()
    env = dict(os.environ)
    if os.geteuid() == 0:  # installing the appliance: the paths the systemd unit uses
        config_path = args.config or cfg.SYSTEM_CONFIG
        env.setdefault("KIOSK_HOME", str(SYSTEM_HOME))
    else:
        config_path = args.config or cfg.default_path()
    say = lambda text: print(f"  ✓ {text}", file=sys.stderr)  # noqa: E731

    extra = {}
    pin_hash = _technician_pin(args, config_path)
    if pin_hash:
        extra["technician"] = {"pin_hash": pin_hash}
    readers = _readers()
    reader = args.reader
    if reader is not None and not any(reader.lower() in r.lower() for r in readers):
        raise ProvisionError(
            f"card reader {reader!r} not found; present: {', '.join(readers) or 'none'}",
            "ไม่พบเครื่องอ่านบัตรที่ระบุ",
            code="no-reader",
        )
    if reader is None:
        physical = [r for r in readers if not r.startswith("Virtual PCD")]
        reader = physical[0] if len(physical) == 1 else ""
    printer = args.printer
    if printer is None:
        found = usb_printers()
        if found:
            printer = found[0].uri
            say(f"receipt printer found: {found[0].describe()}")
    result = provision(
        url=args.central,
        code=args.enrolment_code,
        config_path=config_path,
        store=args.store,
        terminal_id=args.terminal_id,
        printer_uri=printer,
        paper=args.paper,
        reader=reader,
        ca_bundle=args.ca_bundle,
        owner=args.owner,
        reset_keys=args.reset_keys,
        extra=extra,
        env=env,
    )
    for step in result.steps:
        say(step)
    print("".join(f"  ! {w}\n" for w in result.warnings), end="", file=sys.stderr)
    say(
        f"card readers: {', '.join(readers) or 'none found (is pcscd running?)'}"
        + (f"; using {reader}" if reader else "; using the first one holding a card")
    )
    config = cfg.load(config_path, env=env)
    if not args.no_test_print:
        try:
            where = _test_print(config)
            say(f"test slip printed on {where}")
        except KioskError as exc:
            print(f"  ! test slip not printed: {exc.en}\n    {exc.th}", file=sys.stderr)
    if pin_hash:
        say("technician PIN set (stored as a salted scrypt hash)")
    elif "pin_hash" not in config_text(config_path):
        print("  ! no technician PIN yet: set one with kiosk technician set-pin", file=sys.stderr)
    say(f"config written to {config_path}")
    print(
        f"provisioned {result.terminal_id} for store {result.store} in "
        f"{time.monotonic() - started:.1f} s; check it with: kiosk doctor --config "
        f"{config_path}"
    )
    return 0


def config_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except OSError:
        return ""


def _technician_pin(args: argparse.Namespace, config_path: Path) -> str | None:
    """The PIN's hash, asked before anything else is done (a typo must not half-provision)."""
    import getpass

    from kiosk.errors import InputError
    from kiosk.technician import check_pin_format, hash_pin

    if args.pin_stdin:
        pin = sys.stdin.readline().strip()
    elif sys.stdin.isatty() and "pin_hash" not in config_text(config_path):
        pin = getpass.getpass("Technician PIN for this terminal (6-12 digits): ")
        if getpass.getpass("The same PIN again: ") != pin:
            raise InputError("the two PINs differ; nothing was changed", "รหัส PIN สองครั้งไม่ตรงกัน")
    else:
        return None
    check_pin_format(pin)
    return hash_pin(pin)


def _test_print(config) -> str:
    from datetime import datetime

    from kiosk.dates import BANGKOK
    from printer.fonts import require_raqm
    from printer.output import print_image
    from printer.paper import paper
    from printer.testslip import render_test_slip
    from printer.uri import parse_printer_uri

    require_raqm()
    p = paper(config.paper)
    image = render_test_slip(p, config.printer_uri, datetime.now(BANGKOK))
    result = print_image(image, parse_printer_uri(config.printer_uri), p, name="test")
    return str(result.preview or result.where)
