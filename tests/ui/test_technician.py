"""Technician mode: a hidden gesture and a PIN, never a customer's tap; then health and actions."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest

from kiosk.session import Screen
from kiosk.session import events as ev
from kiosk.technician import hash_pin

PIN = "24681357"
HASH = hash_pin(PIN)


def hold_corner(d, seconds: float = 0.5) -> None:
    w = d.window
    corner = QPoint(8, w.height() - 8)
    QTest.mousePress(w, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, corner)
    QTest.qWait(int(seconds * 1000))
    QTest.mouseRelease(w, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, corner)


def enter_pin(d, pin: str) -> None:
    for digit in pin:
        d.press(f"pin-{digit}")
    d.press("pin-ok")


def test_gesture_and_pin_open_the_technician_screen(make_kiosk):
    d = make_kiosk(pin_hash=HASH, hold_seconds=0.2)
    d.wait_screen(Screen.WELCOME)
    QTest.mouseClick(d.window, Qt.MouseButton.LeftButton, pos=QPoint(8, d.window.height() - 8))
    QTest.qWait(400)
    assert not d.window.pin.isVisible()  # a tap in the corner is not the gesture
    hold_corner(d)
    d.wait(d.window.pin.isVisible)
    enter_pin(d, "11112222")
    assert d.window.pin.isVisible() and not d.window.technician.isVisible()
    assert d.find("pin-dots").text() == "–"  # the wrong PIN is cleared
    enter_pin(d, PIN)
    d.wait(d.window.technician.isVisible)
    assert d.kiosk.controller.suspended
    d.wait(lambda: d.find("tech-central").text().startswith("reachable"))
    assert d.find("tech-rule_set").text() == "bkk-thairuamjai-2021-05-27"
    assert "queued 0" in d.find("tech-queue").text()
    assert d.find("tech-reader").text().endswith("present")
    assert d.find("tech-printer").text().endswith("ready")
    d.press("tech-print-test")
    d.wait(lambda: "printed" in d.find("tech-said").text())
    assert list(d.slips.glob("print-test*.png"))
    with d.qtbot.waitSignal(d.kiosk.controller.exit_requested, timeout=2000):
        d.press("tech-exit")
    d.press("tech-close")
    assert not d.window.technician.isVisible() and not d.kiosk.controller.suspended


def test_three_wrong_pins_lock_the_pad(make_kiosk):
    d = make_kiosk(pin_hash=HASH, hold_seconds=0.2)
    d.wait_screen(Screen.WELCOME)
    hold_corner(d)
    d.wait(d.window.pin.isVisible)
    for _ in range(3):
        enter_pin(d, "99999999")
    enter_pin(d, PIN)  # right, but locked
    assert not d.window.technician.isVisible()
    assert "รอ" in d.window.pin.message.text()


def test_without_a_pin_hash_nobody_gets_in(make_kiosk):
    d = make_kiosk(hold_seconds=0.2)
    d.wait_screen(Screen.WELCOME)
    hold_corner(d)
    d.wait(d.window.pin.isVisible)
    assert "set-pin" in d.window.pin.message.text()
    enter_pin(d, PIN)
    assert not d.window.technician.isVisible()


def test_the_gesture_does_nothing_while_a_customer_is_served(make_kiosk):
    d = make_kiosk(pin_hash=HASH, hold_seconds=0.2)
    d.wait_screen(Screen.WELCOME)
    d.kiosk.controller.send(ev.CardInserted())  # no card in the slot: the read fails
    d.wait_screen(Screen.CARD_ERROR)
    hold_corner(d)
    assert not d.window.pin.isVisible()
