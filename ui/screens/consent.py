"""Consent under the PDPA: what is read from the card, why, and what is kept.

The greeting uses the name just read, so the customer sees at once that it is their card.
Declining is Back: the session wipes and returns to the welcome screen.
"""

from __future__ import annotations

from kiosk.session import Session
from kiosk.session import events as ev
from ui.binding import SessionBinding
from ui.screens.base import ScreenView
from ui.strings import tr
from ui.theme import Metrics
from ui.widgets import Icon, Panel, Text, row, set_prop


class ConsentView(ScreenView):
    def __init__(self, binding: SessionBinding, m: Metrics) -> None:
        super().__init__(binding, m)
        self.hello = Text("", "heading")
        self.body.addWidget(self.hello)
        self.parts: list[tuple[Text, Text]] = []
        for icon in ("card", "info", "lock"):
            panel = Panel("info", m)
            head, words = Text("", "strong"), Text("", "body")
            col = Panel("info")
            set_prop(col, "panel", "")
            col.box.setContentsMargins(0, 0, 0, 0)
            col.box.addWidget(head)
            col.box.addWidget(words)
            panel.box.addLayout(row(Icon(icon, round(m.body * 1.8)), col, spacing=m.gap))
            self.body.addWidget(panel)
            self.parts.append((head, words))
        self.body.addStretch(1)

    def title(self, s: Session, lang: str) -> str:
        return tr("consent.title", lang)

    def primary(self) -> None:
        self.send(ev.ConsentGiven())

    def render(self, s: Session, lang: str) -> None:
        self.nav.configure(lang, back="consent.decline", primary="consent.agree", icon="check")
        name = ""
        if s.card is not None:
            name = s.card.name_th.first if lang == "th" else s.card.name_en.first
        self.hello.set(tr("consent.hello", lang, name=name) if name else "")
        keys = (
            ("consent.read", "consent.read.items"),
            ("consent.why", "consent.why.items"),
            ("consent.keep", "consent.keep.items"),
        )
        for (head, words), (k1, k2) in zip(self.parts, keys, strict=True):
            head.set(tr(k1, lang))
            words.set(tr(k2, lang))
