"""The customer journey's shared pieces for the session tests: the terminal, sites, slots, a
session on a fixed clock, and the walks to a decision and to the review screen."""

from __future__ import annotations

from datetime import date, datetime

from kiosk.booking.model import Occupation, Site, Slot
from kiosk.card.model import Card
from kiosk.dates import BANGKOK
from kiosk.eligibility import load_bundled
from kiosk.session import Session
from kiosk.session import events as ev
from tests.cards import card

TERMINAL = {"id": "T-0001", "store": "7-Eleven Lat Phrao 101"}
SITE = Site("bkk-01", "เอสซีจี บางซื่อ", "SCG Bang Sue", district_th="บางซื่อ", district_en="Bang Sue")
OTHER = Site("bkk-02", "เซ็นทรัล ลาดพร้าว", "CentralPlaza Lardprao")
SLOT = Slot("bkk-01-2021-06-07-0900", "bkk-01", "2021-06-07", "09:00", "10:00", 50, 12)
FULL = Slot("bkk-01-2021-06-07-1000", "bkk-01", "2021-06-07", "10:00", "11:00", 50, 0)
PHONE = "0812345678"
#: An existing booking as the central returns it.
BOOKING = {
    "reference": "TRJ-7K3M-Q9XD",
    "status": "confirmed",
    "booking_id": "b0",
    "site_id": "bkk-01",
    "slot_id": SLOT.id,
    "date": "2021-06-07",
    "start": "09:00",
    "end": "10:00",
    "version": 1,
}


def new_session() -> Session:
    return Session(
        load_bundled(),
        terminal=TERMINAL,
        today=lambda: date(2021, 5, 28),
        now=lambda: datetime(2021, 5, 28, 10, 15, tzinfo=BANGKOK),
    )


def person(**kw) -> Card:
    return Card.from_json(card(**kw))


def through(s: Session, *events) -> list[ev.Effect]:
    out: list[ev.Effect] = []
    for e in events:
        out = s.handle(e)
    return out


def to_decision(s: Session, c: Card, *answers) -> None:
    through(s, ev.CardInserted(), ev.CardRead(c), ev.ConsentGiven(), ev.NothingFound(), *answers)


def to_review(s: Session) -> None:
    to_decision(s, person(), ev.Answered("conditions", []))
    through(
        s,
        ev.Next(),
        ev.PhoneEntered(PHONE),
        ev.OccupationChosen(Occupation("trader")),
        ev.Next(),
        ev.SitesLoaded((SITE, OTHER)),
        ev.SiteChosen(SITE),
        ev.Next(),
        ev.SlotsLoaded("bkk-01", (SLOT, FULL)),
        ev.SlotChosen(SLOT),
        ev.Next(),
    )


def personal_data_left(s: Session, c: Card) -> list[str]:
    text = repr(vars(s))
    return [needle for needle in (c.cid, c.name_th.first, c.name_en.first, PHONE) if needle in text]
