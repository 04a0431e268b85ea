"""Changing the phone number (where the SMS goes) or the occupation of an existing booking.

A mixin of `Session`, kept apart because the machine is already long and this is one subject.
Pure, like the rest of the session: the controller sends the change and answers with the events
below.

    existing ─"change phone or occupation"─> contact (occupation chosen, current phone masked)
        ─(a new number typed)─> phone-again (typed in full a second time; must match)
        ─> change-review ─> changing ─> existing ("changed", the slip printing at once)
                                   └──> existing with a notice: changed elsewhere (412: the
                                        booking as it stands now), or no connection

Decisions, and why:
- The new number is typed twice, not read back: a customer who misreads one digit on a read-back
  still confirms; a second entry that must match catches the slip of a finger. Leaving the number
  empty keeps the current one (only the occupation changes); something must change for Next.
- Offline, a change is refused, plainly, and nothing is queued: the customer must leave knowing
  the SMS goes to the new number, which only the central's answer shows; a change queued here
  could meet a 412 hours later with nobody at the counter to choose again. The booking stands and
  its slip can be reprinted (the existing screen offers it). The terminal says so before anything
  is typed when it already knows it is offline, and after the attempt when the central does not
  answer; either way what was typed is dropped at once.
- Everything typed (both entries, the occupation text) is dropped whenever the flow ends, by
  success, refusal, Back or any wipe; the session's `_wipe` resets it too.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from kiosk.booking.model import Occupation
from kiosk.booking.phone import PhoneError, normalise
from kiosk.card.model import Card
from kiosk.errors import KioskError
from kiosk.session import events as ev
from kiosk.session import slips
from kiosk.session.screens import Screen

# events in ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChangeContact:
    """The customer tapped "change phone or occupation" on the existing booking."""


@dataclass(frozen=True)
class PhoneAgainEntered:
    phone: str


@dataclass(frozen=True)
class ContactChanged:
    """The central changed it: the booking as it now stands (phone masked by the central)."""

    booking: Mapping[str, Any]


@dataclass(frozen=True)
class ContactChangeFailed:
    """`kind`: "conflict" (412: changed elsewhere; `current` is the booking now, or None if it
    has no active booking any more), "offline" (the central did not answer) or "refused"."""

    error: KioskError
    kind: str
    current: Mapping[str, Any] | None = None


# effects out --------------------------------------------------------------------------------


@dataclass(frozen=True)
class SendContactChange(ev.Effect):
    """PATCH the booking with If-Match its version; None for a field that does not change."""

    card: Card
    booking: Mapping[str, Any]
    phone: str | None
    occupation: Occupation | None


# the mixin ----------------------------------------------------------------------------------


def current_occupation(booking: Mapping[str, Any] | None) -> Occupation | None:
    occ = (booking or {}).get("occupation")
    if not isinstance(occ, Mapping) or not occ.get("code"):
        return None
    other = occ.get("other")
    return Occupation(str(occ["code"]), str(other) if other else None)


def same_occupation(a: Occupation | None, b: Occupation | None) -> bool:
    if a is None or b is None:
        return a is b
    if a.code != b.code:
        return False
    return a.code != "other" or (a.other or "").strip() == (b.other or "").strip()


class ContactChangeMixin:
    """State: `contact_change` (the flow is on), `phone_again` (the second entry),
    `change_notice` ("conflict" or "offline", shown on the existing screen)."""

    contact_change: bool
    phone_again: str
    change_notice: str | None

    def _contact_change_init(self) -> None:
        self.contact_change = False
        self.phone_again = ""
        self.change_notice = None

    def _drop_typed(self) -> None:
        """Forget what was typed for the change (both entries, the occupation)."""
        s: Any = self
        s.phone = ""
        s.occupation = None
        self.phone_again = ""
        self.contact_change = False

    # entering ---------------------------------------------------------------------------

    def _on_ChangeContact(self, e: ChangeContact) -> list[ev.Effect]:
        s: Any = self
        b = s.existing
        if s.screen != _screen("EXISTING") or not b or s.existing_source != "central":
            return []
        if b.get("status") == "cancelled":
            return []
        s.last_change = None
        s.error = None
        if not s.status.online:
            self.change_notice = "offline"  # said before anything is typed
            return []
        self.change_notice = None
        self.contact_change = True
        s.phone = ""
        self.phone_again = ""
        s.occupation = current_occupation(b)
        s.screen = _screen("CONTACT")
        return []

    # the contact screen in this flow ----------------------------------------------------

    def change_phone_ok(self) -> bool:
        """Empty (keep the current number) or a valid Thai mobile number."""
        s: Any = self
        if not s.phone:
            return True
        try:
            normalise(s.phone)
        except PhoneError:
            return False
        return True

    def change_has_something(self) -> bool:
        s: Any = self
        return bool(s.phone) or not same_occupation(s.occupation, current_occupation(s.existing))

    def change_can_go_next(self) -> bool:
        s: Any = self
        return (
            self.change_phone_ok()
            and s.contact_check().occupation_ok
            and self.change_has_something()
        )

    def _next_contact_change(self) -> list[ev.Effect]:
        s: Any = self
        if s.phone:
            s.phone = normalise(s.phone)
            self.phone_again = ""
            s.screen = _screen("PHONE_AGAIN")
        else:
            s.screen = _screen("CHANGE_REVIEW")
        return []

    def _back_contact_change(self) -> list[ev.Effect]:
        s: Any = self
        self._drop_typed()
        s.screen = _screen("EXISTING")
        return []

    # the second entry ---------------------------------------------------------------------

    def _on_PhoneAgainEntered(self, e: PhoneAgainEntered) -> list[ev.Effect]:
        s: Any = self
        if s.screen == _screen("PHONE_AGAIN"):
            self.phone_again = re.sub(r"\D", "", e.phone)[:10]
        return []

    def phone_again_state(self) -> str:
        """ "empty", "partial" (so far the same digits), "match", or "mismatch" from the first
        digit that differs, so the customer hears it at once rather than after ten digits."""
        s: Any = self
        typed, first = self.phone_again, s.phone
        if not typed:
            return "empty"
        if typed == first:
            return "match"
        return "partial" if first.startswith(typed) else "mismatch"

    def _next_phone_again(self) -> list[ev.Effect]:
        s: Any = self
        if self.phone_again_state() == "match":
            s.screen = _screen("CHANGE_REVIEW")
        return []

    def _back_phone_again(self) -> list[ev.Effect]:
        s: Any = self
        self.phone_again = ""
        s.screen = _screen("CONTACT")
        return []

    # review and sending -------------------------------------------------------------------

    def change_new_phone(self) -> str | None:
        s: Any = self
        return s.phone or None

    def change_new_occupation(self) -> Occupation | None:
        s: Any = self
        if same_occupation(s.occupation, current_occupation(s.existing)):
            return None
        return s.occupation

    def _next_change_review(self) -> list[ev.Effect]:
        s: Any = self
        if not (s.card and s.existing and self.contact_change):
            return []
        if s.phone and self.phone_again != s.phone:
            s.screen = _screen("PHONE_AGAIN")  # never sent unconfirmed
            return []
        phone, occupation = self.change_new_phone(), self.change_new_occupation()
        if phone is None and occupation is None:
            return []
        s.screen = _screen("CHANGING")
        return [SendContactChange(s.card, dict(s.existing), phone, occupation)]

    def _back_change_review(self) -> list[ev.Effect]:
        s: Any = self
        self.phone_again = ""
        s.screen = _screen("CONTACT")
        return []

    # answers ------------------------------------------------------------------------------

    def _on_ContactChanged(self, e: ContactChanged) -> list[ev.Effect]:
        s: Any = self
        if s.screen != _screen("CHANGING") or not self.contact_change:
            return []
        self._drop_typed()
        s.existing = dict(e.booking)
        s.last_change = "contact"
        s.error = None
        self.change_notice = None
        s.screen = _screen("EXISTING")
        if not s.card_present or s.card is None:
            return s._go_welcome()  # gone already: no slip with their name left in the tray
        s.print_error = None
        s.printed = False
        return [ev.PrintSlip(slips.existing_slip(s.existing, s.card, s.terminal))]

    def _on_ContactChangeFailed(self, e: ContactChangeFailed) -> list[ev.Effect]:
        s: Any = self
        if s.screen != _screen("CHANGING") or not self.contact_change:
            return []
        self._drop_typed()
        s.last_change = None
        s.screen = _screen("EXISTING")
        if e.kind == "conflict":
            self.change_notice = "conflict"
            s.error = None
            if e.current is not None:
                s.existing = dict(e.current)
            else:  # no active booking any more: cancelled elsewhere
                s.existing = {**(s.existing or {}), "status": "cancelled"}
        elif e.kind == "offline":
            self.change_notice = "offline"
            s.error = None
        else:
            self.change_notice = None
            s.error = e.error
        if not s.card_present:
            return s._go_welcome()
        return []


def _screen(name: str):
    return Screen[name]
