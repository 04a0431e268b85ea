"""The Qt binding itself: a kiosk runs for days, so a reference leak per call is a crash.

PySide6 6.12.0 released a reference to None on every call of a method that returns nothing;
under Python 3.11 (where None is not yet immortal) the process aborted after a few thousand
calls with "none_dealloc". pyproject.toml pins below 6.12 for that reason; this test is the
check to run before lifting the pin.
"""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QLabel


def test_calls_returning_nothing_keep_none_alive(qapp):
    label = QLabel("x")
    before = sys.getrefcount(None)
    for _ in range(2000):
        label.setText("y")
        label.update()
        label.style().polish(label)
    assert sys.getrefcount(None) >= before - 50
