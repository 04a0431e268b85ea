"""The screens with no customer on them: welcome, goodbye, closed, out of service.

The welcome screen speaks both languages at once (the customer has not chosen yet); the others
follow the language toggle. None of them shows anything about a person.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QVBoxLayout

from kiosk.session import Screen, Session
from ui.binding import SessionBinding
from ui.screens import describe
from ui.screens.base import ScreenView
from ui.strings import tr
from ui.theme import Metrics
from ui.widgets import Icon, Panel, Text, hbox


def _other(lang: str) -> str:
    return "en" if lang == "th" else "th"


class WelcomeView(ScreenView):
    def __init__(self, binding: SessionBinding, m: Metrics) -> None:
        super().__init__(binding, m)
        self.nav.hide()
        self.programme = Text("", "title")
        self.programme_other = Text("", "muted")
        self.sub = Text("", "heading")
        self.icon = Icon("card", round(m.target * 2.2))
        self.insert = Text("", "heading")
        self.insert_other = Text("", "muted")
        self.how = Text("", "body")
        self.hours = Text("", "strong")
        self.hours_other = Text("", "small")
        self.privacy = Text("", "small")
        for w in (self.programme, self.programme_other, self.sub):
            w.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.body.addWidget(self.programme)
        self.body.addWidget(self.programme_other)
        self.body.addWidget(self.sub)
        self.body.addStretch(1)
        words = QVBoxLayout()
        words.setSpacing(m.gap // 2)
        for w in (self.insert, self.insert_other, self.how):
            words.addWidget(w)
        line = hbox(self.icon, spacing=m.margin, stretch_at=0)
        line.addLayout(words, 6)
        line.addStretch(1)
        self.body.addLayout(line)
        self.body.addStretch(1)
        self.panel = Panel("info", m)
        self.panel.box.addWidget(self.hours)
        self.panel.box.addWidget(self.hours_other)
        self.panel.box.addWidget(self.privacy)
        self.body.addWidget(self.panel)

    def render(self, s: Session, lang: str) -> None:
        other = _other(lang)
        self.programme.set(tr("programme", lang))
        self.programme_other.set(tr("programme", other))
        self.sub.set(tr("programme.sub", lang))
        if s.card_present:
            self.insert.set(tr("welcome.remove_card", lang))
            self.insert_other.set(tr("welcome.remove_card", other))
            self.how.set("")
        else:
            self.insert.set(tr("welcome.insert", lang))
            self.insert_other.set(tr("welcome.insert", other))
            self.how.set(tr("welcome.how", lang))
        opens, closes = s.status.opens, s.status.closes
        if opens and closes:
            self.hours.set(tr("welcome.hours", lang, opens=opens, closes=closes))
            self.hours_other.set(tr("welcome.hours", other, opens=opens, closes=closes))
        else:
            self.hours.set("")
            self.hours_other.set("")
        self.privacy.set(tr("welcome.privacy", lang))


class GoodbyeView(ScreenView):
    def __init__(self, binding: SessionBinding, m: Metrics) -> None:
        super().__init__(binding, m)
        self.nav.hide()
        self.icon = Icon("check", m.target * 2)
        self.heading = Text("", "title")
        self.card = Text("", "heading")
        self.wiped = Text("", "body")
        for w in (self.heading, self.card, self.wiped):
            w.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.body.addStretch(1)
        self.body.addLayout(hbox(self.icon, stretch_at=0))
        self.body.itemAt(self.body.count() - 1).layout().addStretch(1)
        self.body.addWidget(self.heading)
        self.body.addWidget(self.card)
        self.body.addWidget(self.wiped)
        self.body.addStretch(2)

    def render(self, s: Session, lang: str) -> None:
        self.heading.set(tr("goodbye.title", lang))
        self.card.set(tr("goodbye.card", lang) if s.card_present else "")
        self.wiped.set(tr("goodbye.wiped", lang))


class ServiceView(ScreenView):
    """Closed outside the channel's hours, paused by a clerk ("temporarily closed"), or out of
    service (reader, printer, journal)."""

    def __init__(self, binding: SessionBinding, m: Metrics) -> None:
        super().__init__(binding, m)
        self.nav.hide()
        self.icon = Icon("clock", m.target * 2)
        self.heading = Text("", "title")
        self.line1 = Text("", "heading")
        self.line2 = Text("", "body")
        self.panel = Panel("warn", m)
        self.reason = Text("", "strong")
        self.detail = Text("", "body")
        self.panel.box.addWidget(self.reason)
        self.panel.box.addWidget(self.detail)
        for w in (self.heading, self.line1, self.line2):
            w.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.body.addStretch(1)
        icon_row = hbox(self.icon, stretch_at=0)
        icon_row.addStretch(1)
        self.body.addLayout(icon_row)
        self.body.addWidget(self.heading)
        self.body.addWidget(self.line1)
        self.body.addWidget(self.line2)
        self.body.addWidget(self.panel)
        self.body.addStretch(2)

    def render(self, s: Session, lang: str) -> None:
        st = s.status
        if s.screen == Screen.PAUSED:  # a clerk's pause (ui/clerk.py): no reason is owed
            self.icon.set("pause")
            self.heading.set(tr("paused.title", lang))
            self.line1.set(tr("paused.line", lang))
            self.line2.set(tr("closed.other", lang))
            self.panel.hide()
            return
        if s.screen == Screen.CLOSED:
            self.icon.set("clock")
            self.heading.set(tr("closed.title", lang))
            if st.opens and st.closes:
                self.line1.set(tr("closed.hours", lang, opens=st.opens, closes=st.closes))
            else:
                self.line1.set("")
            self.line2.set(tr("closed.other", lang))
            self.panel.hide()
            return
        self.icon.set("warn")
        self.heading.set(tr("oos.title", lang))
        self.line1.set(tr("oos.staff", lang))
        self.line2.set(tr("closed.other", lang))
        reasons = []
        if not st.reader_ok:
            reasons.append(tr("oos.reader", lang))
        if not st.printer_ok:
            reasons.append(tr("oos.printer", lang))
        if not st.journal_ok:
            reasons.append(tr("oos.journal", lang))
        self.reason.set(" · ".join(reasons))
        self.detail.set(describe.error_text(st.problem, lang))
        self.panel.setVisible(bool(reasons))
