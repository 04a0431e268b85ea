"""`kiosk book`, `kiosk sync run|status`, `kiosk journal list` and `kiosk leases list`."""

from __future__ import annotations

import argparse
import json
import signal
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from kiosk.cli.health import reporter_for
from kiosk.cli.inputs import config_arg
from kiosk.errors import InputError

#: How often a long-running `kiosk sync run` refreshes the offline cache.
REFRESH_SECONDS = 300


def register(sub: argparse._SubParsersAction) -> None:
    book = sub.add_parser(
        "book",
        help="make a booking exactly as the kiosk does",
        description=(
            "The whole booking as the kiosk makes it: eligibility (the registry asked "
            "when it matters), the journal first, then the central; confirmed, queued "
            "(the central unreachable) or rejected; then the slip on the configured "
            "printer. When the central provably was not reached (breaker open, no "
            "connection, 429/503) and the terminal holds a seat lease for the slot, the "
            "booking is confirmed at the terminal with the lease's final reference. "
            '`--json` prints `{"status", "confirmed_by", "booking_id", "reference", '
            '"code"}` (`confirmed_by`: `"central"`, `"terminal"`, or null when not '
            "confirmed). Exit 0 confirmed or queued, 7 refused."
        ),
    )
    config_arg(book)
    book.add_argument("--card", required=True, type=Path, metavar="CARD.json")
    book.add_argument("--answers", required=True, type=Path, metavar="ANSWERS.json")
    book.add_argument("--slot", required=True, metavar="SLOT_ID")
    book.add_argument("--phone", required=True, metavar="0812345678")
    book.add_argument("--occupation", required=True, metavar="CODE")
    book.add_argument("--occupation-other", metavar="TEXT", help="with --occupation other")
    book.add_argument(
        "--json",
        action="store_true",
        help='print {"status", "confirmed_by", "booking_id", "reference", "code"}',
    )
    book.add_argument(
        "--no-print", action="store_true", help="do not print the slip on the configured printer"
    )
    book.set_defaults(handler=cmd_book)

    syn = sub.add_parser("sync", help="send queued bookings; show the queue")
    syn_sub = syn.add_subparsers(dest="sync_command", required=True, metavar="ACTION")
    run = syn_sub.add_parser(
        "run",
        help="replay the journal to the central",
        description=(
            "Refreshes the offline cache (config, keys, sites, availability, rule set, "
            "seat leases), then sends bookings confirmed at the terminal first (with "
            "their lease), then the queue oldest first, until interrupted (SIGINT or "
            "SIGTERM), or until none is left. Without --until-empty it also sends the "
            "health report (kiosk health report) on start, every 60 s and on that clean stop."
        ),
    )
    config_arg(run)
    run.add_argument(
        "--until-empty",
        action="store_true",
        help="stop once nothing is queued (exit 1 if that does not happen in --timeout seconds)",
    )
    run.add_argument(
        "--timeout", type=float, default=300.0, metavar="S", help="for --until-empty (300 s)"
    )
    # tests only: a shorter health-report interval than DESIGN §13's 60 s
    run.add_argument("--health-interval", type=float, default=60.0, help=argparse.SUPPRESS)
    run.set_defaults(handler=cmd_sync_run)
    status = syn_sub.add_parser(
        "status",
        help="queue counts, oldest age, last success and error",
        description=(
            "Counts per state (`confirmed-offline` included), oldest pending age, last success, "
            'last error, availability age, rule set, and `"leases": {"held", "spent", '
            '"seats_left"}` (seats in the leases held, seats spent not yet acknowledged by the '
            "central, seats usable now)."
        ),
    )
    config_arg(status)
    status.add_argument("--json", action="store_true")
    status.set_defaults(handler=cmd_sync_status)

    jr = sub.add_parser("journal", help="the local booking journal (no citizen IDs)")
    jr_sub = jr.add_subparsers(dest="journal_command", required=True, metavar="ACTION")
    lst = jr_sub.add_parser(
        "list",
        help="list journaled bookings, newest first (no citizen ID: the journal keeps none)",
        description="The journal, newest first. It holds no citizen ID: `by card` says whether a "
        "booking can still be found from its card (docs/journal-privacy.md).",
    )
    config_arg(lst)
    lst.add_argument("--limit", type=int, default=50, metavar="N", help="at most N bookings")
    lst.add_argument("--json", action="store_true", help="print one JSON array")
    lst.set_defaults(handler=cmd_journal_list)

    le = sub.add_parser("leases", help="the seat leases this terminal holds")
    le_sub = le.add_subparsers(dest="leases_command", required=True, metavar="ACTION")
    ll = le_sub.add_parser(
        "list",
        help="lease id, slot, seats, seats left, use until",
        description="The seat leases this terminal holds (granted by the central, DESIGN §11): "
        "lease id, slot, seats, seats left, use until (and `usable` now, by the central's "
        "clock).",
    )
    config_arg(ll)
    ll.add_argument("--json", action="store_true")
    ll.set_defaults(handler=cmd_leases_list)


