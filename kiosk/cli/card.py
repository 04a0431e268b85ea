"""`kiosk card read` and `kiosk card emulate`."""

from __future__ import annotations

import argparse
import json
import signal
import sys
from pathlib import Path

from kiosk.card import cid as cidlib
from kiosk.card.model import Card
from kiosk.errors import InputError


def register(sub: argparse._SubParsersAction) -> None:
    card = sub.add_parser("card", help="read or emulate a Thai national ID card")
    card_sub = card.add_subparsers(dest="card_command", required=True, metavar="ACTION")

    read = card_sub.add_parser(
        "read",
        help="read the card in a reader",
        description=(
            "Reads the Thai ID card in the named reader, or in the first reader holding a"
            " card. `--json` prints the card JSON of DESIGN §3 in full (for the "
            "technician; nothing read is logged); without it a summary with the citizen "
            "ID masked. `--photo` also reads the photo (never needed to book)."
        ),
    )
    read.add_argument("--reader", metavar="NAME", help="reader name (or a unique part of it)")
    read.add_argument("--photo", metavar="FILE", type=Path, help="also read the photo into FILE")
    read.add_argument("--json", action="store_true", help="print the full card JSON (DESIGN §3)")
    read.set_defaults(handler=cmd_read)

    emu = card_sub.add_parser(
        "emulate",
        help="present an emulated card in the vpcd virtual reader",
        description=(
            "Presents an emulated card in the vpcd virtual reader until interrupted; "
            "interrupting removes it."
        ),
    )
    emu.add_argument("card_json", metavar="CARD.json", type=Path)
    emu.add_argument(
        "--atr",
        choices=["3b67", "3b78", "3b79"],
        default="3b79",
        help="card generation to emulate (default 3b79)",
    )
    emu.add_argument("--port", type=int, default=35963, help="vpcd port (default 35963)")
    emu.add_argument("--host", default="127.0.0.1", help="vpcd host (default 127.0.0.1)")
    emu.add_argument("--photo", metavar="JPEG", type=Path, help="photo to put on the card")
    emu.set_defaults(handler=cmd_emulate)


def summary(card: Card) -> list[tuple[str, str]]:
    """The technician's view of a card: the citizen ID masked, the rest readable."""
    from kiosk import dates

    cat = card.category
    check = "check digit ok" if card.cid_valid else "CHECK DIGIT FAILS"
    born = f"{dates.card_thai(card.birth_date)} / {dates.card_gregorian(card.birth_date)}"
    return [
        ("Citizen ID", f"{card.masked_cid}  ({check}; {cat.value})"),
        ("Name (TH)", card.name_th.display(thai=True)),
        ("Name (EN)", card.name_en.display(thai=False)),
        ("Born", born),
        ("Gender", card.gender),
        ("Address", " / ".join(card.address.lines())),
        ("Province", card.address.province),
        ("Issued by", card.issuer),
        ("Issued", f"{dates.card_thai(card.issue_date)} / {dates.card_gregorian(card.issue_date)}"),
        (
            "Expires",
            f"{dates.card_thai(card.expiry_date)} / {dates.card_gregorian(card.expiry_date)}",
        ),
    ]


def print_summary(card: Card, out=sys.stdout) -> None:
    rows = summary(card)
    width = max(len(k) for k, _ in rows)
    for key, value in rows:
        print(f"{key + ':':<{width + 2}}{value}", file=out)


def cmd_read(args: argparse.Namespace) -> int:
    from kiosk.card.pcsc import read_card

    result = read_card(args.reader, photo=args.photo is not None)
    result.card.check()
    if args.photo is not None and result.card.photo is not None:
        try:
            args.photo.write_bytes(result.card.photo)
        except OSError as exc:
            raise InputError(
                f"cannot write the photo to {str(args.photo)!r}: {exc}", "บันทึกรูปถ่ายไม่ได้"
            ) from None
    if args.json:
        json.dump(result.card.to_json(), sys.stdout, ensure_ascii=False, indent=2)
        print()
        return 0
    print(f"{'Reader:':<12}{result.reader} (ATR {result.atr.hex(' ').upper()})")
    print_summary(result.card)
    photo = f", photo {len(result.card.photo)} bytes" if result.card.photo else ""
    print(
        f"Read in {result.stats.exchanges} exchanges ({result.stats.read_commands} READ BINARY), "
        f"{result.seconds * 1000:.0f} ms{photo}"
    )
    return 0


def cmd_emulate(args: argparse.Namespace) -> int:
    from kiosk.card.emulator import EncodeError, ThaiIdApplet
    from kiosk.card.errors import CardDataError
    from kiosk.card.vpcd import VirtualCard
    from kiosk.cli.inputs import read_json

    data = read_json(args.card_json, "card")
    if not isinstance(data, dict):
        raise InputError(f"card file {str(args.card_json)!r} must hold a JSON object")
    try:
        Card.from_json(data).check()
    except CardDataError as exc:
        print(f"warning: this card will not read cleanly: {exc.en}", file=sys.stderr)
    photo = None
    if args.photo is not None:
        try:
            photo = args.photo.read_bytes()
        except OSError as exc:
            raise InputError(f"cannot read the photo {str(args.photo)!r}: {exc}") from None
    try:
        applet = ThaiIdApplet.from_json(data, atr=args.atr, photo=photo)
    except (EncodeError, KeyError, TypeError, AttributeError) as exc:
        raise InputError(
            f"card file {str(args.card_json)!r} cannot be put on a card: {exc}",
            "ข้อมูลบัตรไม่สามารถบันทึกลงบัตรจำลองได้",
        ) from None

    def state(connected: bool) -> None:
        if connected:
            print("Card inserted (vpcd connected).", file=sys.stderr)
        else:
            print(
                f"Waiting for vpcd on {args.host}:{args.port} (is pcscd running?)", file=sys.stderr
            )

    card = VirtualCard(applet, args.host, args.port, on_state=state)
    signal.signal(signal.SIGTERM, lambda *_: card.remove())
    masked = cidlib.mask(str(data.get("cid", "")))
    print(
        f"Presenting card {masked} (ATR {args.atr}) on vpcd {args.host}:{args.port}. "
        "Press Ctrl+C to remove it.",
        file=sys.stderr,
    )
    try:
        card.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        card.remove()
    print("Card removed.", file=sys.stderr)
    return 0
