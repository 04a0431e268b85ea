"""Changing the phone or occupation of an existing booking, in the session alone (no Qt, no
network): the flow's screens, what Next allows, what is sent, and what is forgotten."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kiosk.booking.contact_change import ChangedElsewhere, ChangeNeedsConnection
from kiosk.booking.errors import CentralRejected
from kiosk.booking.model import Occupation
from kiosk.session import Screen
from kiosk.session import contact_change as cc
from kiosk.session import events as ev
from tests.kiosk.session.journeys import BOOKING, new_session, person, personal_data_left, through

NEW = "0898765432"
HELD = {**BOOKING, "phone": "081-XXX-5678", "occupation": {"code": "trader", "other": None}}


def at_existing(online: bool = True):
    s = new_session()
    c = person()
    through(s, ev.CardInserted(), ev.CardRead(c), ev.ConsentGiven(), ev.ExistingFound(HELD))
    if not online:
        s.handle(ev.ServiceChanged(online=False))
    assert s.screen == Screen.EXISTING
    return s, c


def test_the_contact_screen_opens_with_the_occupation_chosen_and_no_number_typed():
    s, _ = at_existing()
    s.handle(cc.ChangeContact())
    assert s.screen == Screen.CONTACT and s.contact_change
    assert s.occupation == Occupation("trader") and s.phone == ""
    assert not s.can_go_next()  # nothing changed yet


def test_a_new_phone_is_typed_twice_then_reviewed_then_sent_with_the_seen_booking():
    s, c = at_existing()
    through(s, cc.ChangeContact(), ev.PhoneEntered(NEW))
    assert s.can_go_next()
    s.handle(ev.Next())
    assert s.screen == Screen.PHONE_AGAIN and not s.can_go_next()
    s.handle(cc.PhoneAgainEntered(NEW[:5]))
    assert s.phone_again_state() == "partial" and not s.can_go_next()
    s.handle(cc.PhoneAgainEntered(NEW))
    assert s.phone_again_state() == "match"
    s.handle(ev.Next())
    assert s.screen == Screen.CHANGE_REVIEW
    effects = s.handle(ev.Next())
    assert s.screen == Screen.CHANGING
    (sent,) = effects
    assert isinstance(sent, cc.SendContactChange)
    assert sent.phone == NEW and sent.occupation is None  # the occupation did not change
    assert sent.booking["version"] == 1 and sent.card.cid == c.cid


def test_a_second_entry_that_differs_is_refused_at_the_first_wrong_digit():
    s, _ = at_existing()
    through(s, cc.ChangeContact(), ev.PhoneEntered(NEW), ev.Next())
    s.handle(cc.PhoneAgainEntered("0899"))
    assert s.phone_again_state() == "mismatch"
    s.handle(cc.PhoneAgainEntered("0898765431"))
    assert s.phone_again_state() == "mismatch" and not s.can_go_next()
    assert s.handle(ev.Next()) == [] and s.screen == Screen.PHONE_AGAIN


def test_an_invalid_number_cannot_go_on():
    s, _ = at_existing()
    through(s, cc.ChangeContact(), ev.PhoneEntered("0712345678"))
    assert not s.can_go_next()
    assert s.handle(ev.Next()) == [] and s.screen == Screen.CONTACT


def test_only_the_occupation_other_with_its_text():
    s, _ = at_existing()
    through(s, cc.ChangeContact(), ev.OccupationChosen(Occupation("other")))
    assert not s.can_go_next()  # "other" needs its words
    s.handle(ev.OccupationChosen(Occupation("other", "ช่างตัดผม")))
    assert s.can_go_next()
    s.handle(ev.Next())
    assert s.screen == Screen.CHANGE_REVIEW  # no number typed: no second entry
    (sent,) = s.handle(ev.Next())
    assert sent.phone is None and sent.occupation == Occupation("other", "ช่างตัดผม")


def test_back_from_the_contact_screen_forgets_what_was_typed():
    s, _c = at_existing()
    through(s, cc.ChangeContact(), ev.PhoneEntered(NEW), ev.Next(), cc.PhoneAgainEntered(NEW))
    through(s, ev.Back())
    assert s.screen == Screen.CONTACT and s.phone_again == ""
    through(s, ev.Back())
    assert s.screen == Screen.EXISTING and s.phone == "" and not s.contact_change


def test_done_shows_the_booking_as_the_central_holds_it_and_prints_its_slip():
    s, _c = at_existing()
    through(s, cc.ChangeContact(), ev.PhoneEntered(NEW), ev.Next(), cc.PhoneAgainEntered(NEW))
    through(s, ev.Next(), ev.Next())
    changed = {**HELD, "version": 2, "phone": "089-XXX-5432"}
    (slip,) = s.handle(cc.ContactChanged(changed))
    assert isinstance(slip, ev.PrintSlip)
    assert slip.slip["reference"] == HELD["reference"] and slip.slip["status"] == "confirmed"
    assert NEW not in repr(slip.slip)  # a slip never carries the phone
    assert s.screen == Screen.EXISTING and s.last_change == "contact"
    assert s.existing["version"] == 2 and s.phone == "" and s.phone_again == ""
    assert NEW not in repr(vars(s))


def test_changed_elsewhere_shows_the_current_booking_and_drops_the_typing():
    s, _ = at_existing()
    through(s, cc.ChangeContact(), ev.PhoneEntered(NEW), ev.Next(), cc.PhoneAgainEntered(NEW))
    through(s, ev.Next(), ev.Next())
    now = {**HELD, "version": 3, "start": "15:00"}
    s.handle(cc.ContactChangeFailed(ChangedElsewhere(now), "conflict", now))
    assert s.screen == Screen.EXISTING and s.change_notice == "conflict"
    assert s.existing["version"] == 3 and s.last_change is None
    assert NEW not in repr(vars(s))
    s.handle(cc.ChangeContact())  # and can try again from what stands now
    assert s.screen == Screen.CONTACT


def test_offline_says_so_before_anything_is_typed():
    s, _ = at_existing(online=False)
    assert s.handle(cc.ChangeContact()) == []
    assert s.screen == Screen.EXISTING and s.change_notice == "offline"


def test_the_central_gone_during_the_change_says_so_and_keeps_nothing():
    s, _ = at_existing()
    through(s, cc.ChangeContact(), ev.PhoneEntered(NEW), ev.Next(), cc.PhoneAgainEntered(NEW))
    through(s, ev.Next(), ev.Next())
    s.handle(cc.ContactChangeFailed(ChangeNeedsConnection(), "offline"))
    assert s.screen == Screen.EXISTING and s.change_notice == "offline"
    assert s.existing["version"] == 1 and NEW not in repr(vars(s))


def test_another_refusal_is_shown_as_the_error():
    s, _ = at_existing()
    through(s, cc.ChangeContact(), ev.OccupationChosen(Occupation("student")), ev.Next())
    s.handle(ev.Next())
    refused = CentralRejected(422, {"code": "unknown-occupation", "th": "x", "en": "y"})
    s.handle(cc.ContactChangeFailed(refused, "refused"))
    assert s.screen == Screen.EXISTING and s.error is refused and s.change_notice is None


@pytest.mark.parametrize("end", [ev.StartOver(), ev.CardRemoved(), ev.IdleTimeout()])
def test_leaving_mid_change_wipes_everything(end):
    s, c = at_existing()
    through(s, cc.ChangeContact(), ev.PhoneEntered(NEW), ev.Next(), cc.PhoneAgainEntered(NEW))
    s.handle(end)
    assert s.screen == Screen.WELCOME and not s.contact_change
    assert personal_data_left(s, c) == [] and NEW not in repr(vars(s))


def test_the_answer_after_the_card_was_pulled_prints_nothing_and_wipes():
    s, c = at_existing()
    through(s, cc.ChangeContact(), ev.PhoneEntered(NEW), ev.Next(), cc.PhoneAgainEntered(NEW))
    through(s, ev.Next(), ev.Next(), ev.CardRemoved())
    assert s.screen == Screen.CHANGING  # the request is in flight: its answer decides
    effects = s.handle(cc.ContactChanged({**HELD, "version": 2}))
    assert not any(isinstance(e, ev.PrintSlip) for e in effects)
    assert s.screen == Screen.WELCOME and personal_data_left(s, c) == []


@given(
    first=st.from_regex(r"0[689][0-9]{8}", fullmatch=True), typed=st.text("0123456789", max_size=10)
)
def test_the_second_entry_matches_only_when_it_is_the_same_number(first, typed):
    s, _ = at_existing()
    through(s, cc.ChangeContact(), ev.PhoneEntered(first), ev.Next(), cc.PhoneAgainEntered(typed))
    state = s.phone_again_state()
    assert (state == "match") == (typed == first)
    assert s.can_go_next() == (typed == first)
    if typed and not first.startswith(typed):
        assert state == "mismatch"
