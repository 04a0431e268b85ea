"""The decision: which route, the rule set's own explanation, and what to do next.

For the routes that do not book here (hospital, wait for guidance, not eligible) the primary
action prints an information slip the customer can take to a hospital or a district office.
"""

from __future__ import annotations

from kiosk.booking.model import BOOKABLE_ROUTES
from kiosk.session import Session
from kiosk.session import events as ev
from ui.binding import SessionBinding
from ui.screens.base import ScreenView
from ui.strings import pick, tr
from ui.theme import Metrics
from ui.widgets import Button, Icon, Panel, Text, row

ROUTE_ICON = {
    "book": "check",
    "book-provisional": "check",
    "hospital": "hospital",
    "await-guidance": "clock",
    "ineligible": "cross",
}
ROUTE_PANEL = {"book": "ok", "book-provisional": "ok"}


class DecisionView(ScreenView):
    def __init__(self, binding: SessionBinding, m: Metrics) -> None:
        super().__init__(binding, m)
        self.panel = Panel("ok", m)
        self.icon = Icon("check", round(m.target * 1.2))
        self.heading = Text("", "heading")
        self.panel.box.addLayout(row(self.icon, self.heading, spacing=m.gap))
        self.message = Text("", "body")
        self.panel.box.addWidget(self.message)
        self.body.addWidget(self.panel)
        self.next_steps = Text("", "body")
        self.body.addWidget(self.next_steps)
        self.body.addStretch(1)
        self.finish = Button(m, icon="check", name="finish")
        self.finish.clicked.connect(lambda: self.send(ev.Finish()))
        self.nav.extras.addWidget(self.finish)

    def title(self, s: Session, lang: str) -> str:
        return tr("decision.title", lang)

    def render(self, s: Session, lang: str) -> None:
        d = s.decision
        route = d.route if d else "ineligible"
        self.icon.set(ROUTE_ICON.get(route, "info"))
        self.panel.set_kind(ROUTE_PANEL.get(route, "warn"))
        self.heading.set(tr(f"decision.{route}", lang) if route in ROUTE_ICON else "")
        self.message.set(pick(d.message, lang) if d else "")
        bookable = route in BOOKABLE_ROUTES
        self.next_steps.set(tr("decision.next.book" if bookable else "decision.next.other", lang))
        self.finish.setVisible(not bookable)
        self.finish.setText(tr("finish", lang))
        if bookable:
            self.nav.configure(lang, primary="decision.start")
        else:
            self.nav.configure(lang, primary="decision.print", icon="printer")
