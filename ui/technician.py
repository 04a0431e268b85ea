"""Technician mode: a hidden gesture, then a PIN, then the terminal's health and three actions.

The gesture is a press held for 3 s in the bottom-left corner, and only on a resting screen
(welcome, closed, paused, out of service), where no customer data is shown and no control sits
in that corner; a customer resting a hand there gets a PIN pad they cannot pass. The PIN is checked
against the salted scrypt hash in the config (kiosk.technician); after three wrong PINs the pad
locks for a minute. Without a hash in the config the mode cannot be entered at all.

The panel shows what a technician is called out for: can the central be reached, how many
bookings wait and how old the oldest is, the last sync and last error, the rule set, the printer
and the reader. Actions: sync now, print a test slip, exit to the desktop.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from typing import Any

from PySide6.QtCore import QEvent, QObject, QPointF, QRect, QTimer, Signal
from PySide6.QtWidgets import QGridLayout, QWidget

from kiosk.clerk import PinGuard
from kiosk.session.machine import RESTING_SCREENS
from kiosk.technician import verify_pin
from ui import keypad
from ui.overlays import Overlay
from ui.strings import tr
from ui.theme import Metrics
from ui.widgets import Button, Icon, Panel, Text, hbox, row

RESTING = RESTING_SCREENS


class CornerHold(QObject):
    """Emits `held` after a press stays `hold_seconds` in the window's bottom-left corner."""

    held = Signal()

    def __init__(
        self,
        window: QWidget,
        size: int,
        allowed: Callable[[], bool],
        hold_seconds: float = 3.0,
        *,
        right: bool = False,
        area: Callable[[], QRect] | None = None,
    ) -> None:
        super().__init__(window)
        self.window = window
        self.size = size
        self.allowed = allowed
        #: The clerk's hold is the bottom-right corner, the technician's the bottom-left.
        self.right = right
        #: Any other area to hold instead of a corner (global coordinates).
        self.area = area
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(max(1, int(hold_seconds * 1000)))
        self._timer.timeout.connect(self.held)

    def _corner(self) -> QRect:
        if self.area is not None:
            return self.area()
        h, w = self.window.height(), self.window.width()
        top_left = self.window.mapToGlobal(self.window.rect().topLeft())
        x = top_left.x() + (w - self.size if self.right else 0)
        return QRect(x, top_left.y() + h - self.size, self.size, self.size)

    def _in_corner(self, global_pos: QPointF) -> bool:
        return self._corner().contains(global_pos.toPoint())

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind in (QEvent.Type.MouseButtonPress, QEvent.Type.TouchBegin):
            pos = _global(event)
            if pos is not None and self.allowed() and self._in_corner(pos):
                if not self._timer.isActive():
                    self._timer.start()
            else:
                self._timer.stop()
        elif kind in (QEvent.Type.MouseMove, QEvent.Type.TouchUpdate):
            pos = _global(event)
            if self._timer.isActive() and (pos is None or not self._in_corner(pos)):
                self._timer.stop()
        elif kind in (
            QEvent.Type.MouseButtonRelease,
            QEvent.Type.TouchEnd,
            QEvent.Type.TouchCancel,
        ):
            self._timer.stop()
        return False


def _global(event: QEvent) -> QPointF | None:
    if hasattr(event, "globalPosition"):
        return event.globalPosition()
    points = getattr(event, "points", lambda: [])()
    return points[0].globalPosition() if points else None


