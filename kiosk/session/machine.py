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
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from typing import Any

from kiosk.booking.errors import JournalError
from kiosk.booking.model import BOOKABLE_ROUTES, BookingOutcome, Occupation, Site, Slot
from kiosk.booking.phone import PhoneError, normalise
from kiosk.card.model import Card
from kiosk.dates import BANGKOK
from kiosk.eligibility import Answers, Decision, RuleSet, evaluate
from kiosk.errors import KioskError
from kiosk.session import availability, slips
from kiosk.session import events as ev
from kiosk.session.availability import DayState, SlotState
from kiosk.session.contact_change import ContactChangeMixin
from kiosk.session.staff import StaffMixin

log = logging.getLogger(__name__)


class Screen(StrEnum):
    WELCOME = "welcome"
    READING = "reading"
    CARD_ERROR = "card-error"
    CONSENT = "consent"
    LOOKUP = "lookup"
    EXISTING = "existing"
    CANCEL_CONFIRM = "cancel-confirm"
    CHANGING = "changing"
    #: Changing the phone or occupation: the new number typed a second time, then a review.
    PHONE_AGAIN = "phone-again"
    CHANGE_REVIEW = "change-review"
    QUESTION = "question"
    DECISION = "decision"
    CONTACT = "contact"
    SITE = "site"
    SLOT = "slot"
    REVIEW = "review"
    BOOKING = "booking"
    RESULT = "result"
    PRINTING = "printing"
    GOODBYE = "goodbye"
    CLOSED = "closed"
    OUT_OF_SERVICE = "out-of-service"
    #: A clerk paused service ("temporarily closed"); a customer mid-session finishes first.
    PAUSED = "paused"


#: Screens a terminal rests on between customers; no customer data, no control in the corners.
RESTING_SCREENS = frozenset({Screen.WELCOME, Screen.CLOSED, Screen.OUT_OF_SERVICE, Screen.PAUSED})
#: Screens with no customer on them: where service changes may switch the terminal.
IDLE_SCREENS = RESTING_SCREENS | {Screen.GOODBYE}
#: Screens where a customer's request is in flight: an idle timeout must not cut it off.
BUSY_SCREENS = frozenset({Screen.BOOKING, Screen.CHANGING, Screen.READING})


@dataclass(frozen=True)
class ContactCheck:
    phone_ok: bool
    occupation_ok: bool

    @property
    def ok(self) -> bool:
        return self.phone_ok and self.occupation_ok


