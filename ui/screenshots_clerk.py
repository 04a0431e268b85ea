"""Screenshots 55-75: the staff call, every clerk screen, the paper change, the paused terminal.

Driven like the others (ui/screenshots.py): a real session through events, the real window and
overlays; the clerk panel gets the status snapshot the controller would gather (printer state,
today's counts, queue, leases), which holds no personal data by construction.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from kiosk.clerk import PinGuard
from kiosk.session import events as ev
from ui.screenshots import (
    CONFIRMED,
    NOW,
    Shot,
    booked,
    consent,
    review,
    run,
    slot,
    then,
)

CALL = run(ev.StaffCalled())

STATUS: dict[str, Any] = {
    "now": NOW + timedelta(minutes=3),
    "printer": "ready",
    "counts": {
        "confirmed": 41,
        "confirmed_offline": 0,
        "queued": 0,
        "refused": 1,
        "info_slips": 6,
        "staff_calls": 3,
    },
    "queue": {"waiting": 0, "age": 0},
    "leases": {},
}
OFFLINE_STATUS: dict[str, Any] = {
    **STATUS,
    "counts": {**STATUS["counts"], "confirmed_offline": 4, "queued": 3},
    "queue": {"waiting": 7, "age": 12},
    "leases": {"held": 3, "seats_left": 2},
}
PAPER_OUT: dict[str, Any] = {**STATUS, "printer": "paper-out"}

SHOTS = (
    Shot("55-call-staff-welcome", CALL),
    Shot("56-call-staff-consent", then(consent(), CALL)),
    Shot("57-call-staff-slot", then(slot(True), CALL)),
    Shot("58-call-staff-result", then(booked(CONFIRMED), CALL)),
    Shot("59-clerk-pin", run(), overlay="clerk-pin"),
    Shot("60-clerk-pin-locked", run(), overlay="clerk-pin-locked"),
    Shot("61-clerk", run(), overlay="clerk"),
    Shot("62-clerk-call-open", CALL, overlay="clerk"),
    Shot("63-clerk-paused", run(ev.PauseChanged(True)), overlay="clerk"),
    Shot("64-clerk-paused-customer-finishing",
         then(review(), run(ev.PauseChanged(True))), overlay="clerk"),
    Shot("65-clerk-paper-out", run(), overlay="clerk-paper-out"),
    Shot("66-clerk-offline-queue-leases", run(), overlay="clerk-offline"),
    Shot("67-paper-step-1", run(), overlay="paper-1"),
    Shot("68-paper-step-2", run(), overlay="paper-2"),
    Shot("69-paper-step-3", run(), overlay="paper-3"),
    Shot("70-paper-step-4", run(), overlay="paper-4"),
    Shot("71-paper-checking", run(), overlay="paper-checking"),
    Shot("72-paper-still-out", run(), overlay="paper-still-out"),
    Shot("73-paper-done", run(), overlay="paper-done"),
    Shot("74-paused", run(ev.PauseChanged(True))),
    Shot("75-call-staff-paused", then(run(ev.PauseChanged(True)), CALL)),
)  # fmt: skip


def overlay(window, name: str, lang: str) -> bool:
    """Open the staff overlay `name`; False if it is not one of ours."""
    if name in ("clerk-pin", "clerk-pin-locked"):
        if name == "clerk-pin-locked":
            pad = window.clerk_pin
            pad.guard = PinGuard(locked_until=pad._clock() + 60)  # three wrong PINs just now
        window.clerk_pin.open_pad(lang)
        if name == "clerk-pin":
            for key in "1357":
                window.clerk_pin._key(key)
        return True
    if name.startswith("clerk"):
        status = {"clerk": STATUS, "clerk-paper-out": PAPER_OUT, "clerk-offline": OFFLINE_STATUS}
        window.clerk.open_panel(lang)
        window.clerk.set_status(status[name])
        window.clerk.render(window.b.session)
        return True
    if name.startswith("paper-"):
        guide = window.paper_guide
        guide.start(lang)
        step = name.removeprefix("paper-")
        if step.isdigit():
            guide.step = int(step)
        elif step == "checking":
            guide.step = 4
            guide.checking = True
        elif step == "still-out":
            guide.step = 4
            guide.show_result({"state": "paper-out"})
        elif step == "done":
            guide.step = 4
            guide.show_result({"state": "done"})
        guide.render()
        return True
    return False
