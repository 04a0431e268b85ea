"""Every screen and overlay, in both languages, on both panels: big enough, nothing cut off,
every character in the bundled font. No pcscd or central needed: the session is driven by
events, exactly as the screenshot script drives it.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontInfo, QFontMetrics
from PySide6.QtWidgets import QAbstractScrollArea, QLabel, QWidget

from kiosk.technician import hash_pin
from tests.ui.label_fit import PANELS, label_problems
from ui import screenshots
from ui.binding import SessionBinding
from ui.keyboard import Keyboard
from ui.theme import MM_PER_INCH, load_fonts, metrics_for
from ui.widgets import Button
from ui.window import MainWindow

SHOTS = {shot.name: shot for shot in screenshots.SHOTS}
PIN_HASH = hash_pin("24681357")


@pytest.fixture(scope="module")
def family(qapp) -> str:
    return load_fonts()


def show(qtbot, family: str, shot, lang: str, panel: str) -> MainWindow:
    width, height, dpi = PANELS[panel]
    s = screenshots.session(shot.now)
    if lang == "en":
        s.handle(screenshots.ev.LanguageToggled())
    shot.step(s)
    binding = SessionBinding(s, occupations=screenshots.OCCUPATIONS, pin_hash=PIN_HASH)
    window = MainWindow(binding, metrics_for(width, height, dpi), family=family)
    qtbot.addWidget(window)
    window.resize(width, height)
    window.show()
    qtbot.waitExposed(window)
    screenshots._overlay(window, shot.overlay, lang)
    qtbot.wait(10)
    return window


def scrolled(w: QWidget) -> bool:
    """Inside a scrolling list: there, being partly out of view is the point."""
    p = w.parentWidget()
    while p is not None:
        if isinstance(p, QAbstractScrollArea):
            return True
        p = p.parentWidget()
    return False


def _name(w: QWidget) -> str:
    text = w.text()[:30] if isinstance(w, QLabel) else ""
    return repr(w.objectName() or text)


def _overlay_over(window: MainWindow, a: QWidget, b: QWidget) -> bool:
    """One of the two is on an overlay drawn over the other: that is meant."""
    overlays = (window.idle_overlay, window.confirm, window.pin, window.technician)
    on = [any(o.isAncestorOf(w) for o in overlays) for w in (a, b)]
    return on[0] != on[1]


def problems(window: MainWindow) -> list[str]:
    m = window.m
    out = label_problems(window)
    frame = window.rect()
    sarabun = QFontMetrics(QFont("Sarabun"))
    buttons = [
        (b, b.rect().translated(b.mapTo(window, b.rect().topLeft())))
        for b in window.findChildren(Button)
        if b.isVisible() and not scrolled(b)
    ]
    labels = [
        (lb, lb.geometry()) for lb in window.findChildren(QLabel) if lb.isVisible() and lb.text()
    ]
    for i, (a, ra) in enumerate(labels):
        for b, rb in labels[i + 1 :]:
            if a.parentWidget() is b.parentWidget() and ra.intersects(rb):
                out.append(f"labels {_name(a)} and {_name(b)} overlap")
    for i, (a, ra) in enumerate(buttons):
        for b, rb in buttons[i + 1 :]:
            if ra.intersects(rb) and not _overlay_over(window, a, b):
                out.append(f"buttons {a.objectName()!r} and {b.objectName()!r} overlap")
    for w in window.findChildren(QWidget):
        if not w.isVisible() or scrolled(w):
            continue
        where = w.mapTo(window, w.rect().topLeft())
        rect = w.rect().translated(where)
        if not frame.contains(rect):
            out.append(f"{type(w).__name__} {w.objectName()!r} outside the window: {rect}")
        parent = w.parentWidget()
        if parent is not None and not parent.rect().contains(w.geometry()):
            out.append(f"{type(w).__name__} {_name(w)} cut off by its parent")
        small = w.height() < m.target - 1 or w.width() < m.target - 1
        if isinstance(w, Button) and not isinstance(w.parentWidget(), Keyboard) and small:
            out.append(f"button {w.objectName()!r} {w.width()}x{w.height()} < {m.target}")
        if isinstance(w, QLabel) and w.text():
            if w.wordWrap():
                needed = w.heightForWidth(w.width())
                if needed > w.height() + 2:
                    out.append(f"label {w.text()[:30]!r} cut: {w.height()} < {needed}")
            elif w.sizeHint().width() > w.width() + 2:
                out.append(f"label {w.text()[:30]!r} cut: {w.width()} < {w.sizeHint().width()}")
            missing = {ch for ch in w.text() if ch.strip() and not sarabun.inFontUcs4(ord(ch))}
            if missing:
                out.append(f"label {w.text()[:30]!r}: not in the bundled font: {missing}")
            if QFontInfo(w.font()).family() != "Sarabun":
                out.append(f"label {w.text()[:30]!r} in {QFontInfo(w.font()).family()}")
    return out


@pytest.mark.parametrize("panel", sorted(PANELS))
@pytest.mark.parametrize("lang", ["th", "en"])
@pytest.mark.parametrize("name", sorted(SHOTS))
def test_every_screen_fits_with_big_targets(qtbot, family, name, lang, panel):
    window = show(qtbot, family, SHOTS[name], lang, panel)
    assert problems(window) == []


def test_keyboard_keys_are_at_least_12_mm_on_the_kiosk_panel(qtbot, family):
    window = show(qtbot, family, SHOTS["23-contact-other-keyboard"], "th", "1920x1080")
    keys = [b for b in window.findChildren(Button) if b.objectName().startswith("kb-")]
    keys = [b for b in keys if b.isVisible()]
    assert len(keys) > 40
    mm = window.m.dpi / MM_PER_INCH
    assert min(min(b.width(), b.height()) for b in keys) >= 12 * mm


def test_nothing_is_checked_if_the_screen_is_empty(qtbot, family):
    """The checks above can fail: a label squeezed into too little room is reported."""
    window = show(qtbot, family, SHOTS["28-review"], "th", "1280x800")
    label = window.views[window.b.session.screen].person.value
    label.setFixedHeight(5)
    assert any("cut" in p for p in problems(window))


def test_the_language_toggle_is_on_every_screen_and_switches_everything(qtbot, family):
    for name in ("01-welcome", "20-contact-empty", "28-review", "38-closed", "45-technician"):
        window = show(qtbot, family, SHOTS[name], "th", "1280x800")
        assert window.top.language.isVisible() and window.top.language.text() == "English"
    window = show(qtbot, family, SHOTS["28-review"], "th", "1280x800")
    view = window.stack.currentWidget()
    assert view.nav.primary.text() == "ยืนยันการจอง"
    qtbot.mouseClick(window.top.language, Qt.MouseButton.LeftButton)
    assert window.b.session.language == "en" and view.nav.primary.text() == "Confirm booking"
    assert window.top.title.text() == "Check before you confirm"
    qtbot.mouseClick(window.top.language, Qt.MouseButton.LeftButton)
    assert view.nav.primary.text() == "ยืนยันการจอง"
