"""`kiosk demo`: the whole product on one machine, one command, no hardware.

It starts the reference central on loopback with demo data (in a directory of its own), enrols
a terminal against it as a technician would, and runs the real touchscreen with emulated ID cards
in the vpcd virtual reader and slips saved as pictures. With a display the kiosk opens in a
window beside a control panel; without one (or with `--headless`) a scripted walk-through books,
queues while the central is unplugged, syncs when it is back and prints, then says where its
screenshots and slips are. `--cards` only presents each demo card and reads it back.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from kiosk.card.errors import PcscUnavailable


def register(sub: argparse._SubParsersAction) -> None:
    demo = sub.add_parser(
        "demo",
        help="run the whole kiosk on embedded defaults (no hardware needed)",
        description=(
            "The demo (above). `--out` keeps the central, terminal, screenshots and slips"
            " in DIR; `--cards` only presents each demo card through pcscd and reads it "
            "back."
        ),
    )
    demo.add_argument(
        "--headless",
        action="store_true",
        help="run the scripted walk-through even if a display is available",
    )
    demo.add_argument(
        "--out",
        type=Path,
        metavar="DIR",
        help="where to put the central, terminal, screenshots and slips "
        "(default: a new temporary directory)",
    )
    demo.add_argument(
        "--cards",
        action="store_true",
        help="only present each demo card in the virtual reader and read it back",
    )
    demo.add_argument("--list", action="store_true", help="list the demo people")
    demo.add_argument("--port", type=int, default=35963, help="vpcd port (default 35963)")
    demo.set_defaults(handler=cmd_demo)


def _has_display() -> bool:
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def cmd_demo(args: argparse.Namespace) -> int:
    from kiosk.dates import today_bangkok
    from kiosk.demo_people import demo_people

    if args.list:
        for p in demo_people(today_bangkok()):
            print(f"{p.key:<20}{p.label_th} / {p.label_en}")
        return 0
    _require_pcscd()
    if args.cards:
        return _cards(args.port)
    headless = args.headless or not _has_display()
    if headless:
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from kiosk.cli.demo_env import DemoEnvironment

    if args.out:
        args.out.mkdir(parents=True, exist_ok=True)
    env = DemoEnvironment(args.out, vpcd_port=args.port)
    say = lambda text: print(text, flush=True)  # noqa: E731
    try:
        say(f"demo directory: {env.base}")
        env.start_central()
        say(f"reference central with demo data on {env.url}")
        link, secret = env.console_presenter()
        say(
            f"operations console: {env.url}/console/ ; sign in as presenter with this one-time "
            f"link (10 min): {link} (password in {secret})"
        )
        config = env.provision()
        say(f"terminal {config.terminal_id} enrolled; config {env.config_path}")
        if not headless:
            from ui.demo import interactive

            return interactive(env)
        from ui.demo import headless as walk

        say("walking through the kiosk:")
        summary = walk(env, say)
        say(
            f"screenshots: {summary['screenshots']} "
            f"({len(list(Path(summary['screenshots']).glob('*.png')))} pictures)"
        )
        say(
            f"slips:       {summary['slips']} "
            f"({len(list(Path(summary['slips']).glob('*.png')))} slips)"
        )
        say(
            f"SMS:         {env.sms_sent()} sent through the demo's SMS gateway "
            f"({env.sms.url if env.sms else '-'}; kiosk bookings made at the counter get none: "
            "the slip is in the customer's hand)"
        )
        say(f"summary:     {env.base / 'demo.json'}")
        return 0
    finally:
        env.close()


def _require_pcscd() -> None:
    from kiosk.card.pcsc import PcscContext

    try:
        with PcscContext() as ctx:
            ctx.readers()
    except PcscUnavailable as exc:
        raise PcscUnavailable(
            f"{exc.details.get('detail', '')}; the demo presents its cards through pcscd: "
            "run scripts/demo, which starts it"
        ) from None


def _cards(port: int) -> int:
    from kiosk.card.emulator import ThaiIdApplet
    from kiosk.cli.card import print_summary
    from kiosk.dates import today_bangkok
    from kiosk.demo_people import demo_people

    people = demo_people(today_bangkok())
    for n, person in enumerate(people, 1):
        atr = ("3b79", "3b78", "3b67")[n % 3]
        applet = ThaiIdApplet.from_json(person.card, atr=atr)
        print(f"\n── {n}/{len(people)} {person.label_th} / {person.label_en} (card ATR {atr})")
        result = _read_through_pcscd(applet, port)
        print(
            f"Read through pcscd reader {result.reader!r} in "
            f"{result.stats.exchanges} APDU exchanges, {result.seconds * 1000:.0f} ms"
        )
        print_summary(result.card)
    sys.stdout.flush()
    return 0


def _read_through_pcscd(applet, port: int):
    import time

    from kiosk.card.pcsc import PcscContext, read_card
    from kiosk.card.vpcd import VirtualCard

    reader_name = f"Virtual PCD 00 {port - 35963:02d}"

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
