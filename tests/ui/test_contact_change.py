"""Changing the phone number or occupation of an existing booking through the real kiosk: the
emulated card in pcscd, the reference central on loopback, the slip printed to preview files.

The demo person "booked" holds a confirmed booking (made on the website) with 0812345678 and
"company-employee". Each test checks the central's own record afterwards (the full number is
only there), and that no widget of the window holds the customer's data once they have gone.
"""

from __future__ import annotations

import requests
from PySide6.QtWidgets import QApplication

from kiosk.session import Screen
from sync.journal import SqliteJournal
from tests.ui.conftest import Driver, personal_data_on_screen, texts_of, to_existing
from ui.keyboard import key_label

OLD = "0812345678"
NEW = "0898765432"
OTHER = "ช่างตัดผม"


def held(central, cid: str):
    """The central's own record (full phone, occupation), read in-process."""
    c = central.central
    return c.store.active_booking(c.keys.citizen_key(cid))


def start_change(d: Driver) -> None:
    d.press("change-contact")
    d.wait_screen(Screen.CONTACT)
    shown = d.find("phone").text()
    assert OLD not in shown and "081-XXX-5678" in " ".join(texts_of(d.view().status))
    assert d.find("occupation-company-employee").selected  # the occupation already chosen
    assert not d.view().nav.primary.isEnabled()  # nothing changed yet


def type_again(d: Driver, digits: str) -> None:
    for ch in digits:
        d.press(f"again-{ch}")


def to_change_review(d: Driver, phone: str) -> None:
    """From the existing booking to the review of a new `phone`, typed twice."""
    start_change(d)
    d.type_phone(phone)
    d.next()
    d.wait_screen(Screen.PHONE_AGAIN)
    type_again(d, phone)
    d.next()
    d.wait_screen(Screen.CHANGE_REVIEW)


def finish_and_check_nothing_left(d: Driver, card: dict, *phones: str) -> None:
    d.tap(d.view().nav.primary)  # finish
    d.wait_screen(Screen.WELCOME)
    for phone in phones:
        assert personal_data_on_screen(card, phone) == []
    masks = [f"{p[:3]}-XXX-{p[6:]}" for p in phones] + [OTHER]
    every = [t for w in QApplication.allWidgets() for t in texts_of(w)]
    assert not [m for m in masks if any(m in t for t in every)]


def test_a_customer_changes_the_phone_the_sms_goes_to(make_kiosk, card_slot, central):
    d = make_kiosk()
    person = to_existing(d, card_slot, central)
    before = held(central, person.card["cid"])
    start_change(d)
    d.type_phone(NEW)
    assert d.find("phone").text() == "089-876-5432"  # in full where it is typed
    d.next()
    d.wait_screen(Screen.PHONE_AGAIN)
    assert d.find("phone-again").text() == "0XX-XXX-XXXX"  # typed again, not copied
    type_again(d, NEW)
    d.next()
    d.wait_screen(Screen.CHANGE_REVIEW)
    assert "089-XXX-5432" in d.find("change-review-phone").text()
    d.next()  # confirm the change
    d.wait(lambda: d.s.screen == Screen.EXISTING and d.s.last_change == "contact")
    after = held(central, person.card["cid"])
    assert after.phone == NEW and after.version == before.version + 1
    assert after.occupation_code == "company-employee"
    assert "089-XXX-5432" in d.view().note.text()
    d.wait(lambda: d.s.printed)  # the slip of the changed booking, at once
    slips = list(d.slips.glob("*.png"))
    assert len(slips) == 1 and slips[0].stat().st_size > 1000
    finish_and_check_nothing_left(d, person.card, OLD, NEW)


def test_the_occupation_becomes_other_with_its_words(make_kiosk, card_slot, central):
    d = make_kiosk()
    person = to_existing(d, card_slot, central)
    start_change(d)
    d.press("occupation-other")
    d.wait(lambda: d.find("other-text").isVisible())
    keys = {b.text(): b for b in d.view().keyboard.findChildren(type(d.find("kb-done")))}
    for ch in OTHER:
        d.tap(keys[key_label(ch)])
    assert d.find("other-text").text() == OTHER
    d.press("kb-done")
    d.next()  # no number typed: straight to the review
    d.wait_screen(Screen.CHANGE_REVIEW)
    assert OTHER in d.find("change-review-occupation").text()
    d.next()
    d.wait(lambda: d.s.screen == Screen.EXISTING and d.s.last_change == "contact")
    after = held(central, person.card["cid"])
    assert (after.occupation_code, after.occupation_other) == ("other", OTHER)
    assert after.phone == OLD  # unchanged
    d.wait(lambda: d.s.printed)
    finish_and_check_nothing_left(d, person.card, OLD)


