"""Everything before it is sent, each part with its own "change" button.

When changing an existing booking, the current appointment is shown beside the new one, so the
customer confirms a change knowing what it replaces. Offline, one more part says which booking
confirming makes: confirmed at once from this terminal's lease seat, or saved and sent later
(awaiting confirmation), with an icon and words, not a colour alone.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QSizePolicy, QVBoxLayout

from kiosk.session import Session
from kiosk.session import events as ev
from ui.binding import SessionBinding
from ui.screens import describe
from ui.screens.base import ScreenView
from ui.strings import tr
from ui.theme import Metrics
from ui.widgets import Button, Icon, Panel, Text


class Row(Panel):
    """One part of the review: what it is, its value, and a button to change it."""

    def __init__(self, m: Metrics, icon: str, section: str | None, send) -> None:
        super().__init__("plain", m)
        self.label = Text("", "small")
        self.value = Text("", "strong")
        self.value.setObjectName(f"review-{section or icon}")
        col = QVBoxLayout()
        col.setSpacing(0)
        col.addWidget(self.label)
        col.addWidget(self.value)
        col.addStretch(1)
        line = QHBoxLayout()
        line.setSpacing(m.gap)
        self.icon = Icon(icon, round(m.body * 1.5))
        line.addWidget(self.icon, 0, Qt.AlignmentFlag.AlignTop)
        line.addLayout(col, 1)
        self.edit: Button | None = None
        if section is not None:
            self.edit = Button(m, name=f"edit-{section}")
            self.edit.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
            self.edit.clicked.connect(lambda: send(ev.Edit(section)))
            line.addWidget(self.edit, 0, Qt.AlignmentFlag.AlignVCenter)
        self.box.addLayout(line)

    def set(self, lang: str, label: str, value: str) -> None:
        self.label.set(label)
        self.value.set(value)
        if self.edit is not None:
            self.edit.setText(tr("edit", lang))


class ReviewView(ScreenView):
    def __init__(self, binding: SessionBinding, m: Metrics) -> None:
        super().__init__(binding, m)
        grid = QGridLayout()
        grid.setSpacing(m.gap)
        self.person = Row(m, "person", None, self.send)
        self.answers = Row(m, "hospital", "answers", self.send)
        self.contact = Row(m, "phone", "contact", self.send)
        self.old = Row(m, "calendar", None, self.send)
        self.site = Row(m, "pin", "site", self.send)
        self.slot = Row(m, "calendar", "slot", self.send)
        grid.addWidget(self.person, 0, 0)
        grid.addWidget(self.answers, 1, 0)
        grid.addWidget(self.contact, 2, 0)
        grid.addWidget(self.old, 0, 0, 2, 1)
        grid.addWidget(self.site, 0, 1)
        grid.addWidget(self.slot, 1, 1)
        self.will = Row(m, "confirm-now", None, self.send)
        self.will.value.setObjectName("review-will")
        grid.addWidget(self.will, 2, 1)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)
        self.body.addLayout(grid)
        self.body.addStretch(1)

    def title(self, s: Session, lang: str) -> str:
        return tr("review.change.title" if s.change_mode else "review.title", lang)

    def render(self, s: Session, lang: str) -> None:
        if s.change_mode:
            existing = s.existing or {}
            self.old.set(
                lang,
                tr("review.old", lang),
                describe.booking_where(existing, lang, s.sites)
                + "\n"
                + describe.booking_when(existing, lang),
            )
            for row in (self.person, self.answers, self.contact, self.will):
                row.hide()
            self.old.show()
            new = tr("review.new", lang)
            self.site.set(lang, f"{new}: {tr('review.site', lang)}", self._site(s, lang))
            self.slot.set(lang, f"{new}: {tr('review.slot', lang)}", self._slot(s, lang))
            self.nav.configure(lang, primary="review.confirm_change", icon="check")
            return
        self.old.hide()
        for row in (self.person, self.answers, self.contact):
            row.show()
        card = s.card
        who = ""
        if card is not None:
            name = (
                card.name_th.display(thai=True)
                if lang == "th"
                else card.name_en.display(thai=False)
            )
            who = f"{name}\n{card.masked_cid}"
        self.person.set(lang, tr("review.person", lang), who)
        answers = describe.conditions(s, lang)
        if s.answers.works_in_bangkok is not None:
            works = tr("yes" if s.answers.works_in_bangkok else "no", lang)
            answers += f"\n{tr('review.works', lang)}: {works}"
        self.answers.set(lang, tr("review.answers", lang), answers)
        occupation = describe.occupation(s.occupation, self.b.occupations, lang)
        self.contact.set(
            lang,
            f"{tr('review.phone', lang)} · {tr('review.occupation', lang)}",
            f"{describe.phone(s)}\n{occupation}".strip(),
        )
        self.site.set(lang, tr("review.site", lang), self._site(s, lang))
        self.slot.set(lang, tr("review.slot", lang), self._slot(s, lang))
        self._will(s, lang)
        self.nav.configure(lang, primary="review.confirm", icon="check")

    def _will(self, s: Session, lang: str) -> None:
        kind = s.booking_kind(s.slot)
        self.will.setVisible(kind is not None)
        if kind is None:
            return
        now = kind == "confirm-now"
        self.will.set_kind("ok" if now else "warn")
        self.will.icon.set("confirm-now" if now else "clock")
        text = tr("review.will.confirm" if now else "review.will.queue", lang)
        self.will.set(lang, tr("review.will", lang), text)

    def _site(self, s: Session, lang: str) -> str:
        return describe.site_where(s.site, lang) if s.site else ""

    def _slot(self, s: Session, lang: str) -> str:
        return describe.slot_when(s.slot, lang) if s.slot else ""
