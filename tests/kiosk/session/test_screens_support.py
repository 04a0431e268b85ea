"""What the touchscreen needs from the session beyond the journey itself: drafts, filters, edges.

Each rule here used to be a temptation to decide in a widget (which day to show, whether an
untouched list means "no conditions", whether a full site can be tapped); the session decides.
"""

from __future__ import annotations

from datetime import date, datetime

from kiosk.booking.model import BookingOutcome, Occupation, Slot
from kiosk.dates import BANGKOK
from kiosk.hours import ALWAYS, ChannelHours
from kiosk.session import Screen, Session
from kiosk.session import events as ev
from tests.kiosk.session.journeys import (
    BOOKING,
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


def at_question(s: Session) -> None:
    through(s, ev.CardInserted(), ev.CardRead(person()), ev.ConsentGiven(), ev.NothingFound())
    assert (s.screen, s.decision.ask) == (Screen.QUESTION, "conditions")


def test_an_untouched_condition_list_is_not_an_answer():
    s = new_session()
    at_question(s)
    assert not s.can_go_next()
    assert s.handle(ev.Next()) == [] and s.screen == Screen.QUESTION


def test_none_of_these_is_an_explicit_choice_and_clears_conditions():
    s = new_session()
    at_question(s)
    s.handle(ev.ConditionToggled("diabetes"))
    assert s.draft_conditions == {"diabetes"} and s.can_go_next()
    s.handle(ev.NoneOfThese())
    assert s.draft_conditions == frozenset()
    s.handle(ev.ConditionToggled("cancer"))
    assert s.draft_conditions == {"cancer"}  # a condition replaces "none of these"
    s.handle(ev.ConditionToggled("cancer"))
    assert s.draft_conditions is None and not s.can_go_next()  # nothing chosen again
    s.handle(ev.ConditionToggled("not-a-condition"))
    assert s.draft_conditions is None


def test_next_answers_the_drafted_conditions():
    s = new_session()
    at_question(s)
    s.handle(ev.NoneOfThese())
    s.handle(ev.Next())
    assert (s.screen, s.decision.code) == (Screen.DECISION, "bangkok-resident")
    s = new_session()
    at_question(s)
    s.handle(ev.ConditionToggled("diabetes"))
    s.handle(ev.Next())
    assert s.decision.code == "chronic-condition"


def test_going_back_to_the_conditions_asks_afresh():
    s = new_session()
    at_question(s)
    s.handle(ev.NoneOfThese())
    s.handle(ev.Next())
    s.handle(ev.Back())
    assert s.screen == Screen.QUESTION and s.draft_conditions is None


def test_the_yes_no_question_has_no_next_button():
    s = new_session()
    to_decision(s, person(address={"province": "จังหวัดนนทบุรี"}), ev.Answered("conditions", []))
    assert s.decision.ask == "works_in_bangkok" and not s.can_go_next()
    s.handle(ev.NoneOfThese())  # belongs to the other question
    assert s.draft_conditions is None


def to_site(s: Session, remaining: dict[str, int] | None = None) -> None:
    to_decision(s, person(), ev.Answered("conditions", []))
    through(
        s,
        ev.Next(),
        ev.PhoneEntered(PHONE),
        ev.OccupationChosen(Occupation("trader")),
        ev.Next(),
        ev.SitesLoaded((SITE, OTHER), remaining=remaining or {}),
    )


def test_a_full_site_cannot_be_chosen():
    s = new_session()
    to_site(s, {"bkk-01": 0, "bkk-02": 12})
    assert s.site_full(SITE) and not s.site_full(OTHER)
    s.handle(ev.SiteChosen(SITE))
    assert s.site is None and not s.can_go_next()
    s.handle(ev.SiteChosen(OTHER))
    assert s.site == OTHER


def slot(day: str, start: str, remaining: int = 5) -> Slot:
    end = f"{int(start[:2]) + 1:02d}:00"
    return Slot(f"bkk-01-{day}-{start}", "bkk-01", day, start, end, 50, remaining)


def test_slots_that_have_ended_or_are_full_cannot_be_chosen():
    # the session's clock says 28 May 2021 10:15
    s = new_session()
    to_site(s)
    through(s, ev.SiteChosen(SITE), ev.Next())
    ended, running, full, later = (
        slot("2021-05-28", "09:00"),
        slot("2021-05-28", "10:00"),
        slot("2021-05-28", "11:00", remaining=0),
        slot("2021-05-29", "09:00"),
    )
    s.handle(ev.SlotsLoaded("bkk-01", (later, full, ended, running)))
    assert not s.slot_open(ended) and s.slot_open(running) and not s.slot_open(full)
    assert s.slot_days() == ["2021-05-28", "2021-05-29"]
    assert s.slot_day == "2021-05-28"  # the first day with an open slot is shown first ...
    assert s.slot is None and not s.can_go_next()  # ... but nothing is chosen for the customer
    for unavailable in (ended, full):
        s.handle(ev.SlotChosen(unavailable))
        assert s.slot is None
    assert [x.start for x in s.slots_on("2021-05-28")] == ["09:00", "10:00", "11:00"]
    s.handle(ev.DayChosen("2021-05-29"))
    assert s.slot_day == "2021-05-29"
    s.handle(ev.DayChosen("2021-06-30"))  # not offered
    assert s.slot_day == "2021-05-29"
    s.handle(ev.SlotChosen(later))
    assert s.slot == later and s.can_go_next()


def test_the_first_day_shown_skips_days_without_an_open_slot():
    s = new_session()
    to_site(s)
    through(s, ev.SiteChosen(SITE), ev.Next())
    s.handle(
        ev.SlotsLoaded(
            "bkk-01", (slot("2021-05-28", "09:00"), slot("2021-05-29", "13:00", remaining=3))
        )
    )
    assert s.slot_day == "2021-05-29" and not s.day_open("2021-05-28")


def booked_session(outcome: BookingOutcome) -> tuple[Session, list[ev.Effect]]:
    s = new_session()
    to_review(s)
    s.handle(ev.Next())
    assert s.screen == Screen.BOOKING
    assert s.handle(ev.CardRemoved()) == []  # pulled out while the booking is in flight
    assert s.screen == Screen.BOOKING
    return s, s.handle(ev.Booked(outcome))


def test_card_pulled_during_booking_still_gets_the_slip():
    s, effects = booked_session(BookingOutcome("confirmed", "b1", "TRJ-1"))
    assert isinstance(effects[0], ev.PrintSlip)
    c = s.card
    s.handle(ev.Printed())
    assert s.screen == Screen.GOODBYE and personal_data_left(s, c) == []


def test_card_pulled_during_a_refused_booking_wipes():
    s, effects = booked_session(BookingOutcome("rejected", "b1", code="slot-full"))
    assert ev.Acknowledge("b1") in effects and ev.Wiped() in effects
    assert s.screen == Screen.WELCOME and s.card is None


def test_start_over_and_idle_wait_for_a_booking_in_flight():
    s = new_session()
    to_review(s)
    s.handle(ev.Next())
    assert s.handle(ev.StartOver()) == [] and s.handle(ev.IdleTimeout()) == []
    assert s.screen == Screen.BOOKING


def test_a_notice_and_a_booking_from_the_same_lookup_share_the_screen():
    s = new_session()
    through(
        s,
        ev.CardInserted(),
        ev.CardRead(person()),
        ev.ConsentGiven(),
        ev.NoticeFound({"booking_id": "q1", "state": "conflict", "code": "already-booked"}),
        ev.ExistingFound(BOOKING),
    )
    assert s.screen == Screen.EXISTING and s.notice and s.existing["reference"] == "TRJ-7K3M-Q9XD"
    effects = s.handle(ev.Next())
    assert ev.Acknowledge("q1") in effects and s.screen == Screen.GOODBYE


def test_after_cancelling_the_customer_can_book_again():
    s = new_session()
    through(
        s, ev.CardInserted(), ev.CardRead(person()), ev.ConsentGiven(), ev.ExistingFound(BOOKING)
    )
    through(s, ev.CancelExisting(), ev.Next(), ev.ChangeDone(None))
    assert s.existing["status"] == "cancelled"
    s.handle(ev.Next())
    assert (s.screen, s.decision.ask) == (Screen.QUESTION, "conditions")
    assert s.existing is None


def test_already_booked_refusal_shows_the_booking_the_central_holds():
    s = new_session()
    to_review(s)
    s.handle(ev.Next())
    refusal = BookingOutcome("rejected", "b1", code="already-booked", extra={"booking": BOOKING})
    s.handle(ev.Booked(refusal))
    s.handle(ev.ShowExisting())
    assert s.screen == Screen.EXISTING and s.existing_source == "central"
    assert s.handle(ev.ChangeSlot()) == [ev.LoadSites()]


def test_service_changes_carry_hours_and_availability_age():
    s = new_session()
    s.handle(ev.ServiceChanged(opens="09:00", closes="18:00", online=False, availability_age=720))
    assert s.status.opens == "09:00" and s.availability_age == 720 and not s.status.online


def test_a_journal_failure_keeps_the_hours():
    s = new_session()
    s.handle(ev.ServiceChanged(opens="09:00", closes="18:00"))
    to_review(s)
    s.handle(ev.Next())
    from kiosk.booking.errors import JournalError

    s.handle(ev.BookingFailed(JournalError("disk full", code="journal-full")))
    assert not s.status.journal_ok and s.status.opens == "09:00"


CONFIG = {"channels": {"kiosk": {"opens": "09:00", "closes": "18:00", "from": "2021-05-28"}}}


def test_channel_hours_from_the_central_config():
    hours = ChannelHours.from_config(CONFIG)
    at = lambda d, h, m=0: datetime(2021, 5, d, h, m, tzinfo=BANGKOK)  # noqa: E731
    assert hours.is_open(at(28, 9)) and hours.is_open(at(28, 17, 59))
    assert not hours.is_open(at(28, 18)) and not hours.is_open(at(28, 8, 59))
    assert not hours.is_open(at(27, 12))  # before the store channel opened
    assert hours.valid_from == date(2021, 5, 28)


def test_no_or_bad_hours_mean_always_open():
    for config in (None, {}, {"channels": {"kiosk": {"opens": "9am", "closes": "18:00"}}}):
        assert ChannelHours.from_config(config) == ALWAYS
    assert ALWAYS.is_open(datetime(2021, 5, 28, 23, 59, tzinfo=BANGKOK))


def test_phone_state_says_bad_as_soon_as_no_mobile_number_starts_that_way():
    s = new_session()
    to_decision(s, person(), ev.Answered("conditions", []))
    s.handle(ev.Next())
    expected = {
        "": "empty",
        "0": "partial",
        "08": "partial",
        "081234567": "partial",
        "0812345678": "ok",
        "07": "bad",
        "1": "bad",
        "02123456": "bad",
        "08123456789": "bad",
    }
    for phone, state in expected.items():
        s.handle(ev.PhoneEntered(phone))
        assert s.phone_state() == state, phone


def test_the_site_and_slot_screens_know_what_they_are_waiting_for():
    s = new_session()
    to_decision(s, person(), ev.Answered("conditions", []))
    through(s, ev.Next(), ev.PhoneEntered(PHONE), ev.OccupationChosen(Occupation("trader")))
    assert not s.sites_pending
    s.handle(ev.Next())
    assert s.sites_pending
    s.handle(ev.SitesLoaded((SITE, OTHER)))
    assert not s.sites_pending
    through(s, ev.SiteChosen(SITE), ev.Next())
    assert s.slots_pending
    s.handle(ev.SlotsLoaded("bkk-02", ()))  # another site's answer
    assert s.slots_pending
    s.handle(ev.SlotsLoaded("bkk-01", (SLOT,)))
    assert not s.slots_pending


def test_a_failed_information_slip_or_reprint_can_be_printed_again():
    from kiosk.errors import KioskError

    s = new_session()
    to_decision(s, person(birth_date_be="25000101"))
    (first,) = s.handle(ev.Next())
    assert s.screen == Screen.PRINTING
    s.handle(ev.PrintFailed(KioskError("กระดาษหมด", "paper out")))
    (again,) = s.handle(ev.Reprint())
    assert again == first and s.print_error is None
    s = new_session()
    through(
        s, ev.CardInserted(), ev.CardRead(person()), ev.ConsentGiven(), ev.ExistingFound(BOOKING)
    )
    (first,) = s.handle(ev.Reprint())
    s.handle(ev.PrintFailed(KioskError("กระดาษหมด", "paper out")))
    assert s.handle(ev.Reprint()) == [first]
    s.handle(ev.StartOver())
    assert s.last_slip is None


def test_goodbye_speaks_the_customers_language_and_the_next_one_starts_in_thai():
    s = new_session()
    to_review(s)
    c = s.card
    s.handle(ev.LanguageToggled())
    s.handle(ev.Next())
    s.handle(ev.Booked(BookingOutcome("confirmed", "b1", "TRJ-1")))
    s.handle(ev.Printed())
    s.handle(ev.CardRemoved())
    assert (s.screen, s.language) == (Screen.GOODBYE, "en")
    assert personal_data_left(s, c) == []
    s.handle(ev.Finish())
    assert (s.screen, s.language) == (Screen.WELCOME, "th")
