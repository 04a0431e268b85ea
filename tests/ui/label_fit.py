"""Whether a button's label holds its text: the check shared by the screen tests.

The panels are the two the kiosk ships on (a 10.1" 1280x800 counter tablet, a 15.6" 1920x1080
kiosk), with their physical DPI.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontMetrics

from ui.widgets import Button
from ui.window import MainWindow

PANELS = {"1280x800": (1280, 800, 149.5), "1920x1080": (1920, 1080, 141.2)}


def label_problems(window: MainWindow) -> list[str]:
    """Every button's label holds its text as drawn, scrolled into view or not.

    The check that would have caught the slot buttons' labels drawn 13 px wide (":C", "น.")
    and the selected one breaking "09:00–10:00 น." before "น.": the text, wrapped by the
    label's own font at the label's own width, must fit the label's rectangle; and on a day or
    slot button (a date, a time, a state) every line of the text must fit unbroken.
    """
    out = []
    for b in window.findChildren(Button):
        label = b.label()
        text = label.text()
        if not (b.isVisible() and text):
            continue
        fm = QFontMetrics(label.font())
        rect = label.contentsRect()
        flags = int(Qt.TextFlag.TextWordWrap) | int(label.alignment())
        needed = fm.boundingRect(rect, flags, text)
        name = f"button {b.objectName() or text[:20]!r}"
        if needed.height() > rect.height() + 1 or needed.width() > rect.width() + 1:
            out.append(f"{name}: {text!r} needs {needed.size()} in {rect.size()}")
        if not b.rect().contains(label.geometry()):
            out.append(f"{name}: label {label.geometry()} outside the button {b.rect()}")
        if b.objectName().startswith(("slot-", "day-")):
            for line in text.split("\n"):
                if fm.horizontalAdvance(line) > rect.width() + 1:
                    out.append(f"{name}: {line!r} breaks in a {rect.width()} px label")
    return out
