"""The screens of a customer session: the state the machine is in, shared by every flow.

Its own module so that the flow mixins (card_flow, booking_flow, existing_flow, contact_change,
staff) and the views can name a screen without importing the machine that assembles them.
"""

from __future__ import annotations

from enum import StrEnum


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
