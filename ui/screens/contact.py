"""Phone number on a big keypad, and the occupation, on one screen.

The number is checked as it is typed (the session says whether it can still become a Thai mobile
number) and shown grouped 081-234-5678. Occupations come from the central's configuration,
including อื่นๆ ("other"): choosing it opens an on-screen Thai keyboard (ui.keyboard) to type the
occupation, since a kiosk has no physical keyboard. Next stays off until both are right.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QStackedWidget, QVBoxLayout, QWidget

from kiosk.booking.model import Occupation
from kiosk.booking.phone import PhoneError
from kiosk.session import Screen, Session
from kiosk.session import events as ev
from ui import keyboard as kb
from ui import keypad
from ui.binding import SessionBinding
from ui.screens import describe
from ui.screens.base import ScreenView
from ui.strings import pick, tr
from ui.theme import Metrics
from ui.widgets import Button, Icon, Panel, Text, row, set_prop

LEFT = Qt.AlignmentFlag.AlignLeft
OTHER = "other"


def grouped(digits: str) -> str:
    """`0812345678` as `081-234-5678`, and the same grouping while it is being typed."""
    parts = [digits[:3], digits[3:6], digits[6:]]
    return "-".join(p for p in parts if p)


def phone_column(
    view: ScreenView, m: Metrics, number_name: str, keys_name: str, status_name: str = ""
) -> QVBoxLayout:
    """The left column of a screen where a phone number is typed: the number as typed, its
    status line and the keypad (keys named `keys_name-…`, sent to `view._key`). Sets the
    widgets on `view` (`display`, `number`, `status_icon`, `status`, `keypad`) for its
    `render`."""
    left = QVBoxLayout()
    left.setSpacing(m.gap // 2)
    view.display = Panel("plain", m)
    view.display.box.setContentsMargins(m.gap, 2, m.gap, 2)
    view.number = Text("", "big", wrap=False)
    view.number.setObjectName(number_name)
    view.display.box.addWidget(view.number)
    view.status_icon = Icon(None, round(m.body * 1.2))
    view.status = Text("", "body")
    if status_name:
        view.status.setObjectName(status_name)
    view.keypad = keypad.Keypad(m, keys_name)
    view.keypad.pressed.connect(view._key)
    left.addWidget(view.display)
    left.addLayout(row(view.status_icon, view.status, spacing=m.gap // 2))
    left.addWidget(view.keypad)
    left.addStretch(1)
    return left


class ContactView(ScreenView):
    def __init__(self, binding: SessionBinding, m: Metrics) -> None:
        super().__init__(binding, m)
        self.typing = False
        self.pages = QStackedWidget()
        self.body.addWidget(self.pages, 1)
        # page 1: keypad and occupations
        main = QWidget()
        columns = QHBoxLayout(main)
        columns.setContentsMargins(0, 0, 0, 0)
        columns.setSpacing(m.margin)
        columns.addLayout(phone_column(self, m, "phone", "phone"), 5)
        right = QVBoxLayout()
        right.setSpacing(m.gap // 2)
        self.occupation_label = Text("", "strong")
        right.addWidget(self.occupation_label)
        self.occupations = QGridLayout()
        self.occupations.setSpacing(m.gap // 2)
        right.addLayout(self.occupations)
        right.addStretch(1)
        columns.addLayout(right, 7)
        self.pages.addWidget(main)
        self.choices: dict[str, Button] = {}
        self._build_typing(m)

    def _build_typing(self, m: Metrics) -> None:
        """Page 2: typing the occupation when it is "other"."""
        typing = QWidget()
        col = QVBoxLayout(typing)
        col.setContentsMargins(0, 0, 0, 0)
        col.setSpacing(m.gap // 2)
        self.other_label = Text("", "strong")
        self.other_box = Panel("plain", m)
        self.other_text = Text("", "heading")
        self.other_text.setObjectName("other-text")
        self.other_box.box.addWidget(self.other_text)
        self.keyboard = kb.Keyboard(m)
        self.keyboard.typed.connect(self._typed)
        col.addWidget(self.other_label)
        col.addWidget(self.other_box)
        col.addWidget(self.keyboard)
        col.addStretch(1)
        self.pages.addWidget(typing)

    def title(self, s: Session, lang: str) -> str:
        return tr("change.contact.title" if s.contact_change else "contact.title", lang)

    # input -------------------------------------------------------------------------------------

    def _key(self, key: str) -> None:
        digits = "".join(ch for ch in self.b.session.phone if ch.isdigit())
        self.send(ev.PhoneEntered(keypad.apply(digits, key, 10)))

    def _choose(self, code: str) -> None:
        s = self.b.session
        if code == OTHER:
            other = s.occupation.other if s.occupation and s.occupation.code == OTHER else None
            self.send(ev.OccupationChosen(Occupation(OTHER, other)))
            self.typing = True
            self.keyboard.reset()
            self.b.changed.emit()  # re-render: the typing page
            return
        self.send(ev.OccupationChosen(Occupation(code)))

    def _typed(self, key: str) -> None:
        if key == kb.DONE:
            self.typing = False
            self.b.changed.emit()
            return
        s = self.b.session
        current = (s.occupation.other or "") if s.occupation else ""
        text = kb.apply(current, key)
        self.send(ev.OccupationChosen(Occupation(OTHER, text or None)))

    # rendering ---------------------------------------------------------------------------------

    def _options(self) -> list[dict[str, Any]]:
        items = [o for o in self.b.occupations if o.get("code")]
        if not any(o["code"] == OTHER for o in items):
            items.append({"code": OTHER, "th": "อื่นๆ (โปรดระบุ)", "en": "Other (please specify)"})
        return items

    def _build(self, options: list[dict[str, Any]]) -> None:
        codes = [o["code"] for o in options]
        if list(self.choices) == codes:
            return
        for b in self.choices.values():
            b.setParent(None)
            b.deleteLater()
        self.choices = {}
        for i, o in enumerate(options):
            b = Button(self.m, role="choice", name=f"occupation-{o['code']}", align=LEFT)
            b.clicked.connect(lambda _=False, c=o["code"]: self._choose(c))
            self.occupations.addWidget(b, i // 3, i % 3)
            self.choices[o["code"]] = b

    def render(self, s: Session, lang: str) -> None:
        if s.screen != Screen.CONTACT or s.occupation is None or s.occupation.code != OTHER:
            self.typing = False
        occ = s.occupation
        self.other_label.set(tr("contact.other", lang))
        self.other_text.setText((occ.other or "") if occ and occ.code == OTHER else "")
        self.keyboard.render(lang)
        if self.typing:
            self.pages.setCurrentIndex(1)
            self.nav.configure(lang, back=None, primary=None)
            return
        self.pages.setCurrentIndex(0)
        digits = "".join(ch for ch in s.phone if ch.isdigit())
        self.number.setText(grouped(digits) if digits else "0XX-XXX-XXXX")
        if set_prop(self.number, "text_role", "big" if digits else "muted"):
            self.number.style().unpolish(self.number)
            self.number.style().polish(self.number)
        state = s.phone_state()
        if state == "ok":
            self.status_icon.set("check")
            self.status.set(tr("contact.phone.ok", lang))
        elif state == "bad":
            self.status_icon.set("warn")
            self.status.set(PhoneError().message(lang))
        elif s.contact_change:  # changing a booking: the current number, masked
            current = describe.booking_phone(s.existing)
            self.status_icon.set(None)
            self.status.set(
                tr("change.current_phone", lang, phone=current) + "\n"
                + tr("change.phone.hint", lang)
            )  # fmt: skip
        else:
            self.status_icon.set(None)
            self.status.set(f"{tr('contact.phone', lang)}: {tr('contact.phone.hint', lang)}")
        self.display.set_kind("error" if state == "bad" else "plain")
        self.keypad.render(lang)
        self.occupation_label.set(tr("contact.occupation", lang))
        options = self._options()
        self._build(options)
        for o in options:
            b = self.choices[o["code"]]
            label = pick(o, lang)
            if o["code"] == OTHER and occ and occ.code == OTHER and occ.other:
                label = f"{label}: {occ.other}"
            b.setText(label)
            b.set_selected(occ is not None and occ.code == o["code"])
        self.nav.configure(lang, primary="next", enabled=s.can_go_next())