def test_a_wrong_phone_is_refused(make_kiosk, card_slot, central):
    d = make_kiosk()
    person = to_existing(d, card_slot, central)
    start_change(d)
    d.type_phone("07")  # no Thai mobile number starts so
    assert d.s.phone_state() == "bad" and not d.view().nav.primary.isEnabled()
    d.press("phone-clear")
    d.type_phone(NEW)
    d.next()
    d.wait_screen(Screen.PHONE_AGAIN)
    type_again(d, "08987")
    type_again(d, "65431")  # one digit wrong at the end
    assert d.s.phone_again_state() == "mismatch"
    assert not d.view().nav.primary.isEnabled()
    assert d.find("phone-again-status").text()  # says it does not match
    d.tap(d.view().nav.back)  # back to the first entry, then on again
    d.wait_screen(Screen.CONTACT)
    d.next()
    d.wait_screen(Screen.PHONE_AGAIN)
    assert d.s.phone_again == ""
    d.tap(d.view().nav.back)
    d.wait_screen(Screen.CONTACT)
    d.tap(d.view().nav.back)  # and give up: nothing changes
    d.wait_screen(Screen.EXISTING)
    assert held(central, person.card["cid"]).phone == OLD
    finish_and_check_nothing_left(d, person.card, OLD, NEW)


def test_a_booking_changed_elsewhere_meanwhile_is_shown_as_it_now_stands(
    make_kiosk, card_slot, central
):
    d = make_kiosk()
    person = to_existing(d, card_slot, central)
    seen = dict(d.s.existing)
    to_change_review(d, NEW)
    # meanwhile the customer moves the appointment on the website
    elsewhere = central.slot_id("scg-bang-sue", days=2, hour=14)
    reply = requests.patch(
        central.url(f"/v1/bookings/{seen['reference']}"),
        json={"cid": person.card["cid"], "slot_id": elsewhere},
        headers={**central.auth(), "If-Match": str(seen["version"])},
        timeout=10,
    )
    assert reply.status_code == 200, reply.text
    d.next()  # confirm: meets 412
    d.wait(lambda: d.s.screen == Screen.EXISTING and d.s.change_notice == "conflict")
    assert d.s.existing["slot_id"] == elsewhere and d.s.existing["version"] == seen["version"] + 1
    notice = d.find("change-notice").text()
    assert "ถูกแก้ไขจากที่อื่น" in notice
    d.press("language")
    assert "changed elsewhere" in d.find("change-notice").text()
    assert held(central, person.card["cid"]).phone == OLD  # not changed on the old version
    assert d.find("change-contact").isVisible() and d.find("reprint").isVisible()
    finish_and_check_nothing_left(d, person.card, OLD, NEW)


def test_offline_a_change_needs_the_connection_and_the_reprint_is_offered(
    make_kiosk, card_slot, central
):
    d = make_kiosk()
    person = to_existing(d, card_slot, central)
    to_change_review(d, NEW)
    central.stop()  # the central goes away before the customer confirms
    d.next()
    d.wait(lambda: d.s.screen == Screen.EXISTING and d.s.change_notice == "offline", 20000)
    assert "ต้องเชื่อมต่อกับระบบกลาง" in d.find("change-notice").text()
    assert not d.find("reprint").isHidden()
    for name in ("change-contact", "change", "cancel-booking"):
        assert not [
            w for w in d.window.findChildren(type(d.find("reprint")), name) if w.isVisible()
        ]
    assert d.s.phone == "" and d.s.phone_again == ""  # nothing typed is kept
    assert held(central, person.card["cid"]).phone == OLD  # and nothing was sent
    journal = SqliteJournal(d.kiosk.terminal.config.journal_path)
    try:
        assert sum(journal.counts().values()) == 0  # nor queued
    finally:
        journal.close()
    d.press("reprint")
    d.wait(lambda: d.s.printed)
    assert len(list(d.slips.glob("*.png"))) == 1
    d.wait_screen(Screen.PRINTING)
    finish_and_check_nothing_left(d, person.card, OLD, NEW)
