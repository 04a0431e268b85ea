"""An on-screen Thai keyboard (Kedmanee, the layout printed on Thai keyboards) with an English one.

Only one thing on the kiosk needs free text: the occupation when it is "other" (อื่นๆ). Qt's
virtual keyboard has a Thai layout, but it needs Qt Quick (PySide6-Addons, libpulse) and shows
in its own top-level window in a Widgets app; a kiosk needs neither the weight nor a second
window. This is a grid of buttons that reports characters; the text lives in the session.

Keys for Thai marks that sit above or below a consonant are labelled on a dash ("-ิ") so they
are visible on their own. Keys are as large as the width allows (at least 12 mm on the 15.6"
screen); a clerk often types here for the customer.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QVBoxLayout, QWidget

from ui.strings import tr
from ui.theme import Metrics
from ui.widgets import Button

THAI = (
    ("ๅ/-ภถุึคตจขช", "+๑๒๓๔ู฿๕๖๗๘๙"),
    ("ๆไำพะัีรนยบลฃ", '๐"ฎฑธํ๊ณฯญฐ,ฅ'),
    ("ฟหกดเ้่าสวง", "ฤฆฏโฌ็๋ษศซ."),
    ("ผปแอิืทมใฝ", "()ฉฮฺ์?ฒฬฦ"),
)
ENGLISH = (
    ("1234567890", "1234567890"),
    ("qwertyuiop", "QWERTYUIOP"),
    ("asdfghjkl", "ASDFGHJKL"),
    ("zxcvbnm-.", "ZXCVBNM/,"),
)
#: Thai characters that attach to the consonant before them (above or below it).
MARKS = set("ัิีึืฺุู็่้๊๋์ํ")

SPACE, DELETE, SHIFT, SWITCH, DONE = "space", "delete", "shift", "switch", "done"


def key_label(ch: str) -> str:
    return f"-{ch}" if ch in MARKS else ch


class Keyboard(QWidget):
    #: A character to add, or SPACE / DELETE / DONE.
    typed = Signal(str)

    def __init__(self, m: Metrics) -> None:
        super().__init__()
        self.m = m
        self.layout_name = "th"
        self.shifted = False
        key_h = max(round(m.target * 0.8), 64)
        self.grid = QGridLayout()
        self.grid.setSpacing(m.gap // 3)
        self.keys: list[list[Button]] = []
        for r in range(4):
            row = []
            for c in range(13):
                b = Button(
                    m, "", role="key", name=f"kb-{r}-{c}", min_width=key_h // 2, min_height=key_h
                )
                b.clicked.connect(lambda _=False, rr=r, cc=c: self._press(rr, cc))
                self.grid.addWidget(b, r, c)
                row.append(b)
            self.keys.append(row)
        self.shift = Button(m, name="kb-shift", min_height=key_h)
        self.switch = Button(m, name="kb-switch", min_height=key_h)
        self.space = Button(m, name="kb-space", min_height=key_h)
        self.delete = Button(m, icon="backspace", name="kb-delete", min_height=key_h)
        self.done = Button(m, icon="check", role="primary", name="kb-done", min_height=key_h)
        self.shift.clicked.connect(self._toggle_shift)
        self.switch.clicked.connect(self._toggle_layout)
        self.space.clicked.connect(lambda: self.typed.emit(SPACE))
        self.delete.clicked.connect(lambda: self.typed.emit(DELETE))
        self.done.clicked.connect(lambda: self.typed.emit(DONE))
        bottom = QHBoxLayout()
        bottom.setSpacing(m.gap // 2)
        bottom.addWidget(self.shift)
        bottom.addWidget(self.switch)
        bottom.addWidget(self.space, 3)
        bottom.addWidget(self.delete)
        bottom.addWidget(self.done)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(m.gap // 3)
        lay.addLayout(self.grid)
        lay.addLayout(bottom)
        self._lang = "th"
        self._paint()

    def _rows(self) -> tuple[tuple[str, str], ...]:
        return THAI if self.layout_name == "th" else ENGLISH

    def _press(self, r: int, c: int) -> None:
        plain, shifted = self._rows()[r]
        chars = shifted if self.shifted else plain
        if c < len(chars):
            self.typed.emit(chars[c])
        if self.shifted:
            self.shifted = False
            self._paint()

    def _toggle_shift(self) -> None:
        self.shifted = not self.shifted
        self._paint()

    def _toggle_layout(self) -> None:
        self.layout_name = "en" if self.layout_name == "th" else "th"
        self.shifted = False
        self._paint()

    def reset(self) -> None:
        self.layout_name, self.shifted = "th", False
        self._paint()

    def render(self, lang: str) -> None:
        self._lang = lang
        self._paint()

    def _paint(self) -> None:
        for r, (plain, shifted) in enumerate(self._rows()):
            chars = shifted if self.shifted else plain
            for c, b in enumerate(self.keys[r]):
                b.setVisible(c < len(chars))
                b.setText(key_label(chars[c]) if c < len(chars) else "")
        self.shift.setText(tr("key.shift", self._lang))
        self.shift.set_role("choice")
        self.shift.set_selected(self.shifted)
        self.switch.setText(tr("key.abc" if self.layout_name == "th" else "key.thai", self._lang))
        self.space.setText(tr("key.space", self._lang))
        self.delete.setText(tr("key.delete", self._lang))
        self.done.setText(tr("contact.other.done", self._lang))


def apply(text: str, key: str, limit: int = 60) -> str:
    if key == DELETE:
        return text[:-1]
    if key == SPACE:
        return text + " " if text and not text.endswith(" ") and len(text) < limit else text
    if key in (DONE, SHIFT, SWITCH):
        return text
    return text + key if len(text) < limit else text
