"""The customer session as a state machine (DESIGN §10).

    welcome ─card in─> reading ─> consent ─> lookup ─> [existing: show / reprint / change / cancel]
                                                   └─> question* ─> decision ─(book)─> contact
      site ─> slot ─> review ─> booking ─> result ─> printing ─> goodbye ─> welcome
                                     (not book: information slip) ─> printing

Rules every screen obeys, enforced here rather than in each view:
- Start over and an idle timeout wipe everything the session knows about the customer.
- Removing the card wipes too, except once a booking exists: then the slip is finished first.
- "Next" on the site and slot screens does nothing until a site or slot has been chosen; scrolling
  a list chooses nothing, and no choice is ever defaulted (the 2021 launch's site bug). A full
  site, a full slot or a slot that has already ended cannot be chosen at all.
- Only the questions the rules ask are asked, in their order; "none of these" is its own explicit
  choice, so an untouched list never reads as "no conditions".
- A request in flight (booking, change) is never abandoned: its answer is shown, or, if the card
  has gone meanwhile, a booking still gets its slip and anything else is wiped.
- The terminal serves only when reader, printer and journal work and the channel is open.

The machine is one class, `Session`, assembled from flow mixins by stage: card and eligibility
(card_flow.py), booking (booking_flow.py), an existing booking and its change (existing_flow.py),
the contact change (contact_change.py) and store staff (staff.py); the screens are in screens.py.
Here: the customer's data and its wipe, event dispatch, navigation (Back / Next per screen) and
the service status. `Screen`, `Session` and the screen sets are still importable from here.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from datetime import date, datetime
from typing import Any

from kiosk.booking.model import BOOKABLE_ROUTES, BookingOutcome, Occupation, Site, Slot
from kiosk.booking.phone import normalise
from kiosk.card.model import Card
from kiosk.eligibility import Answers, Decision, RuleSet
from kiosk.errors import KioskError
from kiosk.session import events as ev
from kiosk.session.booking_flow import BookingFlowMixin, ContactCheck
from kiosk.session.card_flow import CardFlowMixin
from kiosk.session.contact_change import ContactChangeMixin
from kiosk.session.existing_flow import ExistingFlowMixin
from kiosk.session.screens import BUSY_SCREENS, IDLE_SCREENS, RESTING_SCREENS, Screen
from kiosk.session.staff import StaffMixin

__all__ = ["BUSY_SCREENS", "IDLE_SCREENS", "RESTING_SCREENS", "ContactCheck", "Screen", "Session"]

log = logging.getLogger(__name__)


class Session(CardFlowMixin, BookingFlowMixin, ExistingFlowMixin, ContactChangeMixin, StaffMixin):
    def __init__(
        self,
        rule_set: RuleSet,
        *,
        terminal: Mapping[str, str],
        today: Callable[[], date],
        now: Callable[[], datetime] | None = None,
    ) -> None:
        self.rule_set = rule_set
        self.terminal = dict(terminal)
        self._today = today
        self._now = now
        self.status = ev.ServiceChanged()
        self._staff_init()
        self.screen = Screen.WELCOME
        self.card_present = False
        #: A card inserted while the goodbye screen was up: a new customer to read next.
        self.fresh_card = False
        self.availability_age: float | None = None
        self._wipe()

    # customer data -----------------------------------------------------------------------------

    def _wipe(self) -> None:
        """Forget the customer. Every field that could hold personal data is reset here."""
        self.language = "th"
        self.card: Card | None = None
        self.error: KioskError | None = None
        self.answers = Answers()
        #: The conditions tapped so far; None until something (or "none of these") is chosen.
        self.draft_conditions: frozenset[str] | None = None
        self.registry = "unknown"
        self.registry_checked = False
        self.decision: Decision | None = None
        self.existing: Mapping[str, Any] | None = None
        self.existing_source: str | None = None
        self.notice: Mapping[str, Any] | None = None
        self.phone = ""
        self.phone_error: KioskError | None = None
        self.occupation: Occupation | None = None
        self.sites: tuple[Site, ...] = ()
        self.site_remaining: dict[str, int] = {}
        self.sites_pending = False
        self.slots_pending = False
        self.site: Site | None = None
        self.slots: tuple[Slot, ...] = ()
        self.slots_offline = False
        self.confirmable: frozenset[str] = frozenset()
        self.slot_day: str | None = None
        self.slot: Slot | None = None
        self.outcome: BookingOutcome | None = None
        self.booked_at: datetime | None = None
        self.print_error: KioskError | None = None
        self.printed = False
        self.last_slip: Mapping[str, Any] | None = None
        self.printing = False
        self.change_mode = False
        #: What the last change of an existing booking did ("changed", "cancelled"), to say so.
        self.last_change: str | None = None
        self.editing_from_review = False
        self._contact_change_init()

    @property
    def booked(self) -> bool:
        """A booking exists (confirmed or queued): from here on it must reach a slip."""
        return self.outcome is not None and self.outcome.status in ("confirmed", "queued")

    @property
    def can_serve(self) -> bool:
        s = self.status
        return s.reader_ok and s.printer_ok and s.journal_ok

    def can_go_next(self) -> bool:
        """Whether the primary action is enabled on the current screen."""
        if self.screen == Screen.CONTACT:
            return self.change_can_go_next() if self.contact_change else self.contact_check().ok
        if self.screen == Screen.PHONE_AGAIN:
            return self.phone_again_state() == "match"
        if self.screen == Screen.SITE:
            return self.site is not None
        if self.screen == Screen.SLOT:
            return self.slot is not None and self.slot_open(self.slot)
        if self.screen == Screen.QUESTION:
            asking = self.decision.ask if self.decision else None
            return asking == "conditions" and self.draft_conditions is not None
        return True

    # the machine -------------------------------------------------------------------------------

    def handle(self, event: object) -> list[ev.Effect]:
        """Apply one event; return the effects the controller must carry out."""
        handler = getattr(self, f"_on_{type(event).__name__}", None)
        if handler is None:
            return []
        effects = self._end_call_on_wipe(event, handler(event) or [])
        # what the site and slot screens are waiting for, so they can say "loading"
        for effect in effects:
            if isinstance(effect, ev.LoadSites):
                self.sites_pending = True
            elif isinstance(effect, ev.LoadSlots):
                self.slots_pending = True
            elif isinstance(effect, ev.PrintSlip):
                self.last_slip = effect.slip  # for "print again" after a printer failure
                self.printing = True  # one slip at a time: a second tap must not print twice
        return effects

    def _go_welcome(self) -> list[ev.Effect]:
        self._wipe()
        self.screen = self._resting_screen()
        if self.fresh_card and self.card_present and self.screen == Screen.WELCOME:
            # a card inserted during goodbye is a new customer's; a card simply left in the
            # reader is not re-read (an idle timeout would show its owner's name again)
            self.fresh_card = False
            self.screen = Screen.READING
            return [ev.Wiped(), ev.ReadCard()]
        self.fresh_card = False
        return [ev.Wiped()]

    def _resting_screen(self) -> Screen:
        if self.paused:
            return Screen.PAUSED  # the clerk's word stands, whatever else is wrong
        if not self.can_serve:
            return Screen.OUT_OF_SERVICE
        if not self.status.open_now:
            return Screen.CLOSED
        return Screen.WELCOME

    # navigation ----------------------------------------------------------------------------------

    def _on_StartOver(self, e: ev.StartOver) -> list[ev.Effect]:
        if self.screen in (Screen.BOOKING, Screen.CHANGING):
            return []  # the request is in flight; its answer must be shown
        return self._go_welcome()

    def _on_Finish(self, e: ev.Finish) -> list[ev.Effect]:
        if self.screen in (Screen.BOOKING, Screen.CHANGING):
            return []
        if self.screen == Screen.GOODBYE:
            return self._go_welcome()
        return self._say_goodbye()

    def _on_IdleTimeout(self, e: ev.IdleTimeout) -> list[ev.Effect]:
        if self.screen in BUSY_SCREENS:
            return []
        if self.booked and not self.printed and self.print_error is None:
            return []  # printing: the slip will finish, then goodbye
        if self.screen in RESTING_SCREENS:
            return []
        return self._go_welcome()

    def _on_LanguageToggled(self, e: ev.LanguageToggled) -> list[ev.Effect]:
        self.language = "en" if self.language == "th" else "th"
        return []

    def _on_Back(self, e: ev.Back) -> list[ev.Effect]:
        step = getattr(self, f"_back_{self.screen.name.lower()}", None)
        return step() if step else []

    def _back_consent(self) -> list[ev.Effect]:
        return self._go_welcome()

    def _back_question(self) -> list[ev.Effect]:
        if self.decision is not None and self.decision.ask == "works_in_bangkok":
            self.answers = Answers()  # ask the conditions again
            return self._decide()
        self.answers = Answers()
        self.screen = Screen.CONSENT
        return []

    def _back_decision(self) -> list[ev.Effect]:
        if self.answers.works_in_bangkok is not None:
            self.answers = Answers(self.answers.conditions, None)
        elif self.answers.conditions is not None:
            self.answers = Answers()
        else:
            self.screen = Screen.CONSENT
            return []
        self.registry, self.registry_checked = "unknown", False
        return self._decide()

    def _back_contact(self) -> list[ev.Effect]:
        if self.contact_change:
            return self._back_contact_change()
        self.screen = Screen.REVIEW if self.editing_from_review else Screen.DECISION
        self.editing_from_review = False
        return []

    def _back_site(self) -> list[ev.Effect]:
        if self.change_mode:
            self.change_mode = False
            self.screen = Screen.EXISTING
        else:
            self.screen = Screen.CONTACT
        return []

    def _back_slot(self) -> list[ev.Effect]:
        self.screen = Screen.SITE
        return []

    def _back_review(self) -> list[ev.Effect]:
        self.screen = Screen.SLOT
        return []

    def _back_cancel_confirm(self) -> list[ev.Effect]:
        self.screen = Screen.EXISTING
        return []

    def _on_Next(self, e: ev.Next) -> list[ev.Effect]:
        if not self.can_go_next():
            return []
        step = getattr(self, f"_next_{self.screen.name.lower()}", None)
        return step() if step else []

    def _next_existing(self) -> list[ev.Effect]:
        return self._leave_existing()

    def _next_decision(self) -> list[ev.Effect]:
        if self.decision is None:
            return []
        if self.decision.route in BOOKABLE_ROUTES:
            self.screen = Screen.CONTACT
            return []
        return self._on_PrintInfoSlip(ev.PrintInfoSlip())

    def _next_contact(self) -> list[ev.Effect]:
        if self.contact_change:
            return self._next_contact_change()
        self.phone = normalise(self.phone)
        if self.editing_from_review:
            self.editing_from_review = False
            self.screen = Screen.REVIEW
            return []
        self.screen = Screen.SITE
        return [ev.LoadSites()]

    def _next_site(self) -> list[ev.Effect]:
        assert self.site is not None
        self.screen = Screen.SLOT
        self.slot = None
        return [ev.LoadSlots(self.site)]

    def _next_slot(self) -> list[ev.Effect]:
        self.screen = Screen.REVIEW
        return []

    def _next_review(self) -> list[ev.Effect]:
        return self._confirm()

    def _next_cancel_confirm(self) -> list[ev.Effect]:
        if not (self.card and self.existing):
            return []
        self.screen = Screen.CHANGING
        return [ev.ChangeBooking(self.card, self.existing, None)]

    def _next_result(self) -> list[ev.Effect]:
        if self.booked and not self.printed:
            if self.printing:
                return []  # the slip is on its way
            return [ev.PrintSlip(self._booking_slip())]
        return self._say_goodbye()

    def _next_printing(self) -> list[ev.Effect]:
        return self._say_goodbye()

    # service ------------------------------------------------------------------------------------

    def _on_ServiceChanged(self, e: ev.ServiceChanged) -> list[ev.Effect]:
        self.status = e
        if e.availability_age is not None:
            self.availability_age = e.availability_age
        if self.screen in IDLE_SCREENS - {Screen.GOODBYE}:
            self.screen = self._resting_screen()
        return []
