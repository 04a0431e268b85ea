"""What can happen to a customer session (events in) and what the session asks for (effects out).

The session is pure: it never reads a card, calls the central or prints. It answers each event
with the screen to show and a list of effects for the controller (`ui`) to carry out off the UI
thread; their results come back as events. That is what lets the whole journey be tested without
Qt, a card or a network, and what lets the UI stay a thin view.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from kiosk.booking.model import BookingOutcome, Occupation, Site, Slot
from kiosk.card.model import Card
from kiosk.errors import KioskError

# events ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CardInserted:
    reader: str = ""


@dataclass(frozen=True)
class CardRead:
    card: Card


@dataclass(frozen=True)
class CardFailed:
    error: KioskError


@dataclass(frozen=True)
class CardRemoved:
    pass


@dataclass(frozen=True)
class ConsentGiven:
    pass


@dataclass(frozen=True)
class ExistingFound:
    """The central (or the journal) knows a booking of this citizen: show it first."""

    booking: Mapping[str, Any]
    source: str = "central"  # or "journal" for one still queued on this terminal


@dataclass(frozen=True)
class NoticeFound:
    """A queued booking of this citizen ended rejected or in conflict since the last visit."""

    notice: Mapping[str, Any]


@dataclass(frozen=True)
class NothingFound:
    pass


@dataclass(frozen=True)
class Answered:
    question: str  # "conditions" or "works_in_bangkok"
    value: Any  # a collection of condition codes (empty: none of these), or True/False


@dataclass(frozen=True)
class ConditionToggled:
    """One of the conditions tapped on the questions screen (a draft until Next)."""

    code: str


@dataclass(frozen=True)
class NoneOfThese:
    """The explicit "none of these" choice: never inferred from an empty selection."""


@dataclass(frozen=True)
class RegistryKnown:
    value: str  # "yes", "no" or "unknown"


@dataclass(frozen=True)
class Next:
    """The primary action of the current screen (bottom right)."""


@dataclass(frozen=True)
class Back:
    pass


@dataclass(frozen=True)
class StartOver:
    pass


@dataclass(frozen=True)
class PhoneEntered:
    phone: str

    def __repr__(self) -> str:  # events reach logs and tracebacks; a phone must not
        return "PhoneEntered(<phone>)"


@dataclass(frozen=True)
class OccupationChosen:
    occupation: Occupation


@dataclass(frozen=True)
class SitesLoaded:
    sites: tuple[Site, ...]
    age_seconds: float | None = None  # age of cached availability when offline
    #: Seats left per site id over the coming days, where known: a full site cannot be chosen.
    remaining: Mapping[str, int] = field(default_factory=dict, hash=False)


@dataclass(frozen=True)
class SiteChosen:
    site: Site


@dataclass(frozen=True)
class SlotsLoaded:
    site_id: str
    slots: tuple[Slot, ...]
    #: The slots came from the offline cache: the central could not be reached just now.
    offline: bool = False
    #: Of those, the slots this terminal can confirm now from a seat lease it holds
    #: (DESIGN §11); any other slot booked while offline is queued for the central.
    confirmable: frozenset[str] = frozenset()


@dataclass(frozen=True)
class SlotChosen:
    slot: Slot


@dataclass(frozen=True)
class DayChosen:
    """Which day's slots the slot screen shows: a filter, never a choice of slot."""

    day: str  # YYYY-MM-DD


@dataclass(frozen=True)
class Edit:
    section: str  # "contact", "site", "slot", "answers"


@dataclass(frozen=True)
class Booked:
    outcome: BookingOutcome


@dataclass(frozen=True)
class BookingFailed:
    """Nothing was booked (the journal could not be written, or a local refusal)."""

    error: KioskError


@dataclass(frozen=True)
class PrintInfoSlip:
    pass


@dataclass(frozen=True)
class Printed:
    pass


@dataclass(frozen=True)
class PrintFailed:
    error: KioskError


@dataclass(frozen=True)
class Reprint:
    pass


@dataclass(frozen=True)
class ChangeSlot:
    pass


@dataclass(frozen=True)
class CancelExisting:
    pass


@dataclass(frozen=True)
class ShowExisting:
    """From a refusal "already booked": show the booking the central holds."""


@dataclass(frozen=True)
class ChangeDone:
    booking: Mapping[str, Any] | None  # None: cancelled


@dataclass(frozen=True)
class ChangeFailed:
    error: KioskError


@dataclass(frozen=True)
class Finish:
    pass


@dataclass(frozen=True)
class LanguageToggled:
    pass


@dataclass(frozen=True)
class IdleTimeout:
    """The UI's idle countdown ran out (60 s idle, then 20 s of "more time?")."""


@dataclass(frozen=True)
class ServiceChanged:
    """Whether the terminal can serve at all, and the booking channel's hours."""

    reader_ok: bool = True
    printer_ok: bool = True
    journal_ok: bool = True
    open_now: bool = True
    online: bool = True
    problem: KioskError | None = None
    #: The kiosk channel's hours (HH:MM, Asia/Bangkok) from the central's cached config.
    opens: str = ""
    closes: str = ""
    #: How old the cached slot availability is, for the offline banner.
    availability_age: float | None = None


@dataclass(frozen=True)
class StaffCalled:
    """The customer tapped "Call staff" (DESIGN §14)."""


@dataclass(frozen=True)
class StaffCallCancelled:
    """The customer no longer needs the clerk they called."""


@dataclass(frozen=True)
class StaffAnswered:
    """A clerk answered the call on the clerk screen."""


@dataclass(frozen=True)
class PauseChanged:
    """A clerk paused (or resumed) service; `restored`: read back from the journal at start."""

    paused: bool
    restored: bool = False


@dataclass(frozen=True)
class StaffCall:
    """An open call for a clerk: when, and from which screen (no personal data)."""

    opened: datetime
    screen: str


# effects ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Effect:
    pass


@dataclass(frozen=True)
class ReadCard(Effect):
    pass


@dataclass(frozen=True)
class LookUp(Effect):
    card: Card


@dataclass(frozen=True)
class CheckRegistry(Effect):
    card: Card


@dataclass(frozen=True)
class LoadSites(Effect):
    pass


@dataclass(frozen=True)
class LoadSlots(Effect):
    site: Site


@dataclass(frozen=True)
class MakeBooking(Effect):
    card: Card
    answers: Any
    decision: Any
    site: Site
    slot: Slot
    phone: str
    occupation: Occupation

    def __repr__(self) -> str:
        return f"MakeBooking({self.card!r}, slot={self.slot.id})"


@dataclass(frozen=True)
class PrintSlip(Effect):
    slip: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ChangeBooking(Effect):
    card: Card
    booking: Mapping[str, Any]
    slot: Slot | None  # None: cancel


@dataclass(frozen=True)
class Acknowledge(Effect):
    """The customer has seen a notice about an earlier queued booking."""

    booking_id: str


@dataclass(frozen=True)
class StaffCallOpened(Effect):
    """Record the call (the health report carries it) and start the chime."""

    call: StaffCall


@dataclass(frozen=True)
class StaffCallClosed(Effect):
    """Stop the chime and record how the call ended: "answered", "cancelled", "session-ended"."""

    call: StaffCall
    how: str


@dataclass(frozen=True)
class PauseRecorded(Effect):
    """Keep the clerk's pause in the journal, so a restart (and `kiosk doctor`) knows it."""

    paused: bool


@dataclass(frozen=True)
class Wiped(Effect):
    """All customer data is gone from the session; views must drop theirs too."""
