"""Waiting screens (reading the card, looking up, booking, saving a change) and the card error.

A wait always shows something moving and says what is happening, so it never looks frozen; none
offers Back, because the session would not leave a request in flight anyway.
"""

from __future__ import annotations

from PySide6.QtCore import Qt

from kiosk.session import Screen, Session
from kiosk.session import events as ev
from ui.binding import SessionBinding
from ui.screens.base import ScreenView
from ui.strings import tr
from ui.theme import Metrics
from ui.widgets import Icon, Panel, Spinner, Text, hbox

_WORDS = {
    Screen.READING: ("reading.title", "reading.body"),
    Screen.LOOKUP: ("lookup.title", "lookup.body"),
    Screen.BOOKING: ("booking.title", "booking.body"),
    Screen.CHANGING: ("changing.title", "changing.body"),
}


class ProgressView(ScreenView):
    def __init__(self, binding: SessionBinding, m: Metrics) -> None:
        super().__init__(binding, m)
        self.nav.hide()
        self.spinner = Spinner(round(m.target * 1.5))
        self.heading = Text("", "title")
        self.line = Text("", "heading")
        for w in (self.heading, self.line):
            w.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.body.addStretch(1)
        row = hbox(self.spinner, stretch_at=0)
        row.addStretch(1)
        self.body.addLayout(row)
        self.body.addWidget(self.heading)
        self.body.addWidget(self.line)
        self.body.addStretch(2)

    def render(self, s: Session, lang: str) -> None:
        title, line = _WORDS.get(s.screen, _WORDS[Screen.LOOKUP])
        self.heading.set(tr(title, lang))
        self.line.set(tr(line, lang))


class CardErrorView(ScreenView):
    def __init__(self, binding: SessionBinding, m: Metrics) -> None:
        super().__init__(binding, m)
        self.icon = Icon("warn", m.target * 2)
        self.heading = Text("", "title")
        self.panel = Panel("error", m)
        self.message = Text("", "strong")
        self.what = Text("", "body")
        self.panel.box.addWidget(self.message)
        self.panel.box.addWidget(self.what)
        self.heading.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.body.addStretch(1)
        row = hbox(self.icon, stretch_at=0)
        row.addStretch(1)
        self.body.addLayout(row)
        self.body.addWidget(self.heading)
        self.body.addWidget(self.panel)
        self.body.addStretch(2)

    def primary(self) -> None:
        self.send(ev.StartOver())

    def render(self, s: Session, lang: str) -> None:
        self.nav.configure(lang, back=None, primary="start_over", icon="restart", role="secondary")
        self.heading.set(tr("card_error.title", lang))
        self.message.set(s.error.message(lang) if s.error is not None else "")
        self.what.set(tr("card_error.what", lang))
