"""The printer code (ui.printing), imported on first use: python-escpos takes a fifth of a
second to load, and the kiosk's start-up path must not wait for it.

Its own module because every part of the controller prints or asks the printer (effects, the
service check, the technician's and the clerk's actions), and none of them may import the
controller that assembles them.
"""

from __future__ import annotations


def printing():
    """ui.printing, imported on first use (python-escpos takes a fifth of a second to load)."""
    from ui import printing as module  # noqa: PLC0415 - kept off the start-up path on purpose

    return module


def warm_up() -> None:
    printing().warm_up()
