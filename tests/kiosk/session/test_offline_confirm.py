"""Offline, the session knows which slots this terminal can confirm now from a seat lease
(DESIGN §11, issue 11): it lets them be chosen even where the cache shows none left, says which
booking it will be, and a booking the terminal confirmed reaches the slip with its slip code.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from cryptography.hazmat.primitives.asymmetric import ed25519
from hypothesis import given
from hypothesis import strategies as st

from kiosk.booking.model import BookingOutcome, Occupation, Slot
from kiosk.dates import BANGKOK
from kiosk.leases import make_slip_code
from kiosk.session import Screen, Session
from kiosk.session import events as ev
from printer.slip_data import parse_slip
from tests.kiosk.session.journeys import (
    FULL,
    OTHER,
    PHONE,
    SITE,
    SLOT,
    new_session,
    person,
    personal_data_left,
    through,
    to_decision,
)

NOW = datetime(2021, 5, 28, 10, 15, tzinfo=BANGKOK)
LATER = Slot("bkk-01-2021-06-07-1100", "bkk-01", "2021-06-07", "11:00", "12:00", 50, 30)
KEY = ed25519.Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
LEASE = "3f6b8a2e-1c4d-4e9a-b7f0-5d2c8e1a9b46"


def slip_code(reference: str = "TRJ-5W2P-H8RC", slot: Slot = FULL) -> str:
    return make_slip_code(
        reference=reference, slot_id=slot.id, lease_id=LEASE, confirmed_at=NOW, terminal_key=KEY
    ).text()


def offline_confirmed(slot: Slot = FULL, code: str | None = "") -> BookingOutcome:
    return BookingOutcome(
        "confirmed",
        "b1",
        "TRJ-5W2P-H8RC",
        confirmed_by="terminal",
        lease_id=LEASE,
        slip_code=slip_code(slot=slot) if code == "" else code,
    )


def to_slots(s: Session, *, offline: bool, confirmable: frozenset[str]) -> None:
    """Up to the slot screen, the slots loaded as the controller loads them."""
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
        ev.SlotsLoaded("bkk-01", (SLOT, FULL, LATER), offline=offline, confirmable=confirmable),
    )


def test_offline_the_slots_with_a_lease_seat_are_confirmable_and_the_others_queue():
    s = new_session()
    to_slots(s, offline=True, confirmable=frozenset({SLOT.id}))
    assert s.confirms_now(SLOT) and not s.confirms_now(LATER)
    assert s.booking_kind(SLOT) == "confirm-now"
    assert s.booking_kind(LATER) == "queue"
    assert s.any_confirmable()


def test_online_nothing_is_marked_even_if_the_controller_sent_lease_seats():
    s = new_session()
    to_slots(s, offline=False, confirmable=frozenset({SLOT.id, FULL.id}))
    assert not s.confirms_now(SLOT) and s.booking_kind(SLOT) is None
    assert not s.any_confirmable()
    s.handle(ev.SlotChosen(FULL))
    assert s.slot is None  # online the central's availability stands: full is full


def test_offline_a_slot_the_cache_shows_full_can_be_booked_from_the_terminals_own_seat():
    """Public availability excludes leased seats, so the cache never counts this terminal's."""
    s = new_session()
    to_slots(s, offline=True, confirmable=frozenset({FULL.id}))
    assert s.slot_open(FULL)
    s.handle(ev.SlotChosen(FULL))
    assert s.slot == FULL and s.can_go_next()
    s.handle(ev.Next())
    assert s.screen == Screen.REVIEW and s.booking_kind(s.slot) == "confirm-now"


def test_offline_a_full_slot_without_a_lease_seat_still_cannot_be_chosen():
    s = new_session()
    to_slots(s, offline=True, confirmable=frozenset({SLOT.id}))
    s.handle(ev.SlotChosen(FULL))
    assert s.slot is None and not s.slot_open(FULL)


def test_slots_loaded_again_online_drop_the_marks():
    s = new_session()
    to_slots(s, offline=True, confirmable=frozenset({SLOT.id}))
    s.handle(ev.SlotsLoaded("bkk-01", (SLOT, FULL, LATER), offline=False))
    assert not s.any_confirmable() and s.booking_kind(SLOT) is None


@given(
    minutes=st.integers(min_value=-180, max_value=180),
    offline=st.booleans(),
    leased=st.booleans(),
    remaining=st.integers(min_value=0, max_value=3),
)
def test_a_slot_is_confirmable_only_offline_with_a_seat_and_before_it_ends(
    minutes, offline, leased, remaining
):
    """The boundary is the slot's end, to the minute, whatever the cached seats say."""
    end = NOW + timedelta(minutes=minutes)
    start = end - timedelta(hours=1)
    slot = Slot(
        f"bkk-01-{end:%Y%m%d-%H%M}",
        "bkk-01",
        start.date().isoformat(),
        f"{start:%H:%M}",
        f"{end:%H:%M}",
        50,
        remaining,
    )
    if start.date() != end.date():  # a slot does not run over midnight
        return
    s = new_session()
    to_slots(s, offline=False, confirmable=frozenset())
    s.handle(
        ev.SlotsLoaded(
            "bkk-01", (slot,), offline=offline, confirmable=frozenset({slot.id} if leased else ())
        )
    )
    ended = minutes <= 0
    assert s.confirms_now(slot) == (offline and leased and not ended)
    assert s.slot_open(slot) == (not ended and (remaining > 0 or (offline and leased)))