def _terminal(args: argparse.Namespace):
    from kiosk import config
    from sync.terminal import Terminal

    return Terminal(config.load(args.config))


def cmd_book(args: argparse.Namespace) -> int:
    from kiosk.booking import NotBookable, Occupation
    from kiosk.card.errors import CardDataError
    from kiosk.card.model import Card
    from kiosk.cli.inputs import read_json
    from kiosk.eligibility import Answers
    from kiosk.session import slips

    try:
        card = Card.from_json(read_json(args.card, "card"))
    except CardDataError as exc:
        raise InputError(f"card file {str(args.card)!r}: {exc.en}", exc.th) from None
    if args.occupation == "other" and not (args.occupation_other or "").strip():
        raise InputError(
            "--occupation other needs --occupation-other TEXT", "กรุณาระบุอาชีพ (--occupation-other)"
        )
    terminal = _terminal(args)
    try:
        rule_set = terminal.cache.rule_set()
        answers = Answers.from_json(read_json(args.answers, "answers"), rule_set.condition_codes)
        decision = terminal.decide(card, answers)
        if decision.route == "ask":
            raise InputError(
                f"the answers are incomplete: the rules ask {decision.ask!r}",
                f"คำตอบยังไม่ครบ: {decision.message.th}",
            )
        site, slot = _find_slot(terminal, args.slot)
        known = [o["code"] for o in terminal.cache.occupations()]
        if known and args.occupation not in known:
            raise InputError(
                f"occupation {args.occupation!r} is not one the central accepts; "
                f"choose one of: {', '.join(known)}",
                "รหัสอาชีพไม่ถูกต้อง",
            )
        occupation = Occupation(args.occupation, (args.occupation_other or "").strip() or None)
        try:
            outcome = terminal.booking_service().book(
                card, answers, decision, site, slot, args.phone, occupation
            )
        except NotBookable:
            out = {
                "status": "rejected",
                "booking_id": None,
                "reference": None,
                "code": decision.code,
            }
            _print_outcome(out, args.json, decision.message.th, decision.message.en)
            if not args.no_print:
                _print_slip(terminal, slips.decision_slip(decision, card, _terminal_info(terminal)))
            return 7
        _print_outcome(outcome.to_json(), args.json, None, None)
        if outcome.status in ("confirmed", "queued") and not args.no_print:
            slip = slips.booking_slip(
                outcome, card, site, slot, _terminal_info(terminal), terminal.now()
            )
            # who confirmed it, and for one confirmed at the terminal the signed QR text that
            # kiosk-central check-slip verifies (printer/slip_data.py reads both)
            slip["confirmed_by"] = outcome.confirmed_by
            slip["slip_code"] = outcome.slip_code
            _print_slip(terminal, slip)
        return 0 if outcome.status in ("confirmed", "queued") else 7
    finally:
        terminal.close()


def _find_slot(terminal, slot_id: str):
    found = terminal.cache.find_slot(slot_id)
    if found is None:  # perhaps newer than the cache: ask the central once
        terminal.cache.refresh(terminal.client)
        found = terminal.cache.find_slot(slot_id)
    if found is None:
        raise InputError(
            f"slot {slot_id!r} is not known (sites and slots come from the central; run "
            "kiosk sync run once online)",
            "ไม่พบช่วงเวลาที่เลือก",
        )
    return found


def _terminal_info(terminal) -> dict[str, str]:
    return {"id": terminal.config.terminal_id, "store": terminal.config.store}


