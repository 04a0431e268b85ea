"""Card read figures through the real stack: pyscard -> pcscd -> vpcd -> emulated card.

Prints, for each ATR variant, the APDU exchanges and the time to read the text fields, and the same
with the photo; then the time from insertion (the emulator connecting to vpcd) to the debounced
"inserted" event and the card data in hand, which is what the customer waits for before the
eligibility screen. Needs pcscd running with vsmartcard-vpcd (scripts/services).

    .venv/bin/python bench/card_read.py [--rounds 30]
"""

from __future__ import annotations

import argparse
import statistics
import threading
import time
from datetime import date

from kiosk.card import pcsc
from kiosk.card.emulator import ATRS, ThaiIdApplet
from kiosk.card.reader import ThaiIdReader
from kiosk.card.vpcd import VirtualCard
from kiosk.demo_people import demo_people

READER = "Virtual PCD 00 00"


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(q * (len(values) - 1)))]


def wait_present(present: bool) -> None:
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        with pcsc.PcscContext() as ctx:
            if any(s.present == present for s in ctx.status() if s.name == READER):
                return
        time.sleep(0.01)
    raise SystemExit("pcscd did not see the card change")


def read_figures(atr: str, rounds: int) -> None:
    person = demo_people(date.today())[0]
    with VirtualCard(ThaiIdApplet.from_json(person.card, atr=atr)):
        wait_present(True)
        for photo in (False, True):
            times, exchanges = [], 0
            with pcsc.PcscContext() as ctx:
                for _ in range(rounds):
                    started = time.perf_counter()
                    with ctx.connect(READER) as conn:
                        reader = ThaiIdReader(conn)
                        reader.read_card(photo=photo)
                    times.append((time.perf_counter() - started) * 1000)
                    exchanges = reader.stats.exchanges
            what = "text + photo" if photo else "text fields "
            print(
                f"  ATR {atr}  {what}: {exchanges:3d} exchanges, "
                f"median {statistics.median(times):6.2f} ms, p95 {pct(times, 0.95):6.2f} ms"
            )
    wait_present(False)


def insertion_figures(rounds: int) -> None:
    person = demo_people(date.today())[0]
    inserted = threading.Event()

    def on_event(ev):
        if ev.kind == "inserted" and ev.reader == READER:
            inserted.set()

    monitor = pcsc.PresenceMonitor(on_event).start()
    to_event, to_data = [], []
    try:
        time.sleep(0.5)
        for _ in range(rounds):
            inserted.clear()
            card = VirtualCard(ThaiIdApplet.from_json(person.card))
            started = time.perf_counter()
            card.insert()
            if not inserted.wait(5):
                raise SystemExit("no insertion event")
            to_event.append((time.perf_counter() - started) * 1000)
            pcsc.read_card(READER)
            to_data.append((time.perf_counter() - started) * 1000)
            card.remove()
            wait_present(False)
    finally:
        monitor.stop()
    print(
        f"  insertion -> debounced event: median {statistics.median(to_event):6.1f} ms, "
        f"p95 {pct(to_event, 0.95):6.1f} ms, max {max(to_event):6.1f} ms"
    )
    print(
        f"  insertion -> card data      : median {statistics.median(to_data):6.1f} ms, "
        f"p95 {pct(to_data, 0.95):6.1f} ms, max {max(to_data):6.1f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=30)
    args = parser.parse_args()
    print(f"card read through pcscd + vpcd ({args.rounds} rounds each)")
    for atr in sorted(ATRS):
        read_figures(atr, args.rounds)
    print(f"card insertion ({max(5, args.rounds // 3)} insertions; pcscd polls vpcd every 400 ms)")
    insertion_figures(max(5, args.rounds // 3))


if __name__ == "__main__":
    main()
