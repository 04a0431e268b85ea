"""Ended is not full: what a day and its slots say, over the clock and every mix of seats.

The kiosk once read "เต็มทั้งวัน / full all day" for today at closing time, when every slot had
ended: `day_open` was the only question asked, and "not open" was worded as "full".
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.booking.model import Occupation, Site, Slot
from kiosk.card.model import Card
from kiosk.dates import BANGKOK
from kiosk.eligibility import load_bundled
from kiosk.session import Screen, Session
from kiosk.session import events as ev
from kiosk.session.availability import DayState, SlotState
from tests.cards import card

DAY = date(2021, 6, 1)
TERMINAL = {"id": "T-0001", "store": "7-Eleven Lat Phrao 101"}
SITE = Site("bkk-01", "เอสซีจี บางซื่อ", "SCG Bang Sue")


def slots_at(hours_and_seats: list[tuple[int, int]]) -> tuple[Slot, ...]:
    return tuple(
        Slot(f"bkk-01-{DAY:%Y%m%d}-{h:02d}00", "bkk-01", DAY.isoformat(),
             f"{h:02d}:00", f"{h + 1:02d}:00", 50, left)
        for h, left in hours_and_seats
    )  # fmt: skip


def on_the_slot_screen(clock: datetime, slots: tuple[Slot, ...]) -> Session:
    s = Session(load_bundled(), terminal=TERMINAL, today=lambda: DAY, now=lambda: clock)
    for event in (
        ev.CardInserted(),
        ev.CardRead(Card.from_json(card())),
        ev.ConsentGiven(),
        ev.NothingFound(),
        ev.Answered("conditions", []),
        ev.Next(),
        ev.PhoneEntered("0812345678"),
        ev.OccupationChosen(Occupation("trader")),
        ev.Next(),
        ev.SitesLoaded((SITE,)),
        ev.SiteChosen(SITE),
        ev.Next(),
        ev.SlotsLoaded("bkk-01", slots),
    ):
        s.handle(event)
    assert s.screen == Screen.SLOT
    return s


hours = st.lists(
    st.tuples(st.integers(8, 19), st.sampled_from([0, 0, 1, 7])),
    min_size=1,
    max_size=8,
    unique_by=lambda t: t[0],
)
# minutes from 07:00 to 22:00, so every slot's end (and the instant of it) is drawn
minutes = st.integers(0, 15 * 60)


@settings(max_examples=300, deadline=None)
@given(hours, minutes)
def test_a_day_is_full_only_if_nothing_has_ended_and_no_seat_is_left(seats, minute):
    clock = datetime(2021, 6, 1, 7, 0, tzinfo=BANGKOK) + timedelta(minutes=minute)
    slots = slots_at(seats)
    s = on_the_slot_screen(clock, slots)
    ends = {sl.id: datetime.combine(DAY, datetime.min.time(), BANGKOK)
            + timedelta(hours=int(sl.end[:2])) for sl in slots}  # fmt: skip
    over = {sl.id for sl in slots if ends[sl.id] <= clock}  # a slot ending now has ended
    free = {sl.id for sl in slots if sl.remaining > 0 and sl.id not in over}

    for sl in slots:
        state = s.slot_state(sl)
        if sl.id in over:
            assert state is SlotState.ENDED, (sl, clock)  # full or not
        else:
            assert state is (SlotState.OPEN if sl.id in free else SlotState.FULL)

    day = s.day_state(DAY.isoformat())
    if free:
        assert day is DayState.OPEN
    elif len(over) == len(slots):
        assert day is DayState.ENDED
    elif over:
        assert day is DayState.NONE_LEFT
    else:
        assert day is DayState.FULL
    assert (day is DayState.FULL) == (not over and not free)
    assert s.day_open(DAY.isoformat()) == bool(free)


def test_late_in_the_day_every_slot_has_ended_and_the_day_is_over_not_full():
    clock = datetime(2021, 6, 1, 16, 30, tzinfo=BANGKOK)
    s = on_the_slot_screen(clock, slots_at([(9, 0), (10, 12), (15, 3)]))
    assert s.day_state(DAY.isoformat()) is DayState.ENDED
    assert {s.slot_state(sl) for sl in s.slots} == {SlotState.ENDED}
    assert not s.can_go_next()
