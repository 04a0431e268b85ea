"""Staff call and pause in the session, without Qt (DESIGN §14)."""

from __future__ import annotations

from kiosk.booking.model import BookingOutcome
from kiosk.session import Screen
from kiosk.session import events as ev
from tests.kiosk.session.journeys import new_session, person, through, to_review


def closed(effects: list[ev.Effect]) -> list[str]:
    return [e.how for e in effects if isinstance(e, ev.StaffCallClosed)]


def test_a_call_opens_once_and_carries_the_screen_not_the_person():
    s = new_session()
    c = person()
    through(s, ev.CardInserted(), ev.CardRead(c))
    (effect,) = s.handle(ev.StaffCalled())
    assert isinstance(effect, ev.StaffCallOpened)
    assert effect.call.screen == "consent" and effect.call.opened.year == 2021
    assert s.handle(ev.StaffCalled()) == []  # a second tap changes nothing
    assert c.cid not in repr(s.staff_call) and c.name_th.first not in repr(s.staff_call)


def test_a_clerk_answers_and_the_call_is_over():
    s = new_session()
    s.handle(ev.StaffCalled())
    assert closed(s.handle(ev.StaffAnswered())) == ["answered"]
    assert s.staff_call is None
    assert s.handle(ev.StaffAnswered()) == []  # nothing left to answer


def test_the_customer_can_take_the_call_back():
    s = new_session()
    s.handle(ev.StaffCalled())
    assert closed(s.handle(ev.StaffCallCancelled())) == ["cancelled"]


def test_the_end_of_the_session_ends_the_call_for_every_way_out():
    for leave in (ev.StartOver(), ev.IdleTimeout(), ev.CardRemoved()):
        s = new_session()
        to_review(s)
        s.handle(ev.StaffCalled())
        effects = s.handle(leave)
        assert closed(effects) == ["session-ended"], leave
        assert any(isinstance(e, ev.Wiped) for e in effects)
        assert s.staff_call is None


def test_a_call_survives_moving_between_screens():
    s = new_session()
    to_review(s)
    s.handle(ev.StaffCalled())
    s.handle(ev.Back())
    s.handle(ev.LanguageToggled())
    assert s.staff_call is not None and s.staff_call.screen == "review"


def test_pause_on_a_resting_screen_closes_at_once_and_resume_reopens():
    s = new_session()
    assert s.handle(ev.PauseChanged(True)) == [ev.PauseRecorded(True)]
    assert s.screen == Screen.PAUSED
    assert s.handle(ev.CardInserted()) == []  # nobody is served while paused
    assert s.screen == Screen.PAUSED
    s.handle(ev.ServiceChanged())  # a service check does not undo the clerk's pause
    assert s.screen == Screen.PAUSED
    assert s.handle(ev.PauseChanged(False)) == [ev.PauseRecorded(False)]
    assert s.screen == Screen.WELCOME


def test_pause_lets_the_customer_mid_session_finish_first():
    s = new_session()
    to_review(s)
    s.handle(ev.PauseChanged(True))
    assert s.screen == Screen.REVIEW  # not thrown out
    through(s, ev.Next(), ev.Booked(BookingOutcome("confirmed", "b1", "TRJ-7K3M-Q9XD")))
    through(s, ev.Printed(), ev.CardRemoved())
    assert s.screen == Screen.GOODBYE
    s.handle(ev.Finish())
    assert s.screen == Screen.PAUSED  # the next customer sees "temporarily closed"


def test_a_restored_pause_is_not_written_again():
    s = new_session()
    assert s.handle(ev.PauseChanged(True, restored=True)) == []
    assert s.screen == Screen.PAUSED and s.paused


def test_pause_wins_over_closed_hours():
    s = new_session()
    s.handle(ev.ServiceChanged(open_now=False))
    assert s.screen == Screen.CLOSED
    s.handle(ev.PauseChanged(True))
    assert s.screen == Screen.PAUSED