def _print_slip(terminal, slip: dict[str, Any]) -> None:
    """Print as the kiosk does; printer trouble is reported and never undoes the booking."""
    from kiosk.errors import KioskError
    from printer.output import print_slip
    from printer.paper import paper
    from printer.slip_data import parse_slip

    try:
        result = print_slip(
            parse_slip(slip, now=terminal.now()),
            terminal.config.printer_uri,
            paper(terminal.config.paper),
        )
    except KioskError as exc:
        print(exc.lines("warning"), file=sys.stderr)
        print("The booking stands; reprint the slip later (kiosk slip print).", file=sys.stderr)
        return
    where = result.preview or result.where
    print(f"slip printed: {where}", file=sys.stderr)
    for notice in result.notices:
        print(f"notice [{notice.code}]: {notice.th} / {notice.en}", file=sys.stderr)


def _print_outcome(out: dict[str, Any], as_json: bool, th: str | None, en: str | None) -> None:
    if as_json:
        print(json.dumps(out, ensure_ascii=False))
        return
    words = {
        "confirmed": ("จองสำเร็จ", "Booked")
        if out.get("confirmed_by") != "terminal"
        else ("จองสำเร็จ (ยืนยันโดยเครื่องนี้)", "Booked (confirmed by this terminal)"),
        "queued": (
            "บันทึกการจองแล้ว รอส่งเข้าระบบ",
            "Queued; it will be sent when the central is reachable",
        ),
        "rejected": ("จองไม่สำเร็จ", "Not booked"),
    }[out["status"]]
    print(f"{words[0]} / {words[1]}")
    for key in ("reference", "confirmed_by", "booking_id", "code"):
        if out.get(key):
            print(f"  {key}: {out[key]}")
    if th and en:
        print(f"  {th}\n  {en}")


def cmd_sync_run(args: argparse.Namespace) -> int:
    terminal = _terminal(args)
    try:
        report = terminal.cache.refresh(terminal.client)
        if report.ok:
            print(
                f"cache refreshed: {report.sites} sites, {report.slots} slots, "
                f"rule set {report.rule_set}",
                file=sys.stderr,
            )
        else:
            print(f"cache not refreshed: {'; '.join(report.errors)}", file=sys.stderr)
        print(lease_line(report), file=sys.stderr)
        worker = terminal.replay_worker()
        if args.until_empty:
            done = worker.run_until_empty(terminal.journal, args.timeout)
            _print_status(_status(terminal), as_json=False)
            return 0 if done else 1
        worker.start()
        # the health report (DESIGN §13): on start, every 60 s, and on a clean stop
        reporter = reporter_for(terminal, args.health_interval).start()
        next_refresh = time.monotonic() + REFRESH_SECONDS
        previous = signal.signal(signal.SIGTERM, _interrupt)  # systemd's stop is a clean stop
        try:
            while True:
                time.sleep(1)
                if time.monotonic() >= next_refresh:  # keep offline availability fresh
                    terminal.cache.refresh(terminal.client)
                    next_refresh = time.monotonic() + REFRESH_SECONDS
        except KeyboardInterrupt:
            pass
        finally:
            signal.signal(signal.SIGTERM, previous)
            worker.stop()
            reporter.stop()  # the last report: this terminal stopped, it did not die
        return 0
    finally:
        terminal.close()


def _interrupt(*_: object) -> None:
    raise KeyboardInterrupt


def lease_line(report) -> str:
    """What the lease part of a cache refresh did, in one line: a technician watching `kiosk sync
    run` sees whether the terminal can confirm offline, and why not (ids and codes only)."""
    if report.lease_seats is None:
        fallback = "the cache was not refreshed" if not report.ok else "the central keys not pinned"
        reason = "; ".join(report.lease_errors) or fallback
        return f"leases not refreshed: {reason}"
    line = f"leases refreshed: {report.lease_seats} seats held"
    if report.leases_refused:
        line += f"; refused: {', '.join(report.leases_refused)}"
    return line


def _status(terminal) -> dict[str, Any]:
    journal = terminal.journal
    counts = journal.counts()
    oldest = journal.oldest_pending()
    now = datetime.now(UTC)
    age = (now - datetime.fromisoformat(oldest.created_utc)).total_seconds() if oldest else None
    success = journal.last_event(("confirmed", "rejected", "conflict"))
    error = journal.last_error()
    cache_age = terminal.cache.availability_age()
    return {
        "counts": counts,
        "oldest_pending_age_seconds": round(age, 1) if age is not None else None,
        "last_success": success["at_utc"] if success else None,
        "last_error": error["detail"] if error else None,
        "last_error_at": error["at_utc"] if error else None,
        "availability_age_seconds": round(cache_age.total_seconds()) if cache_age else None,
        "rule_set": terminal.cache.rule_set().id,
        "leases": lease_counts(journal, terminal.now()),
    }


