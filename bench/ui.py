"""Touchscreen figures: cold start, card to decision through pcscd, and taps from card to slip.

Everything real: a reference central on loopback, the emulated card in the second vpcd reader
("Virtual PCD 00 01", so the other reader stays free for other work), pcscd, the preview printer,
Qt offscreen. Needs pcscd with vsmartcard-vpcd (scripts/services).

    .venv/bin/python bench/ui.py [--rounds 5]

1. Cold start to the welcome screen (DESIGN §9 budget 1.5 s): a fresh Python process, from
   exec to the first paint of the welcome screen, doing what `kiosk run` does (imports, fonts,
   terminal, controller with its threads, window).
2. Card inserted to the decision screen (budget 1 s): from the emulated card connecting to vpcd
   to the decision on screen, with the customer's taps (consent, "none of these", Next) made
   the instant each screen appears; so the figure is the kiosk's own time, not a person's.
3. Taps from card to slip for a Bangkok resident with no conditions, counted as the test driver
   makes them, each one a finger on a button.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

READER = "Virtual PCD 00 01"
PORT = 35964


def provision(folder: Path, central) -> Path:
    """A terminal home with config, token and a filled cache, as `kiosk provision` leaves it."""
    from kiosk import config
    from sync.provision import write_terminal
    from sync.terminal import Terminal

    folder.mkdir(parents=True, exist_ok=True)
    path = write_terminal(
        folder / "kiosk.toml",
        central.tokens["kiosk-1"],
        {
            "central": {"url": central.base_url},
            "terminal": {"id": "T-BENCH", "store": "bench"},
            "printer": {"uri": f"preview://{folder / 'slips'}", "paper": 80},
            "reader": {"name": READER},
        },
    )
    terminal = Terminal(config.load(path, env={"KIOSK_HOME": str(folder)}))
    report = terminal.cache.refresh(terminal.client)
    terminal.close()
    if not report.ok:
        raise SystemExit(f"could not provision the bench terminal: {report.errors}")
    return path


# 1. cold start ------------------------------------------------------------------------------------


def child_cold_start(config_path: str, home: str) -> None:
    """Run in a fresh process: build the kiosk as `kiosk run` does; say when welcome is painted."""
    from PySide6.QtCore import QEvent, QObject, QTimer
    from PySide6.QtWidgets import QApplication

    from kiosk import config
    from kiosk.session import Screen
    from ui.app import build

    app = QApplication([sys.argv[0]])
    kiosk = build(config.load(config_path, env={"KIOSK_HOME": home}), size=(1920, 1080))
    welcome = kiosk.window.views[Screen.WELCOME]

    class FirstPaint(QObject):
        def eventFilter(self, watched, event):
            if watched is welcome and event.type() == QEvent.Type.Paint:
                print("painted", flush=True)
                welcome.removeEventFilter(self)
                QTimer.singleShot(0, app.quit)
            return False

    painted = FirstPaint()
    welcome.installEventFilter(painted)
    kiosk.window.show()
    kiosk.controller.start()
    app.exec()
    kiosk.close()


def cold_start(config_path: Path, home: Path, rounds: int) -> list[float]:
    times = []
    env = {**os.environ, "KIOSK_HOME": str(home), "QT_QPA_PLATFORM": "offscreen"}
    for _ in range(rounds):
        started = time.perf_counter()
        proc = subprocess.Popen(
            [sys.executable, __file__, "--child-cold-start", str(config_path), str(home)],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            env=env,
        )
        assert proc.stdout is not None
        line = proc.stdout.readline()
        took = time.perf_counter() - started
        proc.wait(timeout=60)
        if line.strip() != "painted":
            raise SystemExit("the kiosk did not paint its welcome screen")
        times.append(took)
    return times


# 2 and 3: the journey in process -----------------------------------------------------------------


class Driver:
    def __init__(self, kiosk) -> None:
        self.kiosk = kiosk
        self.taps: list[str] = []

    @property
    def s(self):
        return self.kiosk.controller.session

    def wait(self, condition: Callable[[], bool], timeout: float = 15.0) -> None:
        from PySide6.QtTest import QTest

        end = time.monotonic() + timeout
        while not condition():
            if time.monotonic() > end:
                raise SystemExit(
                    f"timed out on {self.s.screen} (taps so far: {', '.join(self.taps)}; "
                    f"sites {len(self.s.sites)}, phone ok {self.s.contact_check()})"
                )
            QTest.qWait(2)

    def tap(self, widget) -> None:
        from PySide6.QtCore import Qt
        from PySide6.QtTest import QTest

        QTest.mouseClick(widget, Qt.MouseButton.LeftButton, pos=widget.rect().center())
        self.taps.append(widget.objectName() or type(widget).__name__)

    def press(self, name: str) -> None:
        from PySide6.QtWidgets import QWidget

        found = [w for w in self.kiosk.window.findChildren(QWidget, name) if w.isVisible()]
        self.tap(found[0])

    def next(self) -> None:
        self.tap(self.kiosk.window.stack.currentWidget().nav.primary)


def card_to_decision(kiosk, card: dict, rounds: int) -> tuple[list[float], list[float]]:
    from kiosk.card.emulator import ThaiIdApplet
    from kiosk.card.vpcd import VirtualCard
    from kiosk.session import Screen

    d = Driver(kiosk)
    to_consent, to_decision = [], []
    for _ in range(rounds):
        d.wait(lambda: d.s.screen == Screen.WELCOME and not d.s.card_present)
        vc = VirtualCard(ThaiIdApplet.from_json(card, atr="3b79"), port=PORT)
        started = time.perf_counter()
        vc.insert()
        d.wait(lambda: d.s.screen == Screen.CONSENT)
        to_consent.append(time.perf_counter() - started)
        d.next()
        d.wait(lambda: d.s.screen == Screen.QUESTION)
        d.press("none-of-these")
        d.next()
        d.wait(lambda: d.s.screen == Screen.DECISION)
        to_decision.append(time.perf_counter() - started)
        vc.remove()
        d.wait(lambda: d.s.screen == Screen.WELCOME)
    return to_consent, to_decision


def taps_card_to_slip(kiosk, card: dict, slips: Path) -> list[str]:
    from kiosk.card.emulator import ThaiIdApplet
    from kiosk.card.vpcd import VirtualCard
    from kiosk.session import Screen

    d = Driver(kiosk)
    d.wait(lambda: d.s.screen == Screen.WELCOME and not d.s.card_present)
    before = set(slips.glob("*.png")) if slips.exists() else set()
    vc = VirtualCard(ThaiIdApplet.from_json(card, atr="3b79"), port=PORT)
    vc.insert()
    d.wait(lambda: d.s.screen == Screen.CONSENT)
    d.next()  # I agree
    d.wait(lambda: d.s.screen == Screen.QUESTION)
    d.press("none-of-these")
    d.next()
    d.wait(lambda: d.s.screen == Screen.DECISION)
    d.next()  # start booking
    d.wait(lambda: d.s.screen == Screen.CONTACT)
    for digit in "0812345678":
        d.press(f"phone-{digit}")
    d.press("occupation-company-employee")
    d.next()
    d.wait(lambda: d.s.screen == Screen.SITE and bool(d.s.sites))
    d.press("site-scg-bang-sue")
    d.wait(lambda: d.s.site is not None)
    d.next()
    d.wait(lambda: d.s.screen == Screen.SLOT and bool(d.s.slots))
    view = kiosk.window.stack.currentWidget()
    d.tap(next(b for b in view.slot_buttons if b.isVisible() and b.isEnabled()))
    d.wait(lambda: d.s.slot is not None)
    d.next()
    d.wait(lambda: d.s.screen == Screen.REVIEW)
    d.next()  # confirm
    d.wait(lambda: d.s.printed and d.s.screen == Screen.PRINTING)
    if set(slips.glob("*.png")) - before == set():
        raise SystemExit("no slip was printed")
    vc.remove()
    d.wait(lambda: d.s.screen == Screen.WELCOME, timeout=30)
    return d.taps


def main() -> int:
    parser = argparse.ArgumentParser(description="touchscreen figures")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--child-cold-start", nargs=2, metavar=("CONFIG", "HOME"))
    args = parser.parse_args()
    if args.child_cold_start:
        child_cold_start(*args.child_cold_start)
        return 0

    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from kiosk import config
    from tests.central.conftest import start_central
    from ui.app import build
    from ui.controller import Options

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "central").mkdir()
        central = start_central(folder / "central")
        try:
            home = folder / "kiosk"
            path = provision(home, central)
            times = cold_start(path, home, args.rounds)
            print(f"cold start to the welcome screen (fresh process, {args.rounds} runs):")
            print(
                f"  median {statistics.median(times) * 1000:.0f} ms, "
                f"max {max(times) * 1000:.0f} ms   (budget 1500 ms)"
            )
            app = QApplication.instance() or QApplication([sys.argv[0]])
            kiosk = build(
                config.load(path, env={"KIOSK_HOME": str(home)}),
                size=(1920, 1080),
                options=Options(service_interval=5, presence_settle=0.2),
                goodbye_seconds=0.3,
            )
            kiosk.window.show()
            QTest.qWaitForWindowExposed(kiosk.window)
            kiosk.controller.start()
            person = central.person("bangkok")
            consent, decision = card_to_decision(kiosk, person.card, args.rounds * 2)
            print(f"card inserted to the screen after it, through pcscd ({len(decision)} runs):")
            print(
                f"  to consent (card read):   median {statistics.median(consent) * 1000:.0f} ms,"
                f" max {max(consent) * 1000:.0f} ms"
            )
            print(
                f"  to decision (zero think time on consent and question): median "
                f"{statistics.median(decision) * 1000:.0f} ms, max {max(decision) * 1000:.0f} ms"
                "   (budget 1000 ms)"
            )
            taps = taps_card_to_slip(kiosk, person.card, home / "slips")
            print(
                f"taps from card in to slip printed, Bangkok resident, no conditions: {len(taps)}"
            )
            print(f"  {', '.join(taps)}")
            kiosk.close()
            app.processEvents()
        finally:
            central.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