def test_an_offline_confirmed_booking_shows_as_confirmed_and_its_slip_carries_the_code():
    s = new_session()
    to_slots(s, offline=True, confirmable=frozenset({FULL.id}))
    through(s, ev.SlotChosen(FULL), ev.Next())
    (effect,) = s.handle(ev.Next())
    assert isinstance(effect, ev.MakeBooking)
    outcome = offline_confirmed()
    (effect,) = s.handle(ev.Booked(outcome))
    assert s.screen == Screen.RESULT and s.booked
    assert isinstance(effect, ev.PrintSlip)
    slip = effect.slip
    assert slip["status"] == "confirmed" and slip["reference"] == "TRJ-5W2P-H8RC"
    assert slip["confirmed_by"] == "terminal" and slip["slip_code"] == outcome.slip_code
    # and the printer takes it as it is: the QR code will carry the slip code
    parsed = parse_slip(dict(slip), now=NOW)
    assert parsed.offline_confirmed and parsed.qr_payload == outcome.slip_code
    s.handle(ev.Printed())
    s.handle(ev.CardRemoved())
    assert s.screen == Screen.GOODBYE and not s.confirmable and not s.slots_offline


def test_a_reprint_after_a_printer_failure_carries_the_same_code():
    s = new_session()
    to_slots(s, offline=True, confirmable=frozenset({FULL.id}))
    through(s, ev.SlotChosen(FULL), ev.Next(), ev.Next(), ev.Booked(offline_confirmed()))
    s.handle(ev.PrintFailed(_paper_out()))
    (effect,) = s.handle(ev.Reprint())
    assert effect.slip["slip_code"] == slip_code()


def test_a_central_confirmed_booking_says_so_and_has_no_code():
    s = new_session()
    to_slots(s, offline=False, confirmable=frozenset())
    through(s, ev.SlotChosen(SLOT), ev.Next(), ev.Next())
    (effect,) = s.handle(
        ev.Booked(BookingOutcome("confirmed", "b1", "TRJ-7K3M-Q9XD", confirmed_by="central"))
    )
    assert effect.slip["confirmed_by"] == "central" and "slip_code" not in effect.slip
    assert parse_slip(dict(effect.slip), now=NOW).qr_payload == "TRJ-7K3M-Q9XD"


def test_without_its_code_an_offline_confirmed_booking_still_gets_a_confirmed_slip(caplog):
    s = new_session()
    to_slots(s, offline=True, confirmable=frozenset({FULL.id}))
    through(s, ev.SlotChosen(FULL), ev.Next(), ev.Next())
    (effect,) = s.handle(ev.Booked(offline_confirmed(code=None)))
    assert effect.slip["status"] == "confirmed" and "slip_code" not in effect.slip
    assert parse_slip(dict(effect.slip), now=NOW).qr_payload == "TRJ-5W2P-H8RC"
    assert "no slip code" in caplog.text


JOURNAL_BOOKING = {
    "booking_id": "b0",
    "status": "confirmed",
    "confirmed_by": "terminal",
    "reference": "TRJ-5W2P-H8RC",
    "slip_code": slip_code(),
    "site_id": "bkk-01",
    "slot_id": FULL.id,
    "date": FULL.date,
    "start": FULL.start,
    "end": FULL.end,
    "site": SITE.to_json(),
}


def test_an_existing_offline_confirmed_booking_is_shown_confirmed_and_reprinted_with_its_code():
    s = new_session()
    c = person()
    through(s, ev.CardInserted(), ev.CardRead(c), ev.ConsentGiven())
    s.handle(ev.ExistingFound(JOURNAL_BOOKING, "journal"))
    assert s.screen == Screen.EXISTING
    assert s.handle(ev.ChangeSlot()) == []  # the central does not know it yet: no change
    (effect,) = s.handle(ev.Reprint())
    slip = effect.slip
    assert slip["status"] == "confirmed" and slip["reference"] == "TRJ-5W2P-H8RC"
    assert slip["slip_code"] == JOURNAL_BOOKING["slip_code"]
    assert parse_slip(dict(slip), now=NOW).qr_payload == JOURNAL_BOOKING["slip_code"]
    assert c.cid not in repr(slip)


def test_a_notice_about_a_refused_lease_booking_is_shown_once_then_acknowledged():
    s = new_session()
    c = person()
    through(s, ev.CardInserted(), ev.CardRead(c), ev.ConsentGiven())
    notice = {
        "booking_id": "b0",
        "state": "conflict",
        "code": "already-booked",
        "lease": True,
        "winner": "TRJ-AAAA-BBBB",
    }
    s.handle(ev.NoticeFound(notice))
    assert s.screen == Screen.EXISTING and s.notice == notice
    effects = s.handle(ev.Next())
    assert ev.Acknowledge("b0") in effects
    assert s.notice is None and s.screen == Screen.QUESTION  # on to book again
    s.handle(ev.StartOver())
    assert personal_data_left(s, c) == []


def _paper_out():
    from printer.errors import PaperOut

    return PaperOut("tcp://192.168.1.50:9100")
