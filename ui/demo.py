"""The demo: the real touchscreen against a real central on loopback, with emulated ID cards.

Two ways to run it (`kiosk demo` picks):

- With a display: the kiosk in a window, and beside it a small control panel for the person
  showing the demo: insert any demo person's card, take it out, pull the plug on the central and
  plug it back in, and see the last slip printed.
- Without one (or `--headless`): a scripted walk-through that taps the same screens a customer
  would, for every kind of person, books online, books while the central is down, brings the
  central back and waits for the central to take that booking, saving a screenshot of every
  screen it passes and every slip printed. Offline, if the central granted this terminal a seat
  lease (DESIGN §11), the booking is made in the lease's slot and ends in a confirmed slip whose
  QR code is the signed slip code (checked with `kiosk-central check-slip`); without one it is
  queued, then confirmed once the central is back.

Nothing is faked: the card goes through pcscd and the vpcd reader, the bookings through the
journal and the central's HTTP API, the slips through the printer code into PNG files.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QPixmap
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from kiosk.cli.demo_env import DemoError
from kiosk.dates import today_bangkok
from kiosk.demo_people import DemoPerson, demo_people
from kiosk.errors import KioskError
from kiosk.session import Screen
from sync.breaker import CircuitBreaker
from sync.journal import SqliteJournal
from sync.terminal import Terminal
from ui.app import Kiosk, build
from ui.controller import Options
from ui.theme import load_fonts

#: How quickly the demo's kiosk tries the central again after it comes back (a store's kiosk
#: waits 15 s; a demo audience should not).
DEMO_BREAKER_RESET = 3.0


def build_demo_kiosk(env: Any, size: tuple[int, int] = (1280, 800)) -> Kiosk:
    config = env.config()
    terminal = Terminal(config, breaker=CircuitBreaker(reset_timeout=DEMO_BREAKER_RESET))
    options = Options(service_interval=2.0, refresh_interval=30.0)
    return build(config, options=options, size=size, terminal=terminal)


# the scripted walk-through ------------------------------------------------------------------------


@dataclass
class StepResult:
    person: str
    outcome: str
    booking_id: str | None = None
    screens: list[str] = field(default_factory=list)
    slips: list[str] = field(default_factory=list)


class Walkthrough:
    """Taps through the kiosk for each demo person; every screen passed is saved as a PNG."""

    def __init__(self, kiosk: Kiosk, env: Any, say: Callable[[str], None] = print) -> None:
        self.kiosk = kiosk
        self.env = env
        self.say = say
        self.shots = env.screens
        self.shots.mkdir(parents=True, exist_ok=True)
        self.count = 0
        self.people = {p.key: p for p in demo_people(today_bangkok())}
        self.results: list[StepResult] = []
        self._current: StepResult | None = None

    @property
    def s(self):
        return self.kiosk.controller.session

    # driving ---------------------------------------------------------------------------------

    def wait(self, condition: Callable[[], bool], what: str, timeout: float = 30.0) -> None:
        end = time.monotonic() + timeout
        while not condition():
            if time.monotonic() > end:
                raise TimeoutError(
                    f"the demo waited {timeout:.0f} s for {what} (screen: {self.s.screen})"
                )
            QTest.qWait(10)

    def at(self, screen: Screen, timeout: float = 30.0) -> None:
        self.wait(lambda: self.s.screen == screen, f"the {screen} screen", timeout)
        QTest.qWait(120)  # let the view finish drawing before the picture is taken
        self.shot(screen.value)

    def shot(self, name: str) -> None:
        self.count += 1
        path = self.shots / f"{self.count:02d}-{self._current.person}-{name}.png"
        self.kiosk.window.grab().save(str(path))
        self._current.screens.append(path.name)

    def tap(self, widget: QWidget) -> None:
        QTest.mouseClick(widget, Qt.MouseButton.LeftButton, pos=widget.rect().center())

    def press(self, name: str) -> None:
        found = [w for w in self.kiosk.window.findChildren(QWidget, name) if w.isVisible()]
        if not found:
            raise LookupError(f"no {name!r} on the {self.s.screen} screen")
        self.tap(found[0])

    def next(self) -> None:
        self.tap(self.kiosk.window.stack.currentWidget().nav.primary)

    def insert(self, key: str) -> DemoPerson:
        person = self.people[key]
        self._current = StepResult(key, "")
        self.results.append(self._current)
        self.wait(
            lambda: self.s.screen == Screen.WELCOME and not self.s.card_present,
            "the welcome screen",
        )
        self.say(f"  {person.label_en} / {person.label_th}: card inserted")
        self.env.insert(person.card)
        return person

    def remove(self) -> None:
        self.env.remove()
        self.wait(lambda: self.s.screen in (Screen.WELCOME, Screen.GOODBYE), "the card's removal")
        self.wait(lambda: self.s.screen == Screen.WELCOME, "the welcome screen", 20)

    def slip_printed(self, before: set[Path]) -> None:
        self.wait(lambda: set(self.env.slips.glob("*.png")) - before, "a slip", 30)
        new = sorted(set(self.env.slips.glob("*.png")) - before)
        self._current.slips += [str(p) for p in new]

    def slips_now(self) -> set[Path]:
        return set(self.env.slips.glob("*.png")) if self.env.slips.exists() else set()

    # the journeys ----------------------------------------------------------------------------

    def to_decision(
        self, key: str, *, works: bool | None = None, conditions: tuple[str, ...] = ()
    ) -> None:
        self.insert(key)
        self.at(Screen.CONSENT)
        self.next()
        self.wait(
            lambda: self.s.screen in (Screen.QUESTION, Screen.DECISION, Screen.EXISTING),
            "the questions",
        )
        if self.s.screen == Screen.QUESTION and self.s.decision.ask == "conditions":
            self.shot("question-conditions")
            for code in conditions:
                self.press(f"condition-{code}")
            if not conditions:
                self.press("none-of-these")
            self.next()
            self.wait(
                lambda: self.s.screen != Screen.QUESTION or self.s.decision.ask != "conditions",
                "the next question",
            )
        if self.s.screen == Screen.QUESTION and self.s.decision.ask == "works_in_bangkok":
            self.shot("question-works")
            self.press("answer-yes" if works else "answer-no")
        self.at(Screen.DECISION)

    def book(
        self,
        key: str,
        *,
        works: bool | None = None,
        expect: str = "confirmed",
        site_id: str = "scg-bang-sue",
        slot: tuple[str, str] | None = None,
    ) -> None:
        """Book for `key` at `site_id`, in the first open slot or in `slot` (date, slot id)."""
        self.to_decision(key, works=works)
        before = self.slips_now()
        self.next()
        self.at(Screen.CONTACT)
        for digit in "0812345678":
            self.press(f"phone-{digit}")
        self.press("occupation-company-employee")
        self.next()
        self.wait(lambda: self.s.screen == Screen.SITE and bool(self.s.sites), "the sites")
        self.shot("site")
        self.press(f"site-{site_id}")
        self.wait(lambda: self.s.site is not None, "a chosen site")
        self.next()
        self.wait(lambda: self.s.screen == Screen.SLOT and bool(self.s.slots), "the slots")
        view = self.kiosk.window.stack.currentWidget()
        if slot is None:
            self.tap(next(b for b in view.slot_buttons if b.isVisible() and b.isEnabled()))
        else:
            day, slot_id = slot
            self.press(f"day-{day}")
            self.wait(lambda: self.s.slot_day == day, f"the slots of {day}")
            QTest.qWait(120)
            ids = [x.id for x in self.s.slots_on(day)]
            self.tap(view.slot_buttons[ids.index(slot_id)])
        self.wait(lambda: self.s.slot is not None, "a chosen slot")
        self.shot("slot")
        self.next()
        self.at(Screen.REVIEW)
        self.next()
        self.wait(lambda: self.s.screen == Screen.RESULT, "the result", 30)
        self.shot("result")
        outcome = self.s.outcome.status if self.s.outcome else "not booked"
        if outcome != expect:
            raise AssertionError(f"{key}: expected {expect}, got {outcome}")
        self.slip_printed(before)
        self.at(Screen.PRINTING)
        self._current.outcome = f"{outcome} {self.s.outcome.reference or ''}".strip()
        self._current.booking_id = self.s.outcome.booking_id
        self.say(f"    {self._current.outcome}; slip {Path(self._current.slips[-1]).name}")
        self.remove()

    def information_slip(self, key: str, **kw: Any) -> None:
        self.to_decision(key, **kw)
        decision = self.s.decision
        before = self.slips_now()
        self.next()  # print the information slip
        self.slip_printed(before)
        self.at(Screen.PRINTING)
        self._current.outcome = f"{decision.route} ({decision.code})"
        self.say(f"    {self._current.outcome}; slip {Path(self._current.slips[-1]).name}")
        self.remove()

    def existing(self, key: str) -> None:
        self.insert(key)
        self.at(Screen.CONSENT)
        self.next()
        self.at(Screen.EXISTING)
        reference = (self.s.existing or {}).get("reference")
        before = self.slips_now()
        self.press("reprint")
        self.slip_printed(before)
        self.at(Screen.PRINTING)
        self._current.outcome = f"existing booking {reference} reprinted"
        self.say(f"    {self._current.outcome}")
        self.remove()

    def offline_then_sync(self, key: str) -> None:
        self.say("  pulling the plug on the central")
        self.env.pull_the_plug()
        self.book(key, expect="queued")
        result = self._current
        booking_id = result.booking_id
        self.say("  plugging the central back in; waiting for the queued booking to be sent")
        self.env.start_central()
        self.kiosk.controller.sync_now()
        journal = SqliteJournal(self.env.config().journal_path)
        try:
            self.wait(lambda: _state(journal, booking_id) == "confirmed", "the replay", 90)
            entry = journal.get(booking_id)
        finally:
            journal.close()
        result.outcome = f"queued, then confirmed {entry.reference} after the central came back"
        self.say(f"    {result.outcome}")

    def _usable_lease(self) -> Any:
        """A seat lease this terminal holds and can spend now, after asking the central for
        leases where its customers just booked (DESIGN §11); None if it granted none."""
        t = self.kiosk.controller.terminal
        try:
            t.cache.refresh_leases(t.client)
        except KioskError as exc:
            self.say(f"  no seat leases from the central: {exc.code}")
            return None
        if t.terminal_key is None:
            self.say("  this terminal has no signing key: nothing can be confirmed offline")
            return None
        journal = SqliteJournal(self.env.config().journal_path)
        try:
            now = t.now()
            held = [x for x in journal.leases() if x.usable_at(now) and x.seats_left > 0]
        finally:
            journal.close()
        sites = {site.id for site in t.cache.sites()}
        return next((x for x in held if x.site_id in sites), None)

    def offline_confirmed_then_sync(self, key: str) -> bool:
        """With the central unplugged, book the slot of a seat lease: confirmed at the
        terminal, with a slip whose QR is the signed slip code; then plug the central back in
        and wait for it to honour the reference. False (nothing done) without a lease."""
        lease = self._usable_lease()
        if lease is None:
            return False
        self.say(
            f"  the terminal holds {lease.seats_left} seat(s) of {lease.slot_id}; "
            "pulling the plug on the central"
        )
        self.env.pull_the_plug()
        self.book(key, site_id=lease.site_id, slot=(lease.date, lease.slot_id))
        result = self._current
        journal = SqliteJournal(self.env.config().journal_path)
        try:
            entry = journal.get(result.booking_id or "")
            if entry is None or entry.confirmed_by != "terminal" or not entry.slip_code:
                raise AssertionError(f"{key}: not confirmed at the terminal ({entry})")
            scanned = _qr_texts(Path(result.slips[-1]))
            if scanned is not None and scanned != [entry.slip_code]:
                raise AssertionError(f"{key}: the slip's QR code is not its slip code")
            verdict = self._check_slip(entry.slip_code)
            self.say("  plugging the central back in; waiting for it to take the booking")
            self.env.start_central()
            self.kiosk.controller.sync_now()
            self.wait(lambda: _state(journal, result.booking_id) == "confirmed", "the replay", 90)
            final = journal.get(result.booking_id or "")
        finally:
            journal.close()
        assert final is not None
        if final.reference != entry.reference:
            raise AssertionError(f"{key}: the central changed the reference to {final.reference}")
        result.outcome = (
            f"confirmed at the terminal offline {entry.reference} (lease {lease.lease_id[:8]}; "
            f"QR {'read back' if scanned is not None else 'not read: no decoder'}; "
            f"check-slip {verdict}), honoured by the central after it came back"
        )
        self.say(f"    {result.outcome}")
        return True

    def _check_slip(self, text: str) -> str:
        """`kiosk-central check-slip` on the slip's QR text, before the terminal reconnects."""
        try:
            self.env.central_cli("check-slip", text)
        except DemoError as exc:
            return f"failed ({exc.en})"
        except FileNotFoundError:
            return "not available"
        return "valid"

    def run(self) -> list[StepResult]:
        self._current = StepResult("start", "the kiosk is ready")
        self.results.append(self._current)
        self.at(Screen.WELCOME)
        self.book("bangkok")
        self.book("nonthaburi", works=True)
        self.information_slip("senior")
        self.information_slip("teen")
        self.information_slip("diabetes", conditions=("diabetes",))
        self.information_slip("foreign")
        self.existing("booked")
        if not self.offline_confirmed_then_sync("offline"):
            self.say("  no seat lease to spend: the offline booking is queued instead")
            self.offline_then_sync("offline")
        return self.results


