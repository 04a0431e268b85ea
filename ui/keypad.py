"""A big numeric keypad: the phone number, and the technician PIN.

Keys are touch targets in their own right (never smaller than the theme's target). The keypad
only reports keys; what a key does to a number is the caller's (and the session's) business.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QGridLayout, QWidget

from ui.strings import tr
from ui.theme import Metrics
from ui.widgets import Button

DELETE = "delete"
CLEAR = "clear"


class Keypad(QWidget):
    #: A digit "0".."9", or DELETE, or CLEAR.
    pressed = Signal(str)

    def __init__(self, m: Metrics, name: str = "key") -> None:
        super().__init__()
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setSpacing(m.gap // 2)
        self.keys: dict[str, Button] = {}
        layout = ("123", "456", "789")
        for r, row in enumerate(layout):
            for c, digit in enumerate(row):
                self._key(m, grid, digit, digit, r, c, name)
        self._key(m, grid, CLEAR, "", 3, 0, name)
        self._key(m, grid, "0", "0", 3, 1, name)
        self._key(m, grid, DELETE, "", 3, 2, name)
        self.keys[DELETE].set_icon("backspace")

    def _key(
        self, m: Metrics, grid: QGridLayout, key: str, text: str, r: int, c: int, name: str
    ) -> None:
        b = Button(m, text, role="key" if key.isdigit() else "secondary", name=f"{name}-{key}")
        b.clicked.connect(lambda _=False, k=key: self.pressed.emit(k))
        grid.addWidget(b, r, c)
        self.keys[key] = b

    def render(self, lang: str) -> None:
        self.keys[CLEAR].setText(tr("key.clear", lang))
        self.keys[DELETE].setText(tr("key.delete", lang))


def apply(text: str, key: str, limit: int) -> str:
    """The text after pressing `key`."""
    if key == DELETE:
        return text[:-1]
    if key == CLEAR:
        return ""
    return text + key if len(text) < limit else text
