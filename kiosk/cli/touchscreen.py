"""`kiosk run` (the touchscreen), `kiosk technician set-pin` and `kiosk clerk set-pin`.

Qt is imported only inside `cmd_run`, so every other subcommand starts without it.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path

from kiosk.cli.inputs import config_arg
from kiosk.errors import InputError


def register(sub: argparse._SubParsersAction) -> None:
    run = sub.add_parser(
        "run",
        help="start the touchscreen kiosk",
        description=(
            "Starts the touchscreen full screen (frameless, on top) from the terminal "
            "config: card reader, central, journal, printer. `--windowed`: a 1280x800 "
            "window for staging and demos."
        ),
    )
    config_arg(run)
    run.add_argument(
        "--windowed",
        action="store_true",
        help="a normal window at 1280x800 instead of full screen (for staging and demos)",
    )
    run.set_defaults(handler=cmd_run)

    tech = sub.add_parser("technician", help="technician access to the touchscreen")
    tech_sub = tech.add_subparsers(dest="technician_command", required=True, metavar="ACTION")
    pin = tech_sub.add_parser(
        "set-pin",
        help="set the technician PIN (stored as a salted scrypt hash in the config)",
        description=(
            "Asks for the technician PIN (6 to 12 digits) and stores its salted scrypt "
            "hash as `[technician] pin_hash` in the terminal config; the PIN itself is "
            "never stored."
        ),
    )
    config_arg(pin)
    pin.add_argument(
        "--pin-stdin",
        action="store_true",
        help="read the PIN from the first line of standard input (for provisioning scripts)",
    )
    pin.set_defaults(handler=cmd_set_pin)

    clerk = sub.add_parser("clerk", help="store clerk access to the touchscreen")
    clerk_sub = clerk.add_subparsers(dest="clerk_command", required=True, metavar="ACTION")
    cpin = clerk_sub.add_parser(
        "set-pin",
        help="set the store clerks' PIN (stored as a salted scrypt hash in the config)",
        description="Ask for a new clerk PIN (6 to 12 digits, not the technician's) twice and "
        "store its salted scrypt hash as [clerk] pin_hash in the terminal config. Clerks open "
        "their screen by holding the bottom-right corner of a resting screen for 3 s, then this "
        "PIN. The PIN itself is never stored.",
    )
    config_arg(cpin)
    cpin.add_argument(
        "--pin-stdin",
        action="store_true",
        help="read the PIN from the first line of standard input (for provisioning scripts)",
    )
    cpin.set_defaults(handler=cmd_clerk_set_pin)


def cmd_run(args: argparse.Namespace) -> int:
    from kiosk import config
    from kiosk.cli.health import reporter_for
    from ui.app import run

    return run(config.load(args.config), windowed=args.windowed, reporter=reporter_for)


def cmd_set_pin(args: argparse.Namespace) -> int:
    from kiosk import config
    from kiosk.technician import check_pin_format, hash_pin

    path = args.config or config.default_path()
    config.load(path)  # a broken config is reported as such, before asking anything
    if args.pin_stdin:
        pin = sys.stdin.readline().strip()
    else:
        pin = getpass.getpass("New technician PIN (6-12 digits): ")
        if getpass.getpass("The same PIN again: ") != pin:
            raise InputError("the two PINs differ; nothing was changed", "รหัส PIN สองครั้งไม่ตรงกัน")
    check_pin_format(pin)
    config.set_value(Path(path), "technician", "pin_hash", hash_pin(pin))
    print(f"technician PIN set in {path} (stored as a salted scrypt hash)", file=sys.stderr)
    return 0


def cmd_clerk_set_pin(args: argparse.Namespace) -> int:
    from kiosk import config
    from kiosk.clerk import hash_clerk_pin

    path = args.config or config.default_path()
    loaded = config.load(path)  # a broken config is reported as such, before asking anything
    if args.pin_stdin:
        pin = sys.stdin.readline().strip()
    else:
        pin = getpass.getpass("New clerk PIN (6-12 digits): ")
        if getpass.getpass("The same PIN again: ") != pin:
            raise InputError("the two PINs differ; nothing was changed", "รหัส PIN สองครั้งไม่ตรงกัน")
    stored = hash_clerk_pin(pin, loaded.technician_pin_hash)
    config.set_value(Path(path), "clerk", "pin_hash", stored)
    print(f"clerk PIN set in {path} (stored as a salted scrypt hash)", file=sys.stderr)
    return 0