class PinOverlay(Overlay):
    accepted = Signal()

    def __init__(
        self,
        parent: QWidget,
        m: Metrics,
        pin_hash: Callable[[], str | None],
        clock: Callable[[], float] = time.monotonic,
        *,
        name: str = "technician-pin",
        words: str = "tech",
        guard: PinGuard | None = None,
        on_try: Callable[[], None] | None = None,
    ) -> None:
        super().__init__(parent, m, name)
        self._hash = pin_hash
        self._clock = clock
        #: "tech" or "clerk": which heading and "no PIN set" text (ui.strings)
        self.words = words
        self.guard = guard or PinGuard.technician()
        #: Called after every try that counted (the controller keeps the guard's state).
        self._on_try = on_try or (lambda: None)
        self.pin = ""
        self.lang = "th"
        self.heading = Text("", "heading")
        self.dots = Text("", "big", wrap=False)
        self.dots.setObjectName("pin-dots")
        self.message = Text("", "body")
        self.pad = keypad.Keypad(m, "pin")
        self.pad.pressed.connect(self._key)
        self.ok = Button(m, icon="check", role="primary", name="pin-ok")
        self.cancel = Button(m, name="pin-cancel", min_width=m.target * 2)
        self.ok.clicked.connect(self._submit)
        self.cancel.clicked.connect(self.close_pad)
        self.panel.box.addLayout(row(Icon("lock", m.target), self.heading, spacing=m.gap))
        # the message beside the dots, not under them: a message line must not push the
        # keypad's last row off a 1280x800 screen
        self.panel.box.addLayout(row(self.dots, self.message, spacing=m.margin))
        self.panel.box.addWidget(self.pad)
        self.panel.box.addLayout(hbox(self.cancel, self.ok, spacing=m.gap, stretch_at=1))

    def open_pad(self, lang: str) -> None:
        self.lang = lang
        self.pin = ""
        left = self.guard.seconds_left(self._clock())
        if left:
            self.message.set(tr("tech.pin.locked", lang, n=left))
        else:
            self.message.set("" if self._hash() else tr(f"{self.words}.pin.none", lang))
        self.render()
        self.open()

    def close_pad(self) -> None:
        self.pin = ""
        self.hide()

    def _key(self, key: str) -> None:
        self.pin = keypad.apply(self.pin, key, 12)
        self.render()

    def _submit(self) -> None:
        now = self._clock()
        # a locked pad does not even run the hash: the wait is the answer
        ok = not self.guard.seconds_left(now) and verify_pin(self.pin, self._hash())
        self.pin = ""
        outcome = self.guard.attempt(ok, now)
        if outcome != "locked":
            self._on_try()
        if outcome == "ok":
            self.hide()
            self.accepted.emit()
            return
        if outcome in ("locked", "locked-now"):
            left = self.guard.seconds_left(now)
            self.message.set(tr("tech.pin.locked", self.lang, n=left))
        else:
            self.message.set(tr("tech.pin.wrong", self.lang) if self._hash() else "")
        self.render()

    def render(self) -> None:
        self.heading.set(tr(f"{self.words}.pin", self.lang))
        self.dots.setText("•" * len(self.pin) if self.pin else "–")
        self.pad.render(self.lang)
        self.ok.setText(tr("ok", self.lang))
        self.cancel.setText(tr("cancel", self.lang))


class TechnicianPanel(Overlay):
    closed = Signal()

    def __init__(self, parent: QWidget, m: Metrics) -> None:
        super().__init__(parent, m, "technician-panel", wide=True)
        self.lang = "th"
        self.heading = Text("", "heading")
        self.panel.box.addLayout(
            row(Icon("tools", round(m.body * 1.6)), self.heading, spacing=m.gap)
        )
        self.grid = QGridLayout()
        self.grid.setHorizontalSpacing(m.margin)
        self.grid.setVerticalSpacing(m.gap // 3)
        self.rows: dict[str, tuple[Text, Text]] = {}
        for i, key in enumerate(FIELDS):
            label, value = Text("", "small"), Text("", "strong")
            value.setObjectName(f"tech-{key}")
            self.grid.addWidget(label, i, 0)
            self.grid.addWidget(value, i, 1)
            self.rows[key] = (label, value)
        self.grid.setColumnStretch(1, 1)
        self.panel.box.addLayout(self.grid)
        self.said = Panel("info", m)
        self.said_text = Text("", "body")
        self.said_text.setObjectName("tech-said")
        self.said.box.addWidget(self.said_text)
        self.said.hide()
        self.panel.box.addWidget(self.said)
        self.sync = Button(m, name="tech-sync")
        self.print_test = Button(m, icon="printer", name="tech-print-test")
        self.refresh = Button(m, name="tech-refresh")
        self.exit = Button(m, role="danger", name="tech-exit")
        self.back = Button(m, icon="back", role="primary", name="tech-close")
        self.back.clicked.connect(self._close)
        self.panel.box.addLayout(
            hbox(self.sync, self.print_test, self.refresh, self.exit, self.back, spacing=m.gap)
        )

    def _close(self) -> None:
        self.hide()
        self.closed.emit()

    def open_panel(self, lang: str) -> None:
        self.lang = lang
        self.said.hide()
        self.render({})
        self.open()

    def say(self, text: str) -> None:
        self.said_text.set(text)
        self.said.setVisible(bool(text))

    def render(self, status: Mapping[str, Any]) -> None:
        lang = self.lang
        self.heading.set(tr("tech.title", lang))
        for key, (label, value) in self.rows.items():
            label.set(FIELDS[key])
            shown = status.get(key)
            value.set("…" if shown is None else str(shown))
        self.sync.setText(tr("tech.sync", lang))
        self.print_test.setText(tr("tech.print_test", lang))
        self.refresh.setText(tr("tech.refresh", lang))
        self.exit.setText(tr("tech.exit", lang))
        self.back.setText(tr("tech.close", lang))


#: What the panel shows, in order; technicians read English and Thai alike here.
FIELDS = {
    "terminal": "เครื่อง / Terminal",
    "central": "ระบบกลาง / Central",
    "queue": "คิวการจอง / Queue",
    "oldest": "รายการค้างนานสุด / Oldest pending",
    "last_sync": "ส่งสำเร็จล่าสุด / Last sync",
    "last_error": "ข้อผิดพลาดล่าสุด / Last error",
    "availability": "ข้อมูลที่ว่าง / Availability",
    "rule_set": "ชุดเกณฑ์ / Rule set",
    "printer": "เครื่องพิมพ์ / Printer",
    "reader": "เครื่องอ่านบัตร / Card reader",
    "journal": "ที่บันทึกการจอง / Journal",
}
