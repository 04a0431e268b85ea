"""Things drawn over the current screen: "are you still there?", "start over?".

An overlay covers the whole window with a dark scrim, so nothing behind it can be tapped by
mistake, and puts one panel with one decision in the middle.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QVBoxLayout, QWidget

from ui.strings import tr
from ui.theme import Metrics
from ui.widgets import Button, Icon, Panel, Text, hbox, row


class Overlay(QWidget):
    def __init__(self, parent: QWidget, m: Metrics, name: str, *, wide: bool = False) -> None:
        super().__init__(parent)
        self.m = m
        self.setObjectName("scrim")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self.panel = Panel("overlay", m)
        self.panel.setObjectName(name)
        self.panel.box.setContentsMargins(m.margin, m.margin, m.margin, m.margin)
        self.panel.box.setSpacing(m.gap)
        lay = QVBoxLayout(self)
        side = m.margin if wide else m.margin * 2
        lay.setContentsMargins(side, m.gap if wide else m.margin, side, m.gap if wide else m.margin)
        lay.addStretch(1)
        row = QHBoxLayout()
        row.addStretch(0 if wide else 1)
        row.addWidget(self.panel, 8)
        row.addStretch(0 if wide else 1)
        lay.addLayout(row)
        lay.addStretch(1)
        self.hide()
        parent.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.parent() and event.type() == QEvent.Type.Resize:
            self.setGeometry(self.parentWidget().rect())
        return False

    def open(self) -> None:
        self.setGeometry(self.parentWidget().rect())
        self.show()
        self.raise_()


class IdleOverlay(Overlay):
    """WCAG 2.2.1: a warning, a countdown, and a simple way to get more time (any tap here)."""

    more_time = Signal()

    def __init__(self, parent: QWidget, m: Metrics) -> None:
        super().__init__(parent, m, "idle")
        self.heading = Text("", "title")
        self.count = Text("", "heading")
        self.count.setObjectName("idle-count")
        self.more = Button(m, icon="clock", role="primary", name="more-time")
        self.more.clicked.connect(self.more_time.emit)
        self.panel.box.addLayout(row(Icon("clock", m.target), self.heading, spacing=m.gap))
        self.panel.box.addWidget(self.count)
        self.panel.box.addLayout(hbox(self.more, stretch_at=0))

    def render(self, lang: str, seconds: int) -> None:
        self.heading.set(tr("idle.title", lang))
        self.count.set(tr("idle.body", lang, n=seconds))
        self.more.setText(tr("idle.more", lang))

    def mousePressEvent(self, event) -> None:
        self.more_time.emit()  # a tap anywhere on the warning is "more time"


class ConfirmOverlay(Overlay):
    """ "Start over? What you entered will be cleared." A stray tap must not wipe a booking."""

    def __init__(self, parent: QWidget, m: Metrics) -> None:
        super().__init__(parent, m, "confirm-start-over")
        self.text = Text("", "heading")
        self.no = Button(m, icon="back", name="start-over-no", min_width=round(m.target * 2.5))
        self.yes = Button(
            m, icon="restart", role="danger", name="start-over-yes", min_width=round(m.target * 2.5)
        )
        self.panel.box.addLayout(row(Icon("warn", m.target), self.text, spacing=m.gap))
        self.panel.box.addLayout(hbox(self.no, self.yes, spacing=m.gap, stretch_at=1))
        self.no.clicked.connect(self.hide)

    def render(self, lang: str) -> None:
        self.text.set(tr("confirm_start_over", lang))
        self.no.setText(tr("start_over.no", lang))
        self.yes.setText(tr("start_over.yes", lang))


class Countdown(QObject):
    """Ticks once a second from `seconds` to zero; `expired` at zero."""

    tick = Signal(int)
    expired = Signal()

    def __init__(self, seconds: float, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.seconds = seconds
        self.left = 0
        self._timer = QTimer(self)
        self._timer.timeout.connect(self._tick)

    def start(self) -> None:
        self.left = max(1, round(self.seconds))
        self._timer.start(max(1, int(self.seconds * 1000 / self.left)))
        self.tick.emit(self.left)

    def stop(self) -> None:
        self._timer.stop()

    @property
    def running(self) -> bool:
        return self._timer.isActive()

    def _tick(self) -> None:
        self.left -= 1
        if self.left <= 0:
            self._timer.stop()
            self.expired.emit()
        else:
            self.tick.emit(self.left)
