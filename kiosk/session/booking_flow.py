"""The booking stage of a session: contact details, site, slot, the booking itself and its slip.

A mixin of `kiosk.session.machine.Session`. It also answers what the site and slot screens may
offer (full, ended, confirmed now from a lease seat), so that rule lives in one place: "Next" does
nothing until a site or slot has been chosen, and a full site, a full slot or a slot that has
already ended cannot be chosen at all (the 2021 launch's site bug: no choice is ever defaulted).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from typing import Any

from kiosk.booking.errors import JournalError
from kiosk.booking.model import Site, Slot
from kiosk.booking.phone import PhoneError, normalise
from kiosk.dates import BANGKOK
from kiosk.eligibility import Answers
from kiosk.session import availability, slips
from kiosk.session import events as ev
from kiosk.session.availability import DayState, SlotState
from kiosk.session.screens import Screen


@dataclass(frozen=True)
class ContactCheck:
    """Whether the contact screen's two answers are good enough to go on (each shown apart)."""

    phone_ok: bool
    occupation_ok: bool

    @property
    def ok(self) -> bool:
        return self.phone_ok and self.occupation_ok


class BookingFlowMixin:
    """Contact, site, slot, review, booking, result and printing."""

    def contact_check(self) -> ContactCheck:
        try:
            normalise(self.phone)
            phone_ok = True
        except PhoneError:
            phone_ok = False
        occ = self.occupation
        occupation_ok = occ is not None and (occ.code != "other" or bool((occ.other or "").strip()))
        return ContactCheck(phone_ok, occupation_ok)

    def phone_state(self) -> str:
        """ "empty", "partial" (could still become a mobile number), "ok" or "bad".

        "bad" as soon as no Thai mobile number starts that way, so the customer hears it at the
        second digit rather than after typing all ten.
        """
        digits = "".join(ch for ch in self.phone if ch.isdigit())
        if not digits:
            return "empty"
        if self.contact_check().phone_ok:
            return "ok"
        if len(digits) < 10 and re.fullmatch(r"0([689]\d{0,8})?", digits):
            return "partial"
        return "bad"

    # what the site and slot screens may offer ---------------------------------------------

    def site_full(self, site: Site) -> bool:
        """Known to have no seat left (unknown counts as open: the slot screen will tell)."""
        return self.site_remaining.get(site.id, 1) <= 0

    def confirms_now(self, slot: Slot) -> bool:
        """Offline, this terminal holds an unspent lease seat for the slot: a booking there is
        confirmed at once (DESIGN §11) rather than queued.

        A prediction for the screens only: the booking service decides when the customer
        confirms, and the result screen says what it decided.
        """
        return self.slots_offline and slot.id in self.confirmable and self._not_ended(slot)

    def booking_kind(self, slot: Slot | None) -> str | None:
        """What booking `slot` now will be: None online (the central answers), "confirm-now"
        offline from a lease seat, "queue" offline without one (awaiting confirmation)."""
        if slot is None or not self.slots_offline:
            return None
        return "confirm-now" if self.confirms_now(slot) else "queue"

    def any_confirmable(self) -> bool:
        return any(self.confirms_now(s) for s in self.slots)

    def slot_open(self, slot: Slot) -> bool:
        """A seat is left and the slot has not ended yet (the central refuses ended slots).

        Offline, a slot the cache shows full can still hold this terminal's own lease seat:
        public availability excludes seats held in leases, so the cache never counts them.
        """
        return self.slot_state(slot).bookable

    def slot_state(self, slot: Slot) -> SlotState:
        """Open, confirmed now (offline lease seat), full, or ended: ended wins over full."""
        return availability.slot_state(
            ended=not self._not_ended(slot),
            full=slot.full,
            confirm_now=self.confirms_now(slot),
        )

    def _not_ended(self, slot: Slot) -> bool:
        if self._now is None:
            return True
        try:
            hh, mm = (int(x) for x in slot.end.split(":"))
            day = datetime.combine(date.fromisoformat(slot.date), time(0), BANGKOK)
        except ValueError:
            return False
        return day + timedelta(hours=hh, minutes=mm) > self._now()

    def slot_days(self) -> list[str]:
        """The days with slots, in order."""
        return sorted({s.date for s in self.slots})

    def slots_on(self, day: str | None) -> list[Slot]:
        return sorted((s for s in self.slots if s.date == day), key=lambda s: s.start)

    def day_open(self, day: str) -> bool:
        return self.day_state(day) is DayState.OPEN

    def day_state(self, day: str) -> DayState:
        """What the day strip says of a day: ended (the day is over) is not full."""
        return availability.day_state(self.slot_state(s) for s in self.slots_on(day))

    # contact, site, slot -----------------------------------------------------------------------

    def _on_PhoneEntered(self, e: ev.PhoneEntered) -> list[ev.Effect]:
        if self.screen == Screen.CONTACT:
            self.phone = e.phone
        return []

    def _on_OccupationChosen(self, e: ev.OccupationChosen) -> list[ev.Effect]:
        if self.screen == Screen.CONTACT:
            self.occupation = e.occupation
        return []

    def _on_SitesLoaded(self, e: ev.SitesLoaded) -> list[ev.Effect]:
        self.sites = tuple(e.sites)
        self.sites_pending = False
        self.site_remaining = dict(e.remaining)
        self.availability_age = e.age_seconds
        if self.site is not None and self.site.id not in {s.id for s in self.sites}:
            self.site = None
        return []

    def _on_SiteChosen(self, e: ev.SiteChosen) -> list[ev.Effect]:
        if self.screen != Screen.SITE or e.site.id not in {s.id for s in self.sites}:
            return []
        if self.site_full(e.site):
            return []
        if self.site is None or self.site.id != e.site.id:
            self.slot = None
        self.site = e.site
        return []

    def _on_SlotsLoaded(self, e: ev.SlotsLoaded) -> list[ev.Effect]:
        if self.site is None or e.site_id != self.site.id:
            return []
        self.slots = tuple(e.slots)
        self.slots_pending = False
        self.slots_offline = e.offline
        self.confirmable = frozenset(e.confirmable) if e.offline else frozenset()
        if self.slot is not None and self.slot.id not in {
            s.id for s in self.slots if self.slot_open(s)
        }:
            self.slot = None
        days = self.slot_days()
        if self.slot is not None:
            self.slot_day = self.slot.date
        elif self.slot_day not in days:
            # which day is shown first is a filter, not a choice: the slot still needs a tap
            self.slot_day = next((d for d in days if self.day_open(d)), days[0] if days else None)
        return []

    def _on_DayChosen(self, e: ev.DayChosen) -> list[ev.Effect]:
        if self.screen == Screen.SLOT and e.day in self.slot_days():
            self.slot_day = e.day
        return []

    def _on_SlotChosen(self, e: ev.SlotChosen) -> list[ev.Effect]:
        if self.screen != Screen.SLOT or not self.slot_open(e.slot):
            return []
        if e.slot.id not in {s.id for s in self.slots}:
            return []
        self.slot = e.slot
        return []

    def _on_Edit(self, e: ev.Edit) -> list[ev.Effect]:
        if self.screen == Screen.RESULT and self._refused() and e.section in ("site", "slot"):
            # the way forward from "that seat has gone": choose again, everything else kept
            self.outcome = None
            self.error = None
            self.screen = Screen.REVIEW
        if self.screen != Screen.REVIEW:
            return []
        if e.section == "contact":
            self.editing_from_review = True
            self.screen = Screen.CONTACT
        elif e.section == "site":
            self.screen = Screen.SITE
            return [ev.LoadSites()]
        elif e.section == "slot" and self.site is not None:
            self.screen = Screen.SLOT
            return [ev.LoadSlots(self.site)]
        elif e.section == "answers":
            self.answers, self.registry, self.registry_checked = Answers(), "unknown", False
            self.site = self.slot = None
            return self._decide()
        return []

    def _refused(self) -> bool:
        return self.outcome is not None and self.outcome.status == "rejected"

    # booking ------------------------------------------------------------------------------------

    def _confirm(self) -> list[ev.Effect]:
        if self.change_mode:
            if not (self.card and self.existing and self.slot):
                return []
            self.screen = Screen.CHANGING
            return [ev.ChangeBooking(self.card, self.existing, self.slot)]
        if not (self.card and self.decision and self.site and self.slot and self.occupation):
            return []
        self.screen = Screen.BOOKING
        return [
            ev.MakeBooking(
                self.card,
                self.answers,
                self.decision,
                self.site,
                self.slot,
                normalise(self.phone),
                self.occupation,
            )
        ]

    def _on_Booked(self, e: ev.Booked) -> list[ev.Effect]:
        if self.screen != Screen.BOOKING:
            return []
        self.outcome = e.outcome
        self.booked_at = self._now() if self._now else None
        self.screen = Screen.RESULT
        if self.booked:
            return [ev.PrintSlip(self._booking_slip())]  # at once; never waits on SMS
        if e.outcome.status == "rejected":
            # shown now, so the journal's notice must not greet this customer again next time
            seen: list[ev.Effect] = [ev.Acknowledge(e.outcome.booking_id)]
            return seen + (self._go_welcome() if not self.card_present else [])
        if not self.card_present:
            return self._go_welcome()  # refused, and the customer has already gone
        return []

    def _on_BookingFailed(self, e: ev.BookingFailed) -> list[ev.Effect]:
        if self.screen != Screen.BOOKING:
            return []
        self.error = e.error
        self.screen = Screen.RESULT
        if isinstance(e.error, JournalError):
            self.status = replace(self.status, journal_ok=False, problem=e.error)
        if not self.card_present:
            return self._go_welcome()
        return []

    def _booking_slip(self) -> dict[str, Any]:
        assert self.outcome and self.card and self.site and self.slot
        return slips.booking_slip(
            self.outcome, self.card, self.site, self.slot, self.terminal, self.booked_at
        )

    # printing -----------------------------------------------------------------------------------

    def _on_PrintInfoSlip(self, e: ev.PrintInfoSlip) -> list[ev.Effect]:
        if self.screen not in (Screen.DECISION, Screen.RESULT) or not (self.card and self.decision):
            return []
        self.screen = Screen.PRINTING
        self.print_error = None
        return [ev.PrintSlip(slips.decision_slip(self.decision, self.card, self.terminal))]

    def _on_Reprint(self, e: ev.Reprint) -> list[ev.Effect]:
        if self.printing:
            return []
        if self.screen == Screen.EXISTING and self.existing and self.card:
            if self.existing.get("status") == "cancelled":
                return []  # a cancelled booking has no slip: it must not look confirmed
            self.screen = Screen.PRINTING
            self.print_error = None
            return [ev.PrintSlip(slips.existing_slip(self.existing, self.card, self.terminal))]
        if self.screen in (Screen.RESULT, Screen.PRINTING) and self.booked:
            self.print_error = None
            self.printed = False
            return [ev.PrintSlip(self._booking_slip())]
        if self.screen == Screen.PRINTING and self.print_error and self.last_slip is not None:
            self.print_error = None  # an information slip or a reprint that failed: again
            return [ev.PrintSlip(self.last_slip)]
        return []

    def _on_Printed(self, e: ev.Printed) -> list[ev.Effect]:
        self.printing = False
        self.printed = True
        self.print_error = None
        if self.booked and not self.card_present:
            return self._say_goodbye()  # they left with the slip already
        if self.screen in (Screen.RESULT, Screen.PRINTING):
            self.screen = Screen.PRINTING
        return []

    def _on_PrintFailed(self, e: ev.PrintFailed) -> list[ev.Effect]:
        self.printing = False
        self.print_error = e.error  # the booking stands; the screen offers a reprint
        return []
