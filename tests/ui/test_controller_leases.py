"""The controller with a real journal holding a seat lease (issue 11), the central unplugged.

A real central on loopback is used to provision the terminal and fill its cache, then stopped
(connection refused: the central provably not reached). The lease is signed in the test
(kiosk.leases, as the central signs it) and stored in the terminal's real SQLite journal. The
session is driven by events up to the slot screen (no card reader needed), and from there the
controller does the real work on its worker threads: the slot screen's "confirmed now" comes from
the journal's lease seats, the booking spends one, the slip goes to a preview printer and its QR
code is decoded from the PNG, and the next card read finds the booking in the journal.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image

from kiosk.booking.model import Occupation
from kiosk.card.model import Card
from kiosk.leases import parse_slip_code
from kiosk.session import Screen
from kiosk.session import events as ev
from sync.journal import SqliteJournal
from sync.provision import ensure_terminal_key
from sync.terminal import load_terminal_key
from tests.cards import card
from tests.sync.leasekit import LeaseKit

PHONE = "0812345678"


def qr_texts(folder: Path) -> list[str]:
    out = []
    for png in sorted(folder.glob("*.png")):
        out += [b.text for b in zxingcpp.read_barcodes(Image.open(png).convert("L"))]
    return out


@pytest.fixture
def offline_kiosk(make_kiosk):
    """A kiosk whose journal holds one seat lease for a cached slot, its central stopped."""
    d = make_kiosk(start=False)
    t = d.kiosk.controller.terminal
    ensure_terminal_key(t.config.token_file.parent)
    t.terminal_key = load_terminal_key(t.config)
    site = t.cache.sites()[0]
    today = t.now().date().isoformat()
    slots = [s for s in t.cache.slots(site.id) if s.date > today]
    leased, other = slots[0], slots[1]
    now = t.now().replace(microsecond=0)
    lease = LeaseKit().lease(
        slot_id=leased.id,
        site_id=site.id,
        date=leased.date,
        start=leased.start,
        end=leased.end,
        seats=1,
        terminal_id=t.config.terminal_id,
        granted_at=now - timedelta(hours=1),
        use_until=now + timedelta(hours=20),
    )
    journal = SqliteJournal(t.config.journal_path)
    try:
        journal.put_leases([lease], [])
    finally:
        journal.close()
    d.central.stop()
    d.lease, d.site, d.leased, d.other = lease, site, leased, other
    return d


def to_slot_screen(d, c: Card) -> None:
    """The journey up to the slot screen, through the session (no reader needed), then the
    controller loads the slots for real."""
    s = d.s
    for event in (
        ev.CardInserted(),
        ev.CardRead(c),
        ev.ConsentGiven(),
        ev.NothingFound(),
        ev.Answered("conditions", []),
        ev.Next(),
        ev.PhoneEntered(PHONE),
        ev.OccupationChosen(Occupation("company-employee")),
        ev.Next(),
        ev.SitesLoaded((d.site,)),
        ev.SiteChosen(d.site),
    ):
        s.handle(event)
    assert s.screen == Screen.SITE
    d.kiosk.controller.send(ev.Next())  # -> LoadSlots, carried out by the controller
    d.wait(lambda: s.screen == Screen.SLOT and not s.slots_pending and bool(s.slots))


def test_offline_the_leased_slot_is_confirmed_now_and_its_slip_carries_the_code(offline_kiosk):
    d = offline_kiosk
    c = Card.from_json(card())
    to_slot_screen(d, c)
    s = d.s
    assert s.slots_offline
    assert s.confirmable == frozenset({d.leased.id})
    assert s.booking_kind(d.other) == "queue"
    # the slot screen shows it (the real window, rendered from this session)
    view = d.view()
    s.handle(ev.DayChosen(d.leased.date))
    d.window.render()
    texts = [b.text() for b in view.slot_buttons if b.isVisible()]
    assert sum("ยืนยันได้ทันที" in t for t in texts) == 1
    # book it
    controller = d.kiosk.controller
    controller.send(ev.SlotChosen(d.leased))
    controller.send(ev.Next())
    assert s.booking_kind(s.slot) == "confirm-now"
    controller.send(ev.Next())  # MakeBooking on the journal lane
    d.wait(lambda: s.screen == Screen.RESULT, timeout=20000)
    outcome = s.outcome
    assert outcome.status == "confirmed" and outcome.confirmed_by == "terminal"
    assert outcome.reference == d.lease.references[0]
    assert outcome.lease_id == d.lease.lease_id
    d.wait(lambda: s.printed, timeout=20000)
    (text,) = qr_texts(d.slips)
    assert text == outcome.slip_code
    code = parse_slip_code(text)
    code.verify(controller.terminal.terminal_key.public_key())
    assert (code.reference, code.slot_id) == (outcome.reference, d.leased.id)
    # the seat is spent: the slot is no longer confirmable
    journal = SqliteJournal(controller.terminal.config.journal_path)
    try:
        assert journal.lease_seats(controller.terminal.now()) == {}
        (entry,) = journal.entries()
        assert entry.state == "confirmed-offline" and entry.slip_code == text
    finally:
        journal.close()


def test_at_the_next_card_read_the_booking_is_confirmed_and_reprints_with_its_code(
    offline_kiosk,
):
    d = offline_kiosk
    controller = d.kiosk.controller
    c = Card.from_json(card())
    to_slot_screen(d, c)
    s = d.s
    for event in (ev.SlotChosen(d.leased), ev.Next(), ev.Next()):
        controller.send(event)
    d.wait(lambda: s.printed, timeout=20000)
    first = qr_texts(d.slips)
    controller.send(ev.CardRemoved())
    d.wait(lambda: s.screen == Screen.WELCOME)  # goodbye, then the welcome screen
    assert s.card is None and s.outcome is None
    # the same customer comes back, the central still unplugged
    for event in (ev.CardInserted(), ev.CardRead(c)):
        s.handle(event)
    controller.send(ev.ConsentGiven())  # LookUp on the journal lane
    d.wait(lambda: s.screen == Screen.EXISTING, timeout=20000)
    assert s.existing_source == "journal"
    assert s.existing["status"] == "confirmed"
    assert s.existing["reference"] == d.lease.references[0]
    assert s.existing["confirmed_by"] == "terminal"
    view = d.view()
    assert "ยืนยันแล้ว" in view.status.text() and d.lease.references[0] in view.reference.text()
    assert not view.change.isVisible()
    assert not s.printed
    controller.send(ev.Reprint())
    d.wait(lambda: s.printed, timeout=20000)  # written in full before Printed comes back
    assert qr_texts(d.slips) == first * 2  # the reprint carries the same signed code


def test_a_journal_without_lease_seats_marks_nothing(make_kiosk):
    """No lease (as on a terminal that never got one): offline, every slot queues."""
    d = make_kiosk(start=False)
    t = d.kiosk.controller.terminal
    d.site = t.cache.sites()[0]
    d.central.stop()
    to_slot_screen(d, Card.from_json(card()))
    assert d.s.slots_offline and d.s.confirmable == frozenset()
    assert not d.s.any_confirmable()