class Session(ContactChangeMixin, StaffMixin):
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

    # card --------------------------------------------------------------------------------------

    def _on_CardInserted(self, e: ev.CardInserted) -> list[ev.Effect]:
        self.card_present = True
        if self.screen == Screen.GOODBYE:
            self.fresh_card = True  # the next customer is early: read it once goodbye ends
            return []
        if self.screen != Screen.WELCOME:
            return []
        self.screen = Screen.READING
        return [ev.ReadCard()]

    def _on_CardRead(self, e: ev.CardRead) -> list[ev.Effect]:
        if self.screen != Screen.READING:
            return []
        self.card = e.card
        self.screen = Screen.CONSENT
        return []

    def _on_CardFailed(self, e: ev.CardFailed) -> list[ev.Effect]:
        if self.screen != Screen.READING:
            return []
        self.error = e.error
        self.screen = Screen.CARD_ERROR
        return []

    def _on_CardRemoved(self, e: ev.CardRemoved) -> list[ev.Effect]:
        self.card_present = False
        self.fresh_card = False
        if self.screen in (Screen.BOOKING, Screen.CHANGING):
            return []  # the request is in flight: its answer decides what happens next
        if self.booked and not self.printed and self.print_error is None:
            return []  # the slip is on its way: finish it, then say goodbye
        if self.booked or self.screen == Screen.PRINTING:
            return self._say_goodbye()
        if self.screen in RESTING_SCREENS:
            return []
        return self._go_welcome()

    def _say_goodbye(self) -> list[ev.Effect]:
        """Wipe the customer, but thank them in the language they chose; the next one starts
        in Thai (the goodbye screen returns to the welcome screen through a full wipe)."""
        language = self.language
        self._wipe()
        self.language = language
        self.screen = Screen.GOODBYE
        return [ev.Wiped()]

    # consent and look-up -------------------------------------------------------------------------

    def _on_ConsentGiven(self, e: ev.ConsentGiven) -> list[ev.Effect]:
        if self.screen != Screen.CONSENT or self.card is None:
            return []
        self.screen = Screen.LOOKUP
        return [ev.LookUp(self.card)]

    def _on_ExistingFound(self, e: ev.ExistingFound) -> list[ev.Effect]:
        # after a notice from the same look-up, the booking joins it on the same screen
        with_notice = self.screen == Screen.EXISTING and self.notice and self.existing is None
        if self.screen not in (Screen.LOOKUP, Screen.CHANGING) and not with_notice:
            return []
        self.existing, self.existing_source = dict(e.booking), e.source
        self.screen = Screen.EXISTING
        return []

    def _on_NoticeFound(self, e: ev.NoticeFound) -> list[ev.Effect]:
        if self.screen != Screen.LOOKUP:
            return []
        self.notice = dict(e.notice)
        self.screen = Screen.EXISTING
        return []

    def _on_NothingFound(self, e: ev.NothingFound) -> list[ev.Effect]:
        if self.screen != Screen.LOOKUP:
            return []
        return self._decide()

    # eligibility ---------------------------------------------------------------------------------

    def _decide(self) -> list[ev.Effect]:
        assert self.card is not None
        self.decision = evaluate(
            self.rule_set, self.card, self.answers, self.registry, self._today()
        )
        if self.decision.route == "ask":
            self.screen = Screen.QUESTION
            if self.decision.ask == "conditions":
                self.draft_conditions = None
            return []
        if (
            self.decision.route == "book-provisional"
            and self.registry == "unknown"
            and not self.registry_checked
            and self.status.online
        ):
            self.registry_checked = True
            self.screen = Screen.LOOKUP
            return [ev.CheckRegistry(self.card)]
        self.screen = Screen.DECISION
        return []

    def _on_RegistryKnown(self, e: ev.RegistryKnown) -> list[ev.Effect]:
        if self.screen != Screen.LOOKUP or self.card is None:
            return []
        self.registry = e.value if e.value in ("yes", "no", "unknown") else "unknown"
        self.registry_checked = True
        return self._decide()

    def _on_ConditionToggled(self, e: ev.ConditionToggled) -> list[ev.Effect]:
        if not self._asking("conditions") or e.code not in self.rule_set.condition_codes:
            return []
        chosen = set(self.draft_conditions or ())
        chosen ^= {e.code}
        # untoggling the last condition leaves nothing chosen, not "none of these"
        self.draft_conditions = frozenset(chosen) if chosen else None
        return []

    def _on_NoneOfThese(self, e: ev.NoneOfThese) -> list[ev.Effect]:
        if self._asking("conditions"):
            self.draft_conditions = frozenset()
        return []

    def _asking(self, question: str) -> bool:
        return (
            self.screen == Screen.QUESTION
            and self.decision is not None
            and self.decision.ask == question
        )

    def _next_question(self) -> list[ev.Effect]:
        if self.draft_conditions is None:
            return []
        return self._on_Answered(ev.Answered("conditions", self.draft_conditions))

    def _on_Answered(self, e: ev.Answered) -> list[ev.Effect]:
        if self.screen != Screen.QUESTION or self.decision is None:
            return []
        if e.question != self.decision.ask:
            return []
        if e.question == "conditions":
            codes = frozenset(e.value)
            if not codes <= self.rule_set.condition_codes:
                return []
            self.answers = Answers(codes, self.answers.works_in_bangkok)
        elif e.question == "works_in_bangkok" and isinstance(e.value, bool):
            self.answers = Answers(self.answers.conditions, e.value)
        else:
            return []
        if self.editing_from_review:
            self.editing_from_review = False
        return self._decide()

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

    # service ------------------------------------------------------------------------------------

    def _on_ServiceChanged(self, e: ev.ServiceChanged) -> list[ev.Effect]:
        self.status = e
        if e.availability_age is not None:
            self.availability_age = e.availability_age
        if self.screen in IDLE_SCREENS - {Screen.GOODBYE}:
            self.screen = self._resting_screen()
        return []