def lease_counts(journal, now: datetime) -> dict[str, int]:
    """`held`: seats in the leases this terminal holds; `spent`: seats spent whose booking the
    central has not acknowledged yet; `seats_left`: seats it can confirm now (`now`: the
    central-corrected time)."""
    return {
        "held": sum(e.seats for e in journal.leases()),
        "spent": len(journal.spent_unacknowledged()),
        "seats_left": sum(journal.lease_seats(now).values()),
    }


def _print_status(status: dict[str, Any], as_json: bool) -> None:
    if as_json:
        print(json.dumps(status, ensure_ascii=False))
        return
    c = status["counts"]
    print("queue: " + ", ".join(f"{k} {v}" for k, v in c.items()))
    age = status["oldest_pending_age_seconds"]
    print(f"oldest pending: {'none' if age is None else f'{age:.0f} s'}")
    print(f"last success: {status['last_success'] or 'never'}")
    print(
        f"last error: {status['last_error'] or 'none'}"
        + (f" at {status['last_error_at']}" if status["last_error_at"] else "")
    )
    cache = status["availability_age_seconds"]
    print(f"availability cached: {'never' if cache is None else f'{cache // 60} min ago'}")
    print(f"rule set: {status['rule_set']}")
    leases = status["leases"]
    print(
        f"seat leases: {leases['held']} seat(s) held, {leases['seats_left']} usable now, "
        f"{leases['spent']} spent and not yet sent"
    )


def cmd_sync_status(args: argparse.Namespace) -> int:
    terminal = _terminal(args)
    try:
        _print_status(_status(terminal), args.json)
        return 0
    finally:
        terminal.close()


def cmd_journal_list(args: argparse.Namespace) -> int:
    terminal = _terminal(args)
    try:
        entries = terminal.journal.entries(limit=args.limit)
        if args.json:
            rows = [
                {
                    "booking_id": e.booking_id,
                    "state": e.state,
                    "finalized_at": e.finalized_at,
                    "site_id": e.site_id,
                    "slot_id": e.slot_id,
                    "findable_by_card": e.cid_key is not None,
                    "reference": e.reference,
                    "confirmed_by": e.confirmed_by,
                    "lease_id": e.lease_id,
                    "outcome": e.outcome_code,
                    "attempts": e.attempts,
                    "last_error": e.last_error,
                }
                for e in entries
            ]
            print(json.dumps(rows, ensure_ascii=False))
            return 0
        print(
            f"{'#':>5} {'state':<17} {'confirmed at':<26} {'by card':<8} {'slot':<24} "
            f"{'reference':<15} note"
        )
        for e in entries:
            note = e.outcome_code or e.last_error or ""
            print(
                f"{e.seq:>5} {e.state:<17} {e.finalized_at:<26} "
                f"{'yes' if e.cid_key else 'no':<8} "
                f"{e.slot_date + ' ' + e.slot_start:<24} {e.reference or '-':<15} {note}"
            )
        return 0
    finally:
        terminal.close()


def cmd_leases_list(args: argparse.Namespace) -> int:
    terminal = _terminal(args)
    try:
        now = terminal.now()
        entries = terminal.journal.leases()
        if args.json:
            print(
                json.dumps(
                    [{**e.to_json(), "usable": e.usable_at(now)} for e in entries],
                    ensure_ascii=False,
                )
            )
            return 0
        if not entries:
            print("ไม่มีที่นั่งสำรองไว้ที่เครื่องนี้ / no seat leases held (kiosk sync run fetches them)")
            return 0
        print(f"{'lease':<36} {'slot':<28} {'seats':>5} {'left':>5}  use until")
        for e in entries:
            until = e.use_until.astimezone(now.tzinfo).isoformat(timespec="minutes")
            mark = "" if e.usable_at(now) else "  (expired)"
            print(f"{e.lease_id:<36} {e.slot_id:<28} {e.seats:>5} {e.seats_left:>5}  {until}{mark}")
        return 0
    finally:
        terminal.close()
