"""A whole kiosk in the test process: the real controller and window, offscreen.

- The card goes into the second vpcd reader, "Virtual PCD 00 01" (port 35964), and the kiosk's
  `[reader] name` is set to it, so these tests never read (or are disturbed by) a card in the
  first reader, which other tests use.
- The central is the reference central on loopback (tests/central/conftest.py), at its fixed
  test instant, Tuesday 1 June 2021 10:00 Bangkok; the kiosk takes its time from the central's
  Date header, as in the field.
- The printer is `preview://` (PNG files) unless a test gives a loopback TCP printer.
- Timings (idle, countdown, goodbye, service checks, the technician's hold) are injected short.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QAbstractButton, QApplication, QLabel, QWidget

from kiosk import config as kconfig
from kiosk.card.emulator import ThaiIdApplet
from kiosk.card.vpcd import VirtualCard
from kiosk.session import Screen
from sync.provision import write_terminal
from sync.terminal import Terminal
from tests.central.conftest import RunningCentral, start_central
from tests.conftest import wait_for_presence
from tests.printer.loopback import LoopbackPrinter
from ui.app import Kiosk, build
from ui.controller import Options

READER = "Virtual PCD 00 01"
PORT = 35964
FAST = Options(service_interval=0.5, refresh_interval=600, live_deadline=1.5, presence_settle=0.1)


@pytest.fixture(scope="session")
def reader(pcscd: str) -> str:
    """The second vpcd reader, or skip/fail as the first one would."""
    from kiosk.card.pcsc import PcscContext

    with PcscContext() as ctx:
        readers = ctx.readers()
    if READER not in readers:
        if os.environ.get("KIOSK_REQUIRE_PCSCD") == "1":
            pytest.fail(f"no {READER!r} reader (readers: {readers})")
        pytest.skip(f"no {READER!r} reader (readers: {readers})")
    return READER


@pytest.fixture
def card_slot(reader: str) -> Iterator[Callable[..., VirtualCard]]:
    """Insert a card (JSON) into the second reader; whatever is in is removed afterwards."""
    inserted: list[VirtualCard] = []

    def insert(card: dict[str, Any], atr: str = "3b79") -> VirtualCard:
        vc = VirtualCard(ThaiIdApplet.from_json(card, atr=atr), port=PORT)
        vc.insert()
        inserted.append(vc)
        wait_for_presence(reader, True)
        return vc

    yield insert
    for vc in inserted:
        vc.remove()
    if any(True for _ in inserted):
        wait_for_presence(reader, False)


@pytest.fixture
def central(tmp_path: Path) -> Iterator[RunningCentral]:
    folder = tmp_path / "central"
    folder.mkdir()
    running = start_central(folder)
    yield running
    running.stop()


@pytest.fixture
def loopback_printer() -> Iterator[Callable[..., LoopbackPrinter]]:
    started: list[LoopbackPrinter] = []

    def start(state: str = "ready") -> LoopbackPrinter:
        printer = LoopbackPrinter(state)
        started.append(printer)
        return printer

    yield start
    for printer in started:
        printer.close()


@dataclass
class Driver:
    """Taps the screen the way a customer would, and counts the taps."""

    qtbot: Any
    kiosk: Kiosk
    slips: Path
    central: RunningCentral | None
    taps: int = 0
    log: list[str] = field(default_factory=list)

    @property
    def s(self):
        return self.kiosk.controller.session

    @property
    def window(self):
        return self.kiosk.window

    def view(self) -> QWidget:
        return self.window.stack.currentWidget()

    def wait_screen(self, screen: Screen, timeout: int = 15000) -> None:
        def there() -> bool:
            return self.s.screen == screen

        self.qtbot.waitUntil(there, timeout=timeout)

    def wait(self, condition: Callable[[], bool], timeout: int = 15000) -> None:
        self.qtbot.waitUntil(condition, timeout=timeout)

    def tap(self, widget: QWidget, where: QPoint | None = None) -> None:
        assert widget.isVisible(), f"{widget.objectName()} is not on the screen"
        if isinstance(widget, QAbstractButton):
            assert widget.isEnabled(), f"{widget.objectName()} is disabled"
        self.qtbot.mouseClick(
            widget, Qt.MouseButton.LeftButton, pos=where or widget.rect().center()
        )
        self.taps += 1
        self.log.append(widget.objectName())

    def find(self, name: str, kind: type = QWidget) -> QWidget:
        """The visible widget called `name`: in the current screen, the bars or an overlay."""
        found = [w for w in self.window.findChildren(kind, name) if w.isVisible()]
        assert found, f"nothing visible called {name!r} on {self.s.screen}"
        assert len(found) == 1, f"{len(found)} visible widgets called {name!r}"
        return found[0]

    def press(self, name: str) -> None:
        self.tap(self.find(name))

    def next(self) -> None:
        self.tap(self.view().nav.primary)

    def type_phone(self, digits: str) -> None:
        for d in digits:
            self.press(f"phone-{d}")


def texts_of(widget: QWidget) -> list[str]:
    """Every string a widget holds where a person could see it or a screen reader read it."""
    out = [widget.toolTip(), widget.accessibleName(), widget.accessibleDescription()]
    out.append(widget.windowTitle())
    for attr in ("text", "placeholderText", "toPlainText"):
        fn = getattr(widget, attr, None)
        if callable(fn):
            try:
                value = fn()
            except TypeError:
                continue
            if isinstance(value, str):
                out.append(value)
    model = getattr(widget, "model", None)
    if callable(model):
        m = model()
        if m is not None and hasattr(m, "rowCount"):
            for r in range(m.rowCount()):
                for c in range(m.columnCount()):
                    out.append(str(m.data(m.index(r, c)) or ""))
    return out


def to_existing(d: Driver, card_slot, central):
    """The demo person who already has a booking inserts their card: the existing booking."""
    d.wait_screen(Screen.WELCOME)
    person = central.person("booked")
    card_slot(person.card)
    d.wait_screen(Screen.CONSENT)
    d.next()
    d.wait_screen(Screen.EXISTING)
    return person


def personal_data_on_screen(card: dict[str, Any], phone: str) -> list[str]:
    """Which pieces of this customer any widget in the application still holds."""
    return personal_data_in(QApplication.allWidgets(), card, phone)


def personal_data_in(widgets: list[QWidget], card: dict[str, Any], phone: str) -> list[str]:
    """Which pieces of this customer these widgets hold (the clerk screen's check)."""
    grouped = f"{phone[:3]}-{phone[3:6]}-{phone[6:]}"
    needles = {
        "cid": card["cid"],
        "name_th.first": card["name_th"]["first"],
        "name_th.last": card["name_th"]["last"],
        "name_en.first": card["name_en"]["first"],
        "name_en.last": card["name_en"]["last"],
        "phone": phone,
        "phone-grouped": grouped,
    }
    found = []
    for widget in widgets:
        for text in texts_of(widget):
            for what, needle in needles.items():
                if needle and needle in text:
                    found.append(f"{what} in {type(widget).__name__} {widget.objectName()!r}")
    return found


@pytest.fixture
def make_kiosk(qtbot, tmp_path: Path, central: RunningCentral) -> Iterator[Callable[..., Driver]]:
    made: list[Kiosk] = []

    def make(
        *,
        printer: str | None = None,
        reader_name: str = READER,
        central_url: str | None = None,
        pin_hash: str | None = None,
        clerk_pin_hash: str | None = None,
        refresh: bool = True,
        start: bool = True,
        options: Options = FAST,
        **window: Any,
    ) -> Driver:
        home = tmp_path / f"kiosk{len(made)}"
        home.mkdir()
        slips = home / "slips"
        values: dict[str, dict[str, Any]] = {
            "central": {"url": central_url or central.base_url},
            "terminal": {"id": "T-0001", "store": "7-Eleven Lat Phrao 101"},
            "printer": {"uri": printer or f"preview://{slips}", "paper": 80},
            "reader": {"name": reader_name},
        }
        if pin_hash:
            values["technician"] = {"pin_hash": pin_hash}
        if clerk_pin_hash:
            values["clerk"] = {"pin_hash": clerk_pin_hash}
        path = write_terminal(home / "kiosk.toml", central.tokens["kiosk-1"], values)
        cfg = kconfig.load(path, env={"KIOSK_HOME": str(home)})
        terminal = Terminal(cfg)
        if refresh:
            report = terminal.cache.refresh(terminal.client)
            assert report.ok, report.errors
        window.setdefault("idle_seconds", 60)
        window.setdefault("goodbye_seconds", 0.5)
        kiosk = build(cfg, options=options, size=(1280, 800), terminal=terminal, **window)
        made.append(kiosk)
        qtbot.addWidget(kiosk.window)
        kiosk.window.show()
        qtbot.waitExposed(kiosk.window)
        if start:
            kiosk.controller.start()
        return Driver(qtbot, kiosk, slips, central)

    yield make
    for kiosk in made:
        kiosk.close()


def visible_labels(root: QWidget) -> list[QLabel]:
    return [w for w in root.findChildren(QLabel) if w.isVisible() and w.text()]
