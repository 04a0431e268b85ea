"""`kiosk-central fleet`: every terminal's state and why it needs attention (DESIGN §13)."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable

from central.fleet import REASONS, STATES


def add_parsers(sub: argparse._SubParsersAction, db_command: Callable) -> None:
    p = db_command(
        sub,
        "fleet",
        help="each terminal's state and attention reasons",
        description=(
            "Lists every enrolled kiosk terminal with a live token: `terminal_id`, `store`, "
            "`state` (online: reported within 2 intervals + 60 s; stale: up to 15 min; "
            "offline; never-seen: enrolled, never reported), `last_seen` and `attention` "
            "(`{reason, level}`, level warn or fail: "
            + "; ".join(f"{k}: {v}" for k, v in REASONS.items())
            + "). The state is computed at `--now` (default: now) from the last report."
        ),
    )
    p.add_argument("--json", action="store_true", help="print one JSON array of terminals")
    p.add_argument("--state", choices=STATES, help="only the terminals in this state")
    p.add_argument(
        "--attention", action="store_true", help="only the terminals with an attention reason"
    )
    p.add_argument("--store", dest="store_name", metavar="STORE", help="only this store's")
    p.set_defaults(handler=cmd_fleet)


def cmd_fleet(args: argparse.Namespace) -> int:
    from central.cli import _settings, _store
    from central.fleet_view import fleet_entries

    now = _settings(args).clock()
    entries = fleet_entries(
        _store(args),
        now,
        state=args.state,
        store_name=args.store_name,
        attention_only=args.attention,
    )
    if args.json:
        print(json.dumps([e.to_json() for e in entries], ensure_ascii=False))
        return 0
    for e in entries:
        seen = "never" if e.last_seen is None else e.last_seen.isoformat(timespec="seconds")
        why = ", ".join(f"{r.reason}:{r.level}" for r in e.attention) or "-"
        print(f"{e.terminal_id:<20} {e.store:<20} {e.state:<10} {seen:<25} {why}")
    counts = {s: sum(e.state == s for e in entries) for s in STATES}
    print(
        f"{len(entries)} terminal(s): " + ", ".join(f"{s} {n}" for s, n in counts.items()),
        file=sys.stderr,
    )
    return 0
