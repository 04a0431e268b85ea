"""`kiosk booking change`: the phone number or occupation of a booking, as the kiosk changes it.

The same function as the touchscreen (kiosk/booking/contact_change.py): the citizen's active
booking is looked up by the card, then PATCHed at the version just read (If-Match). Never
queued: without the central it says so and exits 6. The phone is shown masked, always (the
central answers it masked; a technician's terminal scrollback is no place for it).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from kiosk.cli.inputs import config_arg
from kiosk.errors import InputError

#: How long the command waits for the central, per request (a person is not waiting here).
DEADLINE = 10.0


def register(sub: argparse._SubParsersAction) -> None:
    booking = sub.add_parser("booking", help="an existing booking: change its phone or occupation")
    booking_sub = booking.add_subparsers(dest="booking_command", required=True, metavar="ACTION")
    change = booking_sub.add_parser(
        "change",
        help="change the phone number or occupation of the card's booking",
        description=(
            "Changes the phone number the SMS goes to, or the occupation, of the active booking "
            "of the citizen on the card, as the kiosk does: looked up by the card, then changed "
            "at the version just read (If-Match); never queued. Prints the booking as the "
            'central now holds it, the phone masked (`--json`: `{"status": "changed", '
            '"reference", "version", "booking_status", "slot_id", "phone", "occupation"}`). '
            "Exit 0 changed; 2 bad input "
            "(a phone that is not a Thai mobile number, an unknown occupation, nothing to "
            "change); 6 the central cannot be reached (a change needs the connection); 7 no "
            "active booking, or the booking changed elsewhere meanwhile (412: the booking as it "
            'now stands is printed, `--json`: `{"status": "conflict", "current"}`).'
        ),
    )
    config_arg(change)
    change.add_argument(
        "--card", required=True, type=Path, metavar="CARD.json", help="the card (JSON, DESIGN §3)"
    )
    change.add_argument(
        "--phone", metavar="P", help="the new mobile number (10 digits, 06/08/09; +66 accepted)"
    )
    change.add_argument(
        "--occupation", metavar="CODE", help="the new occupation's code (from the central's list)"
    )
    change.add_argument(
        "--occupation-other", metavar="TEXT", help="the occupation's words, with --occupation other"
    )
    change.add_argument(
        "--json", action="store_true", help="print the changed booking as one JSON object"
    )
    change.set_defaults(handler=cmd_booking_change)


def _occupation(args: argparse.Namespace, known: list[str]):
    from kiosk.booking import Occupation

    other = (args.occupation_other or "").strip()
    if args.occupation is None:
        if other:
            raise InputError(
                "--occupation-other needs --occupation other",
                "--occupation-other ใช้กับ --occupation other เท่านั้น",
            )
        return None
    if args.occupation == "other" and not other:
        raise InputError(
            "--occupation other needs --occupation-other TEXT", "กรุณาระบุอาชีพ (--occupation-other)"
        )
    if args.occupation != "other" and other:
        raise InputError(
            "--occupation-other goes with --occupation other only",
            "--occupation-other ใช้กับ --occupation other เท่านั้น",
        )
    if known and args.occupation not in known:
        raise InputError(
            f"occupation {args.occupation!r} is not one the central accepts; "
            f"choose one of: {', '.join(known)}",
            "รหัสอาชีพไม่ถูกต้อง",
        )
    return Occupation(args.occupation, other or None)


def cmd_booking_change(args: argparse.Namespace) -> int:
    from kiosk.booking.contact_change import (
        ChangedElsewhere,
        NothingToChange,
        change_contact,
        find_booking,
    )
    from kiosk.booking.phone import normalise
    from kiosk.card.errors import CardDataError
    from kiosk.card.model import Card
    from kiosk.cli.booking import _terminal
    from kiosk.cli.inputs import read_json

    try:
        card = Card.from_json(read_json(args.card, "card"))
    except CardDataError as exc:
        raise InputError(f"card file {str(args.card)!r}: {exc.en}", exc.th) from None
    phone = normalise(args.phone) if args.phone is not None else None  # PhoneError: exit 2
    terminal = _terminal(args)
    try:
        occupation = _occupation(args, [o["code"] for o in terminal.cache.occupations()])
        if phone is None and occupation is None:
            raise NothingToChange()
        client = terminal.client
        booking = find_booking(client, card.cid, DEADLINE)
        try:
            changed = change_contact(
                client, card.cid, booking, phone=phone, occupation=occupation, deadline=DEADLINE
            )
        except ChangedElsewhere as exc:
            _show("conflict", exc.current, args.json)
            raise
        _show("changed", changed, args.json)
        return 0
    finally:
        terminal.close()


def _masked(booking: dict[str, Any] | Any) -> dict[str, Any]:
    from kiosk.booking.phone import masked

    phone = str(booking.get("phone") or "")
    return {
        "reference": booking.get("reference"),
        "version": booking.get("version"),
        "booking_status": booking.get("status"),
        "slot_id": booking.get("slot_id"),
        "phone": masked(phone) if phone.isdigit() else phone,
        "occupation": booking.get("occupation"),
    }


def _show(status: str, booking: Any, as_json: bool) -> None:
    shown = _masked(booking) if booking is not None else None
    if as_json:
        out = (
            {"status": "changed", **(shown or {})}
            if status == "changed"
            else {"status": "conflict", "current": shown}
        )
        print(json.dumps(out, ensure_ascii=False))
        return
    if status == "changed":
        print("เปลี่ยนข้อมูลแล้ว / Changed")
    else:
        print("การจองตอนนี้ / The booking as it now stands:", file=sys.stderr)
    if shown is None:
        print("  (ไม่มีการจองที่ยังมีผล / no active booking)", file=sys.stderr)
        return
    occ = shown.get("occupation") or {}
    lines = {
        "reference": shown["reference"],
        "version": shown["version"],
        "slot": shown["slot_id"],
        "phone": shown["phone"],
        "occupation": f"{occ.get('code')}" + (f": {occ['other']}" if occ.get("other") else ""),
    }
    stream = sys.stdout if status == "changed" else sys.stderr
    for key, value in lines.items():
        print(f"  {key}: {value}", file=stream)
