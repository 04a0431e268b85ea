"""The `kiosk` command: the composition root.

This package is the one place in `kiosk` allowed to import `ui`, `sync` and `printer`, and it
imports each lazily inside the subcommand that needs it, so `kiosk card read` or
`kiosk eligibility` never load Qt.

Every subcommand reports failures the same way: the error's Thai and English message on stderr,
the error's code in brackets, and the error's own exit status (2 bad input, 3 terminal problem,
4 card missing, 5 card unreadable). No traceback reaches a user unless `--debug` asks for one.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

from kiosk import __version__
from kiosk.errors import run_reporting


def build_parser() -> argparse.ArgumentParser:
    from kiosk.cli import (
        booking,
        booking_change,
        card,
        demo,
        doctor,
        eligibility,
        health,
        provision,
        slip,
        touchscreen,
    )

    parser = argparse.ArgumentParser(
        prog="kiosk",
        description="Thai Ruam Jai store kiosk: read ID cards, decide eligibility, book, print.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("-v", "--verbose", action="count", default=0, help="log more (repeat)")
    parser.add_argument("--debug", action="store_true", help="show tracebacks of unexpected errors")
    parser.add_argument(
        "--log-file", metavar="FILE", help="also log to FILE (reopened when logrotate moves it)"
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    card.register(sub)
    eligibility.register(sub)
    booking.register(sub)
    booking_change.register(sub)
    demo.register(sub)
    slip.register(sub)
    doctor.register(sub)
    health.register(sub)
    provision.register(sub)
    touchscreen.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    level = (logging.WARNING, logging.INFO, logging.DEBUG)[min(args.verbose, 2)]
    fmt = "%(asctime)s %(levelname)s %(name)s: %(message)s"
    logging.basicConfig(level=level, format=fmt)
    if args.log_file:
        from logging.handlers import WatchedFileHandler

        try:
            handler = WatchedFileHandler(args.log_file, encoding="utf-8")
        except OSError as exc:
            print(
                f"error [bad-input]: cannot open the log file {args.log_file}: {exc.strerror}",
                file=sys.stderr,
            )
            return 2
        handler.setFormatter(logging.Formatter(fmt))
        handler.setLevel(min(level, logging.INFO))
        logging.getLogger().addHandler(handler)
        logging.getLogger().setLevel(min(level, logging.INFO))
    return run_reporting(lambda: args.handler(args), debug=args.debug, stream=sys.stderr)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