def _qr_texts(png: Path) -> list[str] | None:
    """The QR codes on a slip picture, or None without a decoder (zxing-cpp is a test tool)."""
    try:
        import zxingcpp  # noqa: PLC0415 - optional, and only for the demo's own check
    except ImportError:
        return None
    from PIL import Image  # noqa: PLC0415

    return [b.text for b in zxingcpp.read_barcodes(Image.open(png).convert("L"))]


def _state(journal: SqliteJournal, booking_id: str | None) -> str | None:
    if booking_id is None:
        return None
    entry = journal.get(booking_id)
    return entry.state if entry else None


def headless(env: Any, say: Callable[[str], None] = print) -> dict[str, Any]:
    kiosk = build_demo_kiosk(env)
    kiosk.window.show()
    kiosk.controller.start()
    try:
        results = Walkthrough(kiosk, env, say).run()
    finally:
        kiosk.close()
    summary = {
        "screenshots": str(env.screens),
        "slips": str(env.slips),
        "people": [vars(r) for r in results],
    }
    (env.base / "demo.json").write_text(json.dumps(summary, ensure_ascii=False, indent=2))
    return summary


# the control panel (with a display) ---------------------------------------------------------------


class DemoPanel(QWidget):
    """The presenter's panel: cards in and out, the central's plug, the last slip."""

    def __init__(self, env: Any, family: str) -> None:
        super().__init__()
        self.env = env
        self.setWindowTitle("ไทยร่วมใจ kiosk: demo controls")
        self.setStyleSheet(f"* {{ font-family: '{family}'; font-size: 16px; }}")
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("<b>บัตรประชาชนจำลอง / Emulated ID cards</b>"))
        for person in demo_people(today_bangkok()):
            button = QPushButton(f"{person.label_th} / {person.label_en}")
            button.clicked.connect(lambda _=False, p=person: self._insert(p))
            layout.addWidget(button)
        remove = QPushButton("ถอดบัตร / Remove the card")
        remove.clicked.connect(self._remove)
        layout.addWidget(remove)
        self.plug = QPushButton()
        self.plug.clicked.connect(self._toggle_plug)
        layout.addWidget(self.plug)
        self.status = QLabel()
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        row = QHBoxLayout()
        row.addWidget(QLabel("<b>ใบนัดล่าสุด / Last slip</b>"))
        layout.addLayout(row)
        self.slip = QLabel("-")
        scroll = QScrollArea()
        scroll.setWidget(self.slip)
        scroll.setWidgetResizable(True)
        scroll.setMinimumSize(320, 420)
        layout.addWidget(scroll, 1)
        self._last: Path | None = None
        self._timer = QTimer(self)
        self._timer.timeout.connect(self._poll)
        self._timer.start(500)
        self._show_plug()

    def _insert(self, person: DemoPerson) -> None:
        self.env.insert(person.card)
        self.status.setText(
            f"บัตรของ {person.label_th} อยู่ในเครื่องอ่าน\n{person.label_en}: card in the reader"
        )

    def _remove(self) -> None:
        self.env.remove()
        self.status.setText("ถอดบัตรแล้ว / Card removed")

    def _toggle_plug(self) -> None:
        if self.env.central_up:
            self.env.pull_the_plug()
            self.status.setText(
                "ระบบกลางถูกตัดการเชื่อมต่อ: การจองจะถูกเก็บไว้ในเครื่อง\n"
                "Central unplugged: bookings are queued on the kiosk"
            )
        else:
            self.env.start_central()
            self.status.setText(
                "ระบบกลางกลับมาแล้ว: การจองที่ค้างอยู่จะถูกส่ง\nCentral back: queued bookings will be sent"
            )
        self._show_plug()

    def _show_plug(self) -> None:
        self.plug.setText(
            "ตัดระบบกลาง / Pull the plug on the central"
            if self.env.central_up
            else "ต่อระบบกลางกลับ / Plug the central back in"
        )

    def _poll(self) -> None:
        slips = (
            sorted(self.env.slips.glob("*.png"), key=lambda p: p.stat().st_mtime)
            if self.env.slips.exists()
            else []
        )
        if slips and slips[-1] != self._last:
            self._last = slips[-1]
            pixmap = QPixmap(str(self._last))
            self.slip.setPixmap(
                pixmap.scaledToWidth(300, Qt.TransformationMode.SmoothTransformation)
            )
            self.slip.setToolTip(str(self._last))


def interactive(env: Any) -> int:
    kiosk = build_demo_kiosk(env)
    panel = DemoPanel(env, load_fonts())
    kiosk.window.setWindowTitle("ไทยร่วมใจ kiosk (demo)")
    kiosk.window.show()
    panel.move(kiosk.window.x() + kiosk.window.width() + 20, kiosk.window.y())
    panel.show()
    kiosk.controller.start()
    try:
        return kiosk.app.exec()
    finally:
        kiosk.close()
