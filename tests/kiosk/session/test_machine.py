"""The customer journey without Qt, a card reader or a network."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.booking.errors import AlreadyQueued, JournalError
from kiosk.booking.model import BookingOutcome, Occupation, Slot
from kiosk.card.errors import CardRemoved as CardRemovedError
from kiosk.session import Screen
from kiosk.session import events as ev
from tests.kiosk.session.journeys import (
    BOOKING,
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
    to_review,
)


def test_happy_path_for_a_bangkok_resident():
    s = new_session()
    assert s.handle(ev.CardInserted()) == [ev.ReadCard()]
    assert s.screen == Screen.READING
    c = person()
    s.handle(ev.CardRead(c))
    assert s.screen == Screen.CONSENT
    assert s.handle(ev.ConsentGiven()) == [ev.LookUp(c)]
    s.handle(ev.NothingFound())
    assert (s.screen, s.decision.ask) == (Screen.QUESTION, "conditions")
    s.handle(ev.Answered("conditions", []))
    assert (s.screen, s.decision.code) == (Screen.DECISION, "bangkok-resident")
    s.handle(ev.Next())
    assert s.screen == Screen.CONTACT and not s.can_go_next()
    s.handle(ev.PhoneEntered("081-234-5678"))
    assert not s.can_go_next()  # no occupation yet
    s.handle(ev.OccupationChosen(Occupation("other")))
    assert not s.can_go_next()  # "other" needs its text
    s.handle(ev.OccupationChosen(Occupation("other", "ช่างภาพ")))
    assert s.handle(ev.Next()) == [ev.LoadSites()]
    assert s.screen == Screen.SITE and s.phone == PHONE
    s.handle(ev.SitesLoaded((SITE, OTHER), age_seconds=None))
    assert not s.can_go_next() and s.site is None  # no default site, ever
    s.handle(ev.SiteChosen(SITE))
    assert s.handle(ev.Next()) == [ev.LoadSlots(SITE)]
    s.handle(ev.SlotsLoaded("bkk-01", (SLOT, FULL)))
    s.handle(ev.SlotChosen(FULL))
    assert s.slot is None  # a full slot cannot be chosen
    s.handle(ev.SlotChosen(SLOT))
    s.handle(ev.Next())
    assert s.screen == Screen.REVIEW
    (effect,) = s.handle(ev.Next())
    assert isinstance(effect, ev.MakeBooking) and effect.slot == SLOT and effect.phone == PHONE
    assert s.screen == Screen.BOOKING
    (effect,) = s.handle(ev.Booked(BookingOutcome("confirmed", "b1", "TRJ-7K3M-Q9XD")))
    assert isinstance(effect, ev.PrintSlip)  # printed at once
    slip = effect.slip
    assert slip["status"] == "confirmed" and slip["reference"] == "TRJ-7K3M-Q9XD"
    assert slip["citizen"]["masked_cid"] == c.masked_cid and c.cid not in repr(slip)
    assert PHONE not in repr(slip)
    assert s.screen == Screen.RESULT
    s.handle(ev.Printed())
    assert s.screen == Screen.PRINTING
    s.handle(ev.CardRemoved())
    assert s.screen == Screen.GOODBYE
    assert personal_data_left(s, c) == []


def test_scrolling_the_site_list_without_a_tap_books_nothing():
    s = new_session()
    to_decision(s, person(), ev.Answered("conditions", []))
    through(
        s,
        ev.Next(),
        ev.PhoneEntered(PHONE),
        ev.OccupationChosen(Occupation("trader")),
        ev.Next(),
        ev.SitesLoaded((SITE, OTHER)),
    )
    for _ in range(5):
        assert s.handle(ev.Next()) == []
    assert s.screen == Screen.SITE and s.site is None


@pytest.mark.parametrize(
    ("kwargs", "answers", "route", "code"),
    [
        ({"birth_date_be": "25000101"}, (), "hospital", "over-age-limit"),
        ({"birth_date_be": "25500101"}, (), "ineligible", "under-18"),
        ({"cid": "6100100123129"}, (), "await-guidance", "foreign-national"),
        ({}, (ev.Answered("conditions", ["diabetes"]),), "hospital", "chronic-condition"),
        (
            {"address": {"province": "จังหวัดนนทบุรี"}},
            (ev.Answered("conditions", []), ev.Answered("works_in_bangkok", False)),
            "ineligible",
            "outside-bangkok",
        ),
    ],
)
def test_routes_that_do_not_book_offer_an_information_slip(kwargs, answers, route, code):
    s = new_session()
    c = person(**kwargs)
    to_decision(s, c, *answers)
    assert (s.screen, s.decision.route, s.decision.code) == (Screen.DECISION, route, code)
    (effect,) = s.handle(ev.Next())
    assert effect.slip["kind"] == "decision" and effect.slip["decision"]["code"] == code
    assert s.screen == Screen.PRINTING


def test_works_in_bangkok_asks_the_registry_then_books_provisionally_offline():
    s = new_session()
    c = person(address={"province": "จังหวัดนนทบุรี"})
    to_decision(s, c, ev.Answered("conditions", []))
    assert s.decision.ask == "works_in_bangkok"
    assert s.handle(ev.Answered("works_in_bangkok", True)) == [ev.CheckRegistry(c)]
    s.handle(ev.RegistryKnown("unknown"))
    assert (s.screen, s.decision.route) == (Screen.DECISION, "book-provisional")
    s2 = new_session()
    to_decision(s2, c, ev.Answered("conditions", []), ev.Answered("works_in_bangkok", True))
    s2.handle(ev.RegistryKnown("yes"))
    assert s2.decision.code == "works-in-bangkok"


def test_offline_the_registry_is_not_asked():
    s = new_session()
    s.handle(ev.ServiceChanged(online=False))
    c = person(address={"province": "จังหวัดนนทบุรี"})
    to_decision(s, c, ev.Answered("conditions", []))
    assert s.handle(ev.Answered("works_in_bangkok", True)) == []
    assert s.decision.route == "book-provisional"


def test_queued_booking_prints_a_slip_and_says_what_happens_next():
    s = new_session()
    to_review(s)
    s.handle(ev.Next())
    (effect,) = s.handle(ev.Booked(BookingOutcome("queued", "b1", code="central-offline")))
    assert effect.slip["status"] == "queued" and effect.slip["reference"] is None


def test_a_rejected_booking_offers_another_slot():
    s = new_session()
    to_review(s)
    s.handle(ev.Next())
    effects = s.handle(ev.Booked(BookingOutcome("rejected", "b1", code="slot-full")))
    # no slip; the refusal is shown now, so the journal must not raise it again next visit
    assert effects == [ev.Acknowledge("b1")]
    assert s.screen == Screen.RESULT and not s.booked
    # the way forward: choose another time, everything else kept
    assert s.handle(ev.Edit("slot")) == [ev.LoadSlots(SITE)]
    assert s.screen == Screen.SLOT and s.outcome is None and s.phone == PHONE


def test_journal_failure_books_nothing_and_takes_the_terminal_out_of_service():
    s = new_session()
    to_review(s)
    s.handle(ev.Next())
    s.handle(ev.BookingFailed(JournalError("disk full", code="journal-full")))
    assert s.screen == Screen.RESULT and s.outcome is None
    s.handle(ev.Finish())
    s.handle(ev.Finish())
    assert s.screen == Screen.OUT_OF_SERVICE


def test_already_queued_locally_is_explained():
    s = new_session()
    to_review(s)
    s.handle(ev.Next())
    s.handle(ev.BookingFailed(AlreadyQueued("b0")))
    assert s.error.code == "already-queued"


def test_printer_out_of_paper_keeps_the_booking_and_offers_a_reprint():
    from kiosk.errors import KioskError

    class PaperOutError(KioskError):
        code = "paper-out"

    s = new_session()
    to_review(s)
    s.handle(ev.Next())
    s.handle(ev.Booked(BookingOutcome("confirmed", "b1", "TRJ-7K3M-Q9XD")))
    s.handle(ev.PrintFailed(PaperOutError("กระดาษหมด", "paper out")))
    assert s.booked and s.print_error.code == "paper-out"
    s.handle(ev.CardRemoved())  # the customer leaves: the booking stands
    assert s.screen == Screen.GOODBYE
    s2 = new_session()
    to_review(s2)
    s2.handle(ev.Next())
    s2.handle(ev.Booked(BookingOutcome("confirmed", "b1", "TRJ-7K3M-Q9XD")))
    s2.handle(ev.PrintFailed(PaperOutError("กระดาษหมด", "paper out")))
    (effect,) = s2.handle(ev.Reprint())
    assert isinstance(effect, ev.PrintSlip) and effect.slip["reference"] == "TRJ-7K3M-Q9XD"


def test_card_removed_before_booking_wipes_everything():
    s = new_session()
    to_review(s)
    c = s.card
    assert ev.Wiped() in s.handle(ev.CardRemoved())
    assert s.screen == Screen.WELCOME
    assert personal_data_left(s, c) == []


def test_card_removed_after_booking_finishes_the_slip_first():
    s = new_session()
    to_review(s)
    s.handle(ev.Next())
    s.handle(ev.Booked(BookingOutcome("confirmed", "b1", "TRJ-7K3M-Q9XD")))
    assert s.handle(ev.CardRemoved()) == []
    assert s.screen == Screen.RESULT and s.booked
    s.handle(ev.Printed())
    assert s.screen == Screen.GOODBYE and s.card is None


def test_idle_timeout_wipes_but_never_interrupts_a_booking_in_flight():
    s = new_session()
    to_review(s)
    c = s.card
    s.handle(ev.Next())
    assert s.handle(ev.IdleTimeout()) == [] and s.screen == Screen.BOOKING
    s.handle(ev.Booked(BookingOutcome("rejected", "b1", code="slot-full")))
    s.handle(ev.IdleTimeout())
    assert s.screen == Screen.WELCOME and personal_data_left(s, c) == []


def test_card_errors():
    s = new_session()
    s.handle(ev.CardInserted())
    s.handle(ev.CardFailed(CardRemovedError()))
    assert s.screen == Screen.CARD_ERROR and s.error.code == "card-removed"
    s.handle(ev.CardRemoved())
    assert s.screen == Screen.WELCOME and s.error is None


def test_existing_booking_change_and_cancel():
    s = new_session()
    c = person()
    booking = dict(BOOKING)
    through(s, ev.CardInserted(), ev.CardRead(c), ev.ConsentGiven(), ev.ExistingFound(booking))
    assert s.screen == Screen.EXISTING
    (effect,) = s.handle(ev.Reprint())
    assert effect.slip["reference"] == "TRJ-7K3M-Q9XD" and s.screen == Screen.PRINTING
    s = new_session()
    through(s, ev.CardInserted(), ev.CardRead(c), ev.ConsentGiven(), ev.ExistingFound(booking))
    assert s.handle(ev.ChangeSlot()) == [ev.LoadSites()]
    later = Slot("bkk-02-2021-06-08-1300", "bkk-02", "2021-06-08", "13:00", "14:00", 50, 3)
    through(
        s,
        ev.SitesLoaded((SITE, OTHER)),
        ev.SiteChosen(OTHER),
        ev.Next(),
        ev.SlotsLoaded("bkk-02", (later,)),
        ev.SlotChosen(later),
        ev.Next(),
    )
    assert s.screen == Screen.REVIEW
    (effect,) = s.handle(ev.Next())
    assert isinstance(effect, ev.ChangeBooking) and effect.slot == later
    s.handle(ev.ChangeDone({**booking, "slot_id": later.id, "version": 2}))
    assert s.screen == Screen.EXISTING and s.existing["version"] == 2
    assert s.last_change == "changed"
    s.handle(ev.CancelExisting())
    assert s.screen == Screen.CANCEL_CONFIRM
    s.handle(ev.Back())
    assert s.screen == Screen.EXISTING
    s.handle(ev.CancelExisting())
    (effect,) = s.handle(ev.Next())
    assert effect.slot is None
    s.handle(ev.ChangeDone(None))
    assert s.existing["status"] == "cancelled" and s.last_change == "cancelled"


def test_a_queued_booking_on_this_terminal_cannot_be_changed_here():
    s = new_session()
    through(
        s,
        ev.CardInserted(),
        ev.CardRead(person()),
        ev.ConsentGiven(),
        ev.ExistingFound({"booking_id": "b0", "status": "queued"}, source="journal"),
    )
    assert s.handle(ev.ChangeSlot()) == [] and s.handle(ev.CancelExisting()) == []


def test_a_rejection_notice_is_shown_then_the_customer_can_book_again():
    s = new_session()
    through(
        s,
        ev.CardInserted(),
        ev.CardRead(person()),
        ev.ConsentGiven(),
        ev.NoticeFound({"booking_id": "b0", "state": "rejected", "code": "slot-full"}),
    )
    assert s.screen == Screen.EXISTING and s.notice["code"] == "slot-full"
    effects = s.handle(ev.Next())
    assert ev.Acknowledge("b0") in effects
    assert s.screen == Screen.QUESTION


def test_closed_hours_and_out_of_service():
    s = new_session()
    s.handle(ev.ServiceChanged(open_now=False))
    assert s.screen == Screen.CLOSED
    assert s.handle(ev.CardInserted()) == []
    s.handle(ev.ServiceChanged(printer_ok=False))
    assert s.screen == Screen.OUT_OF_SERVICE
    s.handle(ev.ServiceChanged())
    assert s.screen == Screen.WELCOME


def test_service_changes_never_pull_a_customer_off_their_screen():
    s = new_session()
    to_review(s)
    s.handle(ev.ServiceChanged(open_now=False))
    assert s.screen == Screen.REVIEW


def test_back_walks_the_questions_in_reverse():
    s = new_session()
    to_decision(s, person(address={"province": "จังหวัดนนทบุรี"}), ev.Answered("conditions", []))
    assert s.decision.ask == "works_in_bangkok"
    s.handle(ev.Back())
    assert s.decision.ask == "conditions"
    s.handle(ev.Back())
    assert s.screen == Screen.CONSENT


def test_language_resets_for_the_next_customer():
    s = new_session()
    s.handle(ev.LanguageToggled())
    assert s.language == "en"
    s.handle(ev.StartOver())
    assert s.language == "th"


EVENTS = st.sampled_from(
    [
        ev.CardInserted(),
        ev.CardRead(person()),
        ev.CardRemoved(),
        ev.ConsentGiven(),
        ev.NothingFound(),
        ev.Answered("conditions", []),
        ev.Answered("works_in_bangkok", True),
        ev.Next(),
        ev.Back(),
        ev.StartOver(),
        ev.PhoneEntered(PHONE),
        ev.OccupationChosen(Occupation("trader")),
        ev.SitesLoaded((SITE,)),
        ev.SiteChosen(SITE),
        ev.SlotsLoaded("bkk-01", (SLOT, FULL)),
        ev.SlotChosen(SLOT),
        ev.SlotChosen(FULL),
        ev.Booked(BookingOutcome("confirmed", "b1", "R")),
        ev.Printed(),
        ev.IdleTimeout(),
        ev.Edit("site"),
        ev.Edit("contact"),
        ev.Finish(),
        ev.Reprint(),
        ev.ServiceChanged(),
        ev.ServiceChanged(online=False),
        ev.RegistryKnown("yes"),
        ev.LanguageToggled(),
        ev.ConditionToggled("diabetes"),
        ev.NoneOfThese(),
        ev.DayChosen("2021-06-07"),
        ev.Edit("slot"),
        ev.ShowExisting(),
        ev.Booked(BookingOutcome("rejected", "b2", code="slot-full")),
    ]
)


@settings(max_examples=300)
@given(st.lists(EVENTS, max_size=60))
def test_any_sequence_of_events_is_handled_and_wiping_leaves_nothing(events):
    s = new_session()
    c = person()
    for e in events:
        s.handle(e)
        assert isinstance(s.screen, Screen)
        if s.screen == Screen.SITE and s.site is None:
            assert not s.can_go_next()
    if s.screen not in (Screen.BOOKING, Screen.CHANGING):
        s.handle(ev.StartOver())
        assert personal_data_left(s, c) == []


def test_next_before_the_slip_is_out_does_not_print_twice():
    s = new_session()
    to_review(s)
    s.handle(ev.Next())
    (first,) = s.handle(ev.Booked(BookingOutcome("confirmed", "b1", "TRJ-7K3M-Q9XD")))
    assert isinstance(first, ev.PrintSlip)
    assert s.handle(ev.Next()) == []  # still printing
    assert s.handle(ev.Reprint()) == []
    s.handle(ev.PrintFailed(JournalError("jam", code="paper-jam")))
    (again,) = s.handle(ev.Reprint())  # after a failure, a reprint is allowed
    assert isinstance(again, ev.PrintSlip)


def test_a_cancelled_booking_is_never_reprinted_as_confirmed():
    s = new_session()
    booking = dict(BOOKING)
    through(
        s, ev.CardInserted(), ev.CardRead(person()), ev.ConsentGiven(), ev.ExistingFound(booking)
    )
    s.handle(ev.CancelExisting())
    s.handle(ev.Next())
    s.handle(ev.ChangeDone(None))
    assert s.existing["status"] == "cancelled"
    assert s.handle(ev.Reprint()) == []


def test_a_card_inserted_during_goodbye_is_read_next_but_a_card_left_in_is_not():
    s = new_session()
    to_review(s)
    s.handle(ev.Next())
    s.handle(ev.Booked(BookingOutcome("confirmed", "b1", "TRJ-7K3M-Q9XD")))
    s.handle(ev.Printed())
    s.handle(ev.CardRemoved())
    assert s.screen == Screen.GOODBYE
    s.handle(ev.CardInserted())  # the next customer, early
    assert ev.ReadCard() in s.handle(ev.Finish())
    assert s.screen == Screen.READING
    left = new_session()
    to_decision(left, person(), ev.Answered("conditions", []))
    assert ev.ReadCard() not in left.handle(ev.IdleTimeout())  # the card stayed in: not re-read
    assert left.screen == Screen.WELCOME and left.card is None
