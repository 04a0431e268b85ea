"""`kiosk-central fleet`: every terminal's state and why it needs attention (DESIGN §13)."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable

from central.fleet import REASONS, STATES
from central.fleet_reads import UNKNOWN_DISTRICT


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
            + "). The state is computed at `--now` (default: now) from the last report. "
            "The same reads as the operations console (central/fleet_reads.py); `--json` adds "
            "each terminal's store name, district, queue, printer and rule set."
        ),
    )
    p.add_argument("--json", action="store_true", help="print one JSON array of terminals")
    p.add_argument("--state", choices=STATES, help="only the terminals in this state")
    p.add_argument(
        "--attention", action="store_true", help="only the terminals with an attention reason"
    )
    p.add_argument(
        "--reason",
        metavar="R[:LEVEL]",
        help="only the terminals with this attention reason (any level, or :warn / :fail)",
    )
    p.add_argument("--store", dest="store_name", metavar="STORE", help="only this store's")
    p.add_argument(
        "--district",
        metavar="D",
        help="only the terminals of stores in this district (Thai or English name; "
        f"{UNKNOWN_DISTRICT} for stores not listed by `stores import`)",
    )
    p.set_defaults(handler=cmd_fleet)


def cmd_fleet(args: argparse.Namespace) -> int:
    from central.cli import _settings, _store
    from central.fleet_reads import MAX_PER_PAGE, BadFleetQuery, TerminalQuery, terminals
    from kiosk.errors import InputError

    now = _settings(args).clock()
    store = _store(args)
    rows = []
    page = 1
    while True:
        try:
            query = TerminalQuery(
                state=args.state,
                reason=args.reason,
                store=args.store_name,
                district=args.district,
                page=page,
                per_page=MAX_PER_PAGE,
            )
        except BadFleetQuery as exc:
            raise InputError(exc.en, th=exc.th) from None
        got = terminals(store, now, query)
        rows += got.rows
        if page >= got.pages:
            break
        page += 1
    if args.attention:
        rows = [r for r in rows if r.attention]
    if args.json:
        print(json.dumps([r.to_json() for r in rows], ensure_ascii=False))
        return 0
    for r in rows:
        seen = "never" if r.last_seen is None else r.last_seen.isoformat(timespec="seconds")
        why = ", ".join(f"{reason}:{level}" for reason, level in r.attention) or "-"
        district = r.district_en or UNKNOWN_DISTRICT
        print(f"{r.terminal_id:<20} {r.store:<20} {district:<16} {r.state:<10} {seen:<25} {why}")
    counts = {s: sum(r.state == s for r in rows) for s in STATES}
    print(
        f"{len(rows)} terminal(s): " + ", ".join(f"{s} {n}" for s, n in counts.items()),
        file=sys.stderr,
    )
    return 0
