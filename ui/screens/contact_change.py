"""Changing a booking's phone or occupation: the new number a second time, then the review.

The flow's logic is the session's (kiosk/session/contact_change.py): these views only draw it
and send the keys. The second entry has its own keypad screen, so it is typed in full again, not
corrected from the first; it says "does not match" at the first digit that differs. The review
shows what the booking says now and what it will say, the phone masked as everywhere but where
it is typed.
"""

from __future__ import annotations

from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QVBoxLayout

from kiosk.session import Session
from kiosk.session import contact_change as cc
from ui import keypad
from ui.binding import SessionBinding
from ui.screens import describe
from ui.screens.base import ScreenView
from ui.screens.contact import grouped, phone_column
from ui.screens.review import Row
from ui.strings import tr
from ui.theme import Metrics
from ui.widgets import Text, set_prop


class PhoneAgainView(ScreenView):
    def __init__(self, binding: SessionBinding, m: Metrics) -> None:
        super().__init__(binding, m)
        columns = QHBoxLayout()
        columns.setSpacing(m.margin)
        columns.addLayout(phone_column(self, m, "phone-again", "again", "phone-again-status"), 5)
        right = QVBoxLayout()
        self.ask = Text("", "heading")
        right.addWidget(self.ask)
        right.addStretch(1)
        columns.addLayout(right, 7)
        self.body.addLayout(columns, 1)

    def title(self, s: Session, lang: str) -> str:
        return tr("change.again.title", lang)

    def _key(self, key: str) -> None:
        typed = self.b.session.phone_again
        self.send(cc.PhoneAgainEntered(keypad.apply(typed, key, 10)))

    def render(self, s: Session, lang: str) -> None:
        typed = s.phone_again
        self.number.setText(grouped(typed) if typed else "0XX-XXX-XXXX")
        if set_prop(self.number, "text_role", "big" if typed else "muted"):
            self.number.style().unpolish(self.number)
            self.number.style().polish(self.number)
        state = s.phone_again_state()
        self.ask.set(tr("change.again.ask", lang))
        if state == "match":
            self.status_icon.set("check")
            self.status.set(tr("change.again.ok", lang))
        elif state == "mismatch":
            self.status_icon.set("warn")
            self.status.set(tr("change.again.mismatch", lang))
        else:
            self.status_icon.set(None)
            self.status.set(tr("contact.phone.hint", lang))
        self.display.set_kind("error" if state == "mismatch" else "plain")
        self.keypad.render(lang)
        self.nav.configure(lang, primary="next", enabled=s.can_go_next())


class ChangeReviewView(ScreenView):
    def __init__(self, binding: SessionBinding, m: Metrics) -> None:
        super().__init__(binding, m)
        grid = QGridLayout()
        grid.setSpacing(m.gap)
        self.booking = Row(m, "calendar", None, self.send)
        self.phone = Row(m, "phone", None, self.send)
        self.phone.value.setObjectName("change-review-phone")
        self.occupation = Row(m, "person", None, self.send)
        self.occupation.value.setObjectName("change-review-occupation")
        grid.addWidget(self.booking, 0, 0, 2, 1)
        grid.addWidget(self.phone, 0, 1)
        grid.addWidget(self.occupation, 1, 1)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)
        self.body.addLayout(grid)
        self.body.addStretch(1)

    def title(self, s: Session, lang: str) -> str:
        return tr("change.review.title", lang)

    def render(self, s: Session, lang: str) -> None:
        b = s.existing or {}
        ref = str(b.get("reference") or "")
        self.booking.set(
            lang,
            tr("change.review.booking", lang),
            "\n".join(
                x
                for x in (
                    ref,
                    describe.booking_where(b, lang, s.sites),
                    describe.booking_when(b, lang),
                )
                if x
            ),
        )
        old_phone = describe.booking_phone(b)
        new_phone = s.change_new_phone()
        self.phone.set(
            lang,
            tr("change.review.phone", lang),
            _from_to(lang, old_phone, describe.phone(s) if new_phone else None),
        )
        options = self.b.occupations
        old_occ = describe.occupation(cc.current_occupation(b), options, lang)
        new_occ = s.change_new_occupation()
        self.occupation.set(
            lang,
            tr("change.review.occupation", lang),
            _from_to(
                lang, old_occ, describe.occupation(new_occ, options, lang) if new_occ else None
            ),
        )
        self.nav.configure(lang, primary="change.review.confirm", icon="check")


def _from_to(lang: str, old: str, new: str | None) -> str:
    if new is None:
        return tr("change.review.same", lang, old=old)
    return tr("change.review.from_to", lang, old=old, new=new)
