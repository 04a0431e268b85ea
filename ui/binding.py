"""The session as the views see it: one object to read state from and to send events to.

Views never decide: they render `binding.session` and call `binding.send(event)`. The session
answers with effects; this base class only records them, which is all the screenshot script and
the view tests need. `ui.controller.Controller` carries them out on worker threads.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from PySide6.QtCore import QObject, Signal

from kiosk.clerk import PinGuard
from kiosk.session import Session
from kiosk.session import events as ev


class SessionBinding(QObject):
    #: The session changed: re-render the current screen.
    changed = Signal()
    #: The customer's data is gone: every view must drop what it shows.
    wiped = Signal()
    #: For the technician screen: a status snapshot (a dict).
    technician_status = Signal(object)
    #: For the technician screen: the outcome of an action (a short text).
    technician_said = Signal(str)
    #: A technician asked to leave the kiosk for the desktop.
    exit_requested = Signal()
    #: For the clerk screen: a status snapshot (printer, counts, queue, leases), a dict.
    clerk_status = Signal(object)
    #: For the clerk screen: the outcome of an action (a short text).
    clerk_said = Signal(str)
    #: For the paper change: the printer's answer once the clerk tapped "Check" (a dict).
    paper_result = Signal(object)

    def __init__(
        self,
        session: Session,
        *,
        occupations: Iterable[Mapping[str, Any]] = (),
        pin_hash: str | None = None,
        clerk_pin_hash: str | None = None,
    ) -> None:
        super().__init__()
        self.session = session
        self.occupations = [dict(o) for o in occupations]
        self.pin_hash = pin_hash
        self.clerk_pin_hash = clerk_pin_hash
        #: The PIN pads' lockouts, by pad; the controller restores them at start and keeps each
        #: try (`pin_tried`), so a restart does not hand out fresh tries (kiosk/clerk.py).
        self.pin_guards = {
            "technician": PinGuard.technician(),
            "clerk": PinGuard(),
        }
        #: While a technician is at the screen, card insertions are not served.
        self.suspended = False
        self.effects: list[ev.Effect] = []

    def send(self, event: object) -> None:
        effects = self.session.handle(event)
        self.carry_out(effects)
        if any(isinstance(e, ev.Wiped) for e in effects):
            self.wiped.emit()
        self.changed.emit()

    def carry_out(self, effects: list[ev.Effect]) -> None:
        """Record only; the controller runs them."""
        self.effects.extend(effects)

    def pin_tried(self, pad: str) -> None:
        """A PIN was tried on `pad`; the controller keeps the guard's state in the journal."""

    # the technician screen's actions (the controller does them for real) --------------------

    def refresh_technician(self) -> None:
        self.technician_status.emit({})

    def sync_now(self) -> None:
        self.technician_said.emit("")

    def print_test(self) -> None:
        self.technician_said.emit("")

    def request_exit(self) -> None:
        self.exit_requested.emit()

    # the clerk screen's actions (the controller does the I/O ones for real) ------------------

    def set_paused(self, paused: bool) -> None:
        self.send(ev.PauseChanged(paused))

    def answer_call(self) -> None:
        self.send(ev.StaffAnswered())

    def refresh_clerk(self) -> None:
        self.clerk_status.emit({})

    def clerk_send_now(self) -> None:
        self.clerk_said.emit("")

    def paper_check(self) -> None:
        self.paper_result.emit({})
