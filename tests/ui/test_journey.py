"""The whole journey through the real kiosk: emulated card in pcscd, loopback central, printer."""

from __future__ import annotations

import requests

from kiosk.session import Screen
from tests.ui.conftest import Driver, personal_data_on_screen

PHONE = "0812345678"


def book_as_bangkok_resident(d: Driver, card: dict) -> None:
    """From the welcome screen with the card in, to the review screen."""
    d.wait_screen(Screen.CONSENT)
    d.next()  # I agree
    d.wait_screen(Screen.QUESTION)
    d.press("none-of-these")
    d.next()
    d.wait_screen(Screen.DECISION)
    assert d.s.decision.code == "bangkok-resident"
    d.next()  # start booking
    d.wait_screen(Screen.CONTACT)
    d.type_phone(PHONE)
    d.press("occupation-company-employee")
    d.next()
    d.wait_screen(Screen.SITE)
    d.wait(lambda: bool(d.s.sites))
    d.press("site-scg-bang-sue")
    d.wait(lambda: d.s.site is not None)
    d.next()
    d.wait_screen(Screen.SLOT)
    d.wait(lambda: bool(d.s.slots))
    slot_button = next(b for b in d.view().slot_buttons if b.isVisible() and b.isEnabled())
    d.tap(slot_button)
    d.wait(lambda: d.s.slot is not None)
    d.next()
    d.wait_screen(Screen.REVIEW)


def test_happy_path_online(make_kiosk, card_slot, central):
    d = make_kiosk()
    d.wait_screen(Screen.WELCOME)
    person = central.person("bangkok")
    vc = card_slot(person.card)
    book_as_bangkok_resident(d, person.card)
    d.next()  # confirm
    d.wait(lambda: d.s.outcome is not None)
    outcome = d.s.outcome
    assert outcome.status == "confirmed" and outcome.reference
    d.wait_screen(Screen.PRINTING)
    previews = list(d.slips.glob("*.png"))
    assert len(previews) == 1 and previews[0].stat().st_size > 1000
    reply = requests.post(
        central.url("/v1/bookings/lookup"),
        json={"cid": person.card["cid"]},
        headers=central.auth(),
        timeout=10,
    )
    assert reply.status_code == 200 and reply.json()["reference"] == outcome.reference
    vc.remove()
    d.wait_screen(Screen.GOODBYE)
    d.wait_screen(Screen.WELCOME)
    assert personal_data_on_screen(person.card, PHONE) == []
