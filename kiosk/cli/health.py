"""`kiosk health report`, and the health reporter `kiosk run` and `kiosk sync run` start.

The report (sync/health_report.py) is built here, where the doctor's checks of every package
can be gathered; the central itself is left out of the periodic checks, since the report
reaching it is the proof it is reachable, and the client's clock offset is the terminal's.
"""

from __future__ import annotations

import argparse
import json
import sys

from kiosk.cli.inputs import config_arg

EXIT_NOT_SENT = 3


def register(sub: argparse._SubParsersAction) -> None:
    hp = sub.add_parser("health", help="the health report this terminal sends to the central")
    hp_sub = hp.add_subparsers(dest="health_command", required=True, metavar="ACTION")
    rep = hp_sub.add_parser(
        "report",
        help="build a health report, send it, print it (exit 0 sent, 3 not sent)",
        description=(
            "Builds the health report of DESIGN §13 (software and rule-set versions, each "
            "doctor check with its status and detail, queue, leases, printer and paper, "
            "reader, clock offset, last successful sync, staff call and pause; no personal "
            "data; at most 1 KB), sends it to PUT /v1/terminals/me/health, and prints it. "
            "`kiosk run` and `kiosk sync run` send one on start, every 60 s and on a clean "
            "stop. A report that is not sent is not queued: the next one replaces it. "
            "Exit 0 when the central took it, 3 when it did not."
        ),
    )
    config_arg(rep)
    rep.add_argument("--json", action="store_true", help='print {"sent", "error", "report"}')
    rep.set_defaults(handler=cmd_health_report)


def build_for(terminal, clock_offset=None) -> dict:
    """One report of an open terminal, its checks gathered now."""
    from kiosk.cli.doctor import terminal_checks
    from sync.health_report import build_report

    staff: dict = {"call": None, "paused": None}
    facts: dict = {}
    checks = terminal_checks(terminal, probe_central=False, staff=staff, facts=facts)
    return build_report(
        terminal,
        checks,
        clock_offset=clock_offset,
        printer_paper=facts.get("paper", "unknown"),
        staff=staff,
    )


def reporter_for(terminal, interval: float = 60.0):
    """The reporter of a running terminal (start it; `stop()` sends the last report).

    It reads through a terminal of its own, opened for each report: the running one's journal
    is a SQLite connection of the thread that opened it, and the reporter runs in its own
    thread (and sends the last report from whichever thread stops it). It sends with a client
    of its own too, so a report that fails does not trip the booking path's circuit breaker;
    the clock offset it reports is the running client's, the one bookings are stamped with."""
    from sync.health_report import HealthReporter
    from sync.terminal import Terminal

    def build() -> dict:
        own = Terminal(terminal.config)
        try:
            return build_for(own, clock_offset=terminal.client.clock_offset)
        finally:
            own.close()

    sender = Terminal(terminal.config).client  # no journal opened: only the client is used
    return HealthReporter(sender, build, interval=interval, on_stop=sender.close)


def cmd_health_report(args: argparse.Namespace) -> int:
    from kiosk import config
    from sync.health_report import HealthReporter, size
    from sync.terminal import Terminal

    terminal = Terminal(config.load(args.config))
    try:
        built: dict = {}

        def build() -> dict:
            built.update(build_for(terminal))
            return built

        reporter = HealthReporter(terminal.client, build)
        sent = reporter.send_once()
    finally:
        terminal.close()
    if args.json:
        print(json.dumps({"sent": sent, "error": reporter.last_error, "report": built}))
    else:
        print(json.dumps(built, ensure_ascii=False, indent=1))
        if sent:
            print(f"sent / ส่งแล้ว ({size(built)} bytes)", file=sys.stderr)
        else:
            print(
                f"not sent / ส่งไม่สำเร็จ: {reporter.last_error}; the next report replaces it / "
                "รายงานครั้งถัดไปจะส่งแทน",
                file=sys.stderr,
            )
    return 0 if sent else EXIT_NOT_SENT
