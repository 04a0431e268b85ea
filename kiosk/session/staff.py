"""Store staff in the session: a customer's call for a clerk, and the clerk's pause (DESIGN §14).

A mixin of `Session`, kept apart because it is about the store, not the customer's booking. Pure:
the controller carries out the effects (journal, chime).

- A call stays open until a clerk answers it, the customer cancels it, or the customer's session
  ends (any wipe: finish, start over, idle timeout, card removed): a call must never ring on for
  the next customer, who did not ask. It holds no personal data, only the time and the screen.
- A pause switches the terminal to "temporarily closed" at once on a resting screen; a customer
  mid-session finishes first, because `_go_welcome` (the only way back) rests on the paused
  screen. A card inserted on the paused screen is not read (only the welcome screen reads).
"""

from __future__ import annotations

from datetime import UTC, datetime

from kiosk.session import events as ev
from kiosk.session.screens import RESTING_SCREENS


class StaffMixin:
    staff_call: ev.StaffCall | None
    paused: bool

    def _staff_init(self) -> None:
        self.staff_call = None
        self.paused = False

    def _staff_now(self) -> datetime:
        now = getattr(self, "_now", None)
        return now() if now is not None else datetime.now(UTC)

    def _on_StaffCalled(self, e: ev.StaffCalled) -> list[ev.Effect]:
        if self.staff_call is not None:
            return []  # one call at a time: a second tap changes nothing
        self.staff_call = ev.StaffCall(self._staff_now(), str(self.screen))  # type: ignore[attr-defined]
        return [ev.StaffCallOpened(self.staff_call)]

    def _close_call(self, how: str) -> list[ev.Effect]:
        call, self.staff_call = self.staff_call, None
        return [] if call is None else [ev.StaffCallClosed(call, how)]

    def _on_StaffCallCancelled(self, e: ev.StaffCallCancelled) -> list[ev.Effect]:
        return self._close_call("cancelled")

    def _on_StaffAnswered(self, e: ev.StaffAnswered) -> list[ev.Effect]:
        return self._close_call("answered")

    def _on_PauseChanged(self, e: ev.PauseChanged) -> list[ev.Effect]:
        changed = e.paused != self.paused
        self.paused = e.paused
        if self.screen in _resting():  # type: ignore[attr-defined]
            self.screen = self._resting_screen()  # type: ignore[attr-defined]
        return [ev.PauseRecorded(e.paused)] if changed and not e.restored else []

    def _end_call_on_wipe(self, event: object, effects: list[ev.Effect]) -> list[ev.Effect]:
        """A wipe ends the customer's session, and with it their call."""
        if self.staff_call is None or not any(isinstance(x, ev.Wiped) for x in effects):
            return effects
        return [*effects, *self._close_call("session-ended")]


def _resting() -> frozenset:
    return RESTING_SCREENS
