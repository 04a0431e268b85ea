"""What every screen has: a body, a bottom bar with Back on the left and the primary action on the
right (DESIGN §10), and a `render(session, lang)` that draws it from the session alone.

A screen keeps no customer data of its own: everything it shows is set in `render`, so rendering
it from a wiped session leaves nothing behind (the window does that on every wipe).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QSizePolicy, QVBoxLayout, QWidget

from kiosk.session import Session
from kiosk.session import events as ev
from ui.binding import SessionBinding
from ui.strings import tr
from ui.theme import Metrics
from ui.widgets import Button, set_prop


class NavBar(QWidget):
    def __init__(self, m: Metrics) -> None:
        super().__init__()
        self.m = m
        self.back = Button(m, icon="back", name="back", min_width=round(m.target * 2.2))
        self.primary = Button(
            m, icon="next", role="primary", name="primary", min_width=round(m.target * 2.8)
        )
        self.extras = QHBoxLayout()
        self.extras.setSpacing(m.gap)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, m.gap // 2, 0, 0)
        lay.setSpacing(m.gap)
        lay.addWidget(self.back)
        lay.addStretch(1)
        lay.addLayout(self.extras)
        lay.addWidget(self.primary)

    def configure(
        self,
        lang: str,
        *,
        back: str | None = "back",
        primary: str | None = None,
        enabled: bool = True,
        icon: str | None = "next",
        role: str = "primary",
    ) -> None:
        self.back.setVisible(back is not None)
        if back is not None:
            self.back.setText(tr(back, lang))
        self.primary.setVisible(primary is not None)
        if primary is not None:
            self.primary.setText(tr(primary, lang))
            self.primary.set_icon(icon)
            self.primary.set_role(role)
            self.primary.setEnabled(enabled)


class ScreenView(QWidget):
    """One screen (or a few close variants) of the journey."""

    def __init__(self, binding: SessionBinding, m: Metrics) -> None:
        super().__init__()
        self.b = binding
        self.m = m
        set_prop(self, "role", "screen")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        # a page's minimum must not size the stack (or the window): each lays out in what it gets
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(m.margin, m.gap, m.margin, m.gap)
        outer.setSpacing(m.gap)
        self.body = QVBoxLayout()
        self.body.setSpacing(m.gap)
        outer.addLayout(self.body, 1)
        self.nav = NavBar(m)
        outer.addWidget(self.nav)
        self.nav.back.clicked.connect(lambda: self.send(ev.Back()))
        self.nav.primary.clicked.connect(self.primary)

    def send(self, event: object) -> None:
        self.b.send(event)

    def primary(self) -> None:
        self.send(ev.Next())

    def title(self, s: Session, lang: str) -> str:
        return ""

    def render(self, s: Session, lang: str) -> None:
        raise NotImplementedError
