"""`kiosk doctor`: one command that says why a terminal misbehaves, and what to do about it."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from kiosk.cli.inputs import config_arg
from kiosk.health import Check, fail, ok, verdict

STATUS_WORDS = {"ok": "OK", "warn": "WARN", "fail": "FAIL"}


def register(sub: argparse._SubParsersAction) -> None:
    doc = sub.add_parser(
        "doctor",
        help="check everything the terminal needs and say how to fix what fails",
        description=(
            "Checks config, token, central (reachable, clock, keys, rule set), reader, "
            "printer (status and paper), journal, queue, terminal key (present, 0600), "
            "seat leases (warns when none is usable although leases have been refreshed "
            "for 30 min and the last refresh is under 15 min old; warns for spent seats "
            "not yet sent past their lease, fails when their slot starts within the hour;"
            " fails on a reference mismatch), disk, an unanswered staff call and a"
            " clerk's pause; one line each with the fix; exit 1"
            " if anything fails."
        ),
    )
    config_arg(doc)
    doc.add_argument(
        "--json",
        action="store_true",
        help='print {"verdict", "checks", "staff": {"call", "paused"}} as one JSON object',
    )
    doc.set_defaults(handler=cmd_doctor)


def run_checks(config_path: Path | None, staff: dict | None = None) -> list[Check]:
    """Every check; `staff`, if given, is filled with the open staff call and the pause."""
    from kiosk import config as cfg
    from kiosk.config import ConfigError
    from kiosk.errors import KioskError
    from sync.terminal import Terminal

    try:
        config = cfg.load(config_path)
    except ConfigError as exc:
        return [fail("config", exc.en, "run kiosk provision, or fix the named key")]
    checks = [ok("config", str(config.path))]
    try:
        token = config.token()
        checks.append(ok("token", f"{config.token_file} (readable by this user only)"))
    except ConfigError as exc:
        checks.append(fail("token", exc.en, "re-run kiosk provision, or chmod 600 the file"))
        token = ""
    try:
        terminal = Terminal(config, token=token)
    except KioskError as exc:
        return [*checks, fail("terminal", exc.en, "see the message")]
    try:
        checks += terminal_checks(terminal, probe_central=bool(token), staff=staff)
    finally:
        terminal.close()
    return checks


def terminal_checks(
    terminal, *, probe_central: bool, staff: dict | None = None, facts: dict | None = None
) -> list[Check]:
    """The checks of a terminal already open (`kiosk doctor`, and the health report every
    minute, which leaves the central out: the report reaching it says as much).
    `facts`, if given, gets `paper` (ok, near-end, out, unknown) from the printer's status."""
    from kiosk.card.health import reader_check
    from printer.health import printer_check_and_paper
    from sync import health

    config = terminal.config
    checks: list[Check] = []
    if probe_central:
        checks += health.central_checks(terminal)
    checks.append(reader_check(config.reader_name))
    printer, paper = printer_check_and_paper(config.printer_uri, config.paper)
    checks.append(printer)
    if facts is not None:
        facts["paper"] = paper
    checks += health.journal_checks(terminal)
    checks.append(health.terminal_key_check(terminal))
    checks += health.lease_checks(terminal)
    checks.append(health.disk_check(terminal))
    checks += health.staff_checks(terminal)
    if staff is not None:
        staff.update(health.staff_state(terminal))
    return checks


def cmd_doctor(args: argparse.Namespace) -> int:
    staff: dict = {"call": None, "paused": None}
    checks = run_checks(args.config, staff)
    result = verdict(checks)
    if args.json:
        out = {"verdict": result, "checks": [c.to_json() for c in checks], "staff": staff}
        print(json.dumps(out, ensure_ascii=False))
    else:
        width = max(len(c.name) for c in checks)
        for c in checks:
            print(f"{STATUS_WORDS[c.status]:<5} {c.name:<{width}}  {c.detail}")
            if c.fix and c.status != "ok":
                print(f"{'':<5} {'':<{width}}  fix: {c.fix}")
        failures = sum(c.status == "fail" for c in checks)
        if result == "fail":
            print(
                f"\nไม่ผ่าน: ต้องแก้ไข {failures} รายการ / FAIL: {failures} problem(s) to fix",
                file=sys.stdout,
            )
        elif result == "warn":
            print("\nใช้งานได้ แต่มีข้อควรตรวจสอบ / OK with warnings: the terminal can book")
        else:
            print("\nพร้อมใช้งาน / OK: the terminal can book")
    return 1 if result == "fail" else 0
