"""Why a confirmed booking's hash is kept a day (sync/journal_privacy.py CONFIRMED_RETENTION):
with the central unplugged, the same customer's card still finds the booking at this terminal,
so they are shown it instead of booking again; after the retention the journal has forgotten
them and only the central's look-up can find it.

A real central on loopback books the first time, then is stopped (connection refused); the
look-up runs on the controller's real journal lane against the terminal's real journal file.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from kiosk.booking.model import Occupation
from kiosk.card.model import Card
from kiosk.eligibility import Answers
from kiosk.session import Screen
from kiosk.session import events as ev
from sync import journal_privacy
from sync.journal import SqliteJournal
from tests.cards import card


def look_up(d, c: Card) -> None:
    s = d.s
    for event in (ev.CardInserted(), ev.CardRead(c)):
        s.handle(event)
    d.kiosk.controller.send(ev.ConsentGiven())  # LookUp on the journal lane
    d.wait(lambda: s.screen != Screen.LOOKUP, timeout=20000)


def test_offline_a_confirmed_booking_is_found_by_card_until_the_retention_ends(make_kiosk):
    d = make_kiosk(start=False)
    t = d.kiosk.controller.terminal
    c = Card.from_json(card())
    answers = Answers(frozenset(), None)
    site = t.cache.sites()[0]
    today = t.now().date().isoformat()
    slot = next(s for s in t.cache.slots(site.id) if s.date > today and not s.full)
    outcome = t.booking_service().book(
        c, answers, t.decide(c, answers), site, slot, "0812345678", Occupation("company-employee")
    )
    assert outcome.status == "confirmed" and outcome.confirmed_by == "central"
    d.central.stop()

    look_up(d, c)  # within the retention: shown their booking, not a new journey
    assert d.s.screen == Screen.EXISTING and d.s.existing_source == "journal"
    assert d.s.existing["reference"] == outcome.reference
    d.kiosk.controller.send(ev.CardRemoved())
    d.wait(lambda: d.s.screen == Screen.WELCOME)

    # the journal stamps its rows with the machine's clock (the central's here is 1 June 2021)
    later = datetime.now(UTC) + journal_privacy.CONFIRMED_RETENTION + timedelta(minutes=1)
    SqliteJournal(t.config.journal_path, clock=lambda: later).close()  # opening purges
    look_up(d, c)  # the journal no longer knows this card; the central cannot be asked
    assert d.s.screen != Screen.EXISTING and d.s.existing is None
