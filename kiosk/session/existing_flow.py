"""An existing booking in a session: shown after the look-up (or after a refusal that names it),
then kept, reprinted, moved to another slot or cancelled.

A mixin of `kiosk.session.machine.Session`. Only a booking the central confirmed
(`existing_source == "central"`) may be changed or cancelled; a change in flight is never
abandoned (its answer is shown, or the session wiped if the card has gone meanwhile).
"""

from __future__ import annotations

from collections.abc import Mapping

from kiosk.session import events as ev
from kiosk.session.screens import Screen


class ExistingFlowMixin:
    """The existing-booking screen, its notices, and changing or cancelling the booking."""

    def _leave_existing(self) -> list[ev.Effect]:
        """From a notice about an earlier queued booking, carry on to book again."""
        effects: list[ev.Effect] = []
        if self.existing is not None and self.existing.get("status") == "cancelled":
            if self.notice is not None:
                effects.append(ev.Acknowledge(str(self.notice.get("booking_id", ""))))
                self.notice = None
            self.existing = self.existing_source = None
            self.error = None
            return effects + self._decide()
        if self.notice is not None:
            effects.append(ev.Acknowledge(str(self.notice.get("booking_id", ""))))
            self.notice = None
            if self.existing is None:
                return effects + self._decide()
        return [*effects, *self._say_goodbye()]

    def _on_ShowExisting(self, e: ev.ShowExisting) -> list[ev.Effect]:
        if self.screen != Screen.RESULT or not self._refused() or self.outcome is None:
            return []
        booking = self.outcome.extra.get("booking")
        if not isinstance(booking, Mapping):
            return []
        self.existing, self.existing_source = dict(booking), "central"
        self.outcome = None
        self.screen = Screen.EXISTING
        return []

    # existing booking ---------------------------------------------------------------------------

    def _on_ChangeSlot(self, e: ev.ChangeSlot) -> list[ev.Effect]:
        if self.screen != Screen.EXISTING or not self.existing or self.existing_source != "central":
            return []
        self.change_mode = True
        self.last_change = None
        self.change_notice = None
        self.site = self.slot = None
        self.screen = Screen.SITE
        return [ev.LoadSites()]

    def _on_CancelExisting(self, e: ev.CancelExisting) -> list[ev.Effect]:
        if self.screen != Screen.EXISTING or not self.existing or self.existing_source != "central":
            return []
        self.screen = Screen.CANCEL_CONFIRM
        self.last_change = None
        self.change_notice = None
        return []

    def _on_ChangeDone(self, e: ev.ChangeDone) -> list[ev.Effect]:
        if self.screen != Screen.CHANGING:
            return []
        self.change_mode = False
        if e.booking is None:
            self.existing = {**(self.existing or {}), "status": "cancelled"}
            self.last_change = "cancelled"
        else:
            self.existing = dict(e.booking)
            self.last_change = "cancelled" if e.booking.get("status") == "cancelled" else "changed"
        self.error = None
        self.screen = Screen.EXISTING
        if not self.card_present:
            return self._go_welcome()
        return []

    def _on_ChangeFailed(self, e: ev.ChangeFailed) -> list[ev.Effect]:
        if self.screen != Screen.CHANGING:
            return []
        self.change_mode = False
        self.error = e.error
        self.screen = Screen.EXISTING
        if not self.card_present:
            return self._go_welcome()
        return []
