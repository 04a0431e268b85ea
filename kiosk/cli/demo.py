"""`kiosk demo`: the product working end to end on embedded defaults, no hardware needed.

For now the demo presents each demo person's emulated card through the real pcscd + vpcd stack,
reads it back as the kiosk would, and shows what was read. Later issues grow this into the whole
customer journey.
"""

from __future__ import annotations

import argparse
import sys

from kiosk.card.errors import PcscUnavailable


def register(sub: argparse._SubParsersAction) -> None:
    demo = sub.add_parser(
        "demo",
        help="run the demo on embedded defaults (no hardware needed)",
        description="Present emulated ID cards through the vpcd virtual reader and read them back.",
    )
    demo.add_argument("--port", type=int, default=35963, help="vpcd port (default 35963)")
    demo.add_argument("--person", help="only this demo person (see --list)")
    demo.add_argument("--list", action="store_true", help="list the demo people")
    demo.add_argument(
        "--in-process",
        action="store_true",
        help="skip pcscd and read the emulated cards in process",
    )
    demo.set_defaults(handler=cmd_demo)


def cmd_demo(args: argparse.Namespace) -> int:
    from kiosk.card.emulator import ThaiIdApplet
    from kiosk.cli.card import print_summary
    from kiosk.dates import today_bangkok
    from kiosk.demo_people import demo_people

    people = demo_people(today_bangkok())
    if args.list:
        for p in people:
            print(f"{p.key:<20}{p.label_th} / {p.label_en}")
        return 0
    if args.person:
        people = [p for p in people if p.key == args.person]
        if not people:
            print(f"no demo person {args.person!r}; try --list", file=sys.stderr)
            return 2
    in_process = args.in_process
    for n, person in enumerate(people, 1):
        atr = ("3b79", "3b78", "3b67")[n % 3]
        applet = ThaiIdApplet.from_json(person.card, atr=atr)
        print(f"\n── {n}/{len(people)} {person.label_th} / {person.label_en} (card ATR {atr})")
        if not in_process:
            try:
                result = _read_through_pcscd(applet, args.port)
                print(
                    f"Read through pcscd reader {result.reader!r} in "
                    f"{result.stats.exchanges} APDU exchanges, {result.seconds * 1000:.0f} ms"
                )
                print_summary(result.card)
                continue
            except PcscUnavailable as exc:
                print(
                    f"{exc.th}\n{exc.en}\nContinuing with the card read in process.",
                    file=sys.stderr,
                )
                in_process = True
        from kiosk.card.fake import FakeConnection
        from kiosk.card.reader import ThaiIdReader

        reader = ThaiIdReader(FakeConnection(applet))
        card = reader.read_card()
        print(f"Read in process in {reader.stats.exchanges} APDU exchanges")
        print_summary(card)
    return 0


def _read_through_pcscd(applet, port: int):
    import time

    from kiosk.card.pcsc import PcscContext, read_card
    from kiosk.card.vpcd import VirtualCard

    reader_name = None
    with PcscContext() as ctx:  # fails fast with PcscUnavailable when pcscd is down
        names = ctx.readers()
    suffix = f" {port - 35963:02d}"
    reader_name = next(
        (n for n in names if n.startswith("Virtual PCD") and n.endswith(suffix)), None
    )

    def wait_until(present: bool) -> None:
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:  # pcscd polls vpcd every 400 ms
            with PcscContext() as ctx:
                if any(s.present == present for s in ctx.status() if s.name == reader_name):
                    return
            time.sleep(0.05)

    with VirtualCard(applet, port=port):
        wait_until(True)
        result = read_card(reader_name)
    wait_until(False)  # the next person's card must not look like a swap
    return result
