"""What a slot, and a day of slots, says to the customer: open, full, or over.

Full and ended are different facts with different advice. A full slot may free up (a cancel) and
the customer can try another time that day; an ended slot is gone for good, and late in the day,
when every slot has ended, the day is over, not "full all day" (the wording the kiosk once
showed at closing time, seen in the demo's screenshots). An ended slot is ended whether or not
it was full: the clock is the stronger fact.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import Enum


class SlotState(Enum):
    OPEN = "open"
    CONFIRM_NOW = "confirm-now"  # offline, on a seat this terminal holds (DESIGN §11)
    FULL = "full"
    ENDED = "ended"

    @property
    def bookable(self) -> bool:
        return self in (SlotState.OPEN, SlotState.CONFIRM_NOW)


class DayState(Enum):
    OPEN = "open"  # at least one slot can be booked
    FULL = "full"  # every slot is full and none has ended
    ENDED = "ended"  # every slot has ended
    NONE_LEFT = "none-left"  # some ended, the rest are full: nothing left that day
    EMPTY = "empty"  # no slots at all


def slot_state(*, ended: bool, full: bool, confirm_now: bool) -> SlotState:
    if ended:
        return SlotState.ENDED
    if confirm_now:
        return SlotState.CONFIRM_NOW
    return SlotState.FULL if full else SlotState.OPEN


def day_state(states: Iterable[SlotState]) -> DayState:
    seen = list(states)
    if not seen:
        return DayState.EMPTY
    if any(s.bookable for s in seen):
        return DayState.OPEN
    ended = sum(s is SlotState.ENDED for s in seen)
    if ended == len(seen):
        return DayState.ENDED
    return DayState.NONE_LEFT if ended else DayState.FULL
