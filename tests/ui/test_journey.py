"""The whole journey through the real kiosk: emulated card in pcscd, loopback central, printer."""

from __future__ import annotations

import pytest
import requests
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QScroller

from kiosk.session import Screen
from sync.journal import SqliteJournal
from tests.ui.conftest import Driver, personal_data_on_screen, to_existing, visible_labels
from ui.strings import age_text

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


def test_central_down_queues_the_booking_and_prints_the_slip(make_kiosk, card_slot, central):
    d = make_kiosk(start=False)  # the cache was filled while the central was up
    central.stop()
    d.kiosk.controller.start()
    d.wait(lambda: not d.s.status.online)
    person = central.person("bangkok")
    card_slot(person.card)
    book_as_bangkok_resident(d, person.card)
    banner = d.window.banner
    assert banner.isVisible() and d.s.availability_age is not None
    assert banner.age.text() == age_text(d.s.availability_age, "th")
    assert banner.age.text().startswith("ข้อมูลที่นั่งว่างอัปเดตล่าสุด")
    d.next()  # confirm
    d.wait(lambda: d.s.outcome is not None)
    assert d.s.outcome.status == "queued"
    d.wait(lambda: d.s.printed)
    assert len(list(d.slips.glob("*.png"))) == 1
    journal = SqliteJournal(d.kiosk.terminal.config.journal_path)
    try:
        assert journal.counts()["queued"] + journal.counts()["sending"] == 1
    finally:
        journal.close()


def finish_information_slip(d: Driver, route: str) -> None:
    d.next()  # print this
    d.wait(lambda: d.s.printed)
    d.wait_screen(Screen.PRINTING)
    (slip,) = d.slips.glob("*.png")
    assert slip.name.endswith(f"-{route}.png")
    d.next()  # finish
    d.wait_screen(Screen.GOODBYE)
    d.wait_screen(Screen.WELCOME)


@pytest.mark.parametrize(
    ("key", "answers", "route", "code"),
    [
        ("senior", None, "hospital", "over-age-limit"),
        ("teen", None, "ineligible", "under-18"),
        ("foreign", None, "await-guidance", "foreign-national"),
        ("diabetes", "condition-diabetes", "hospital", "chronic-condition"),
        ("nonthaburi", "answer-no", "ineligible", "outside-bangkok"),
        ("nonthaburi", "answer-yes", "book", "works-in-bangkok"),
    ],
)
def test_each_route(make_kiosk, card_slot, central, key, answers, route, code):
    d = make_kiosk()
    d.wait_screen(Screen.WELCOME)
    person = central.person(key)
    card_slot(person.card)
    d.wait_screen(Screen.CONSENT)
    d.next()
    if answers is not None:
        d.wait_screen(Screen.QUESTION)
        if answers.startswith("condition-"):
            d.press(answers)
            d.next()
        else:
            d.press("none-of-these")
            d.next()
            d.wait(lambda: d.s.decision is not None and d.s.decision.ask == "works_in_bangkok")
            d.press(answers)  # one tap answers a yes/no question
    d.wait_screen(Screen.DECISION)
    assert (d.s.decision.route, d.s.decision.code) == (route, code)
    heading = d.view().heading.text()
    assert heading and d.view().message.text() == d.s.decision.message.th
    if route == "book":
        assert d.s.registry == "yes"  # the central's registry was asked, live
        d.next()
        d.wait_screen(Screen.CONTACT)
        return
    finish_information_slip(d, route)


def test_an_existing_booking_is_changed_then_cancelled(make_kiosk, card_slot, central):
    d = make_kiosk()
    person = to_existing(d, card_slot, central)
    before = dict(d.s.existing)
    assert d.find("existing-reference").text().endswith(before["reference"])
    d.press("change")
    d.wait_screen(Screen.SITE)
    d.wait(lambda: bool(d.s.sites))
    d.press("site-central-lardprao")
    d.wait(lambda: d.s.site is not None and d.s.site.id == "central-lardprao")
    d.next()
    d.wait_screen(Screen.SLOT)
    d.wait(lambda: bool(d.s.slots))
    d.tap(next(b for b in d.view().slot_buttons if b.isVisible() and b.isEnabled()))
    d.wait(lambda: d.s.slot is not None)
    new_slot = d.s.slot.id
    d.next()
    d.wait_screen(Screen.REVIEW)
    assert d.s.change_mode
    d.next()  # confirm the change
    d.wait_screen(Screen.EXISTING)
    assert d.s.last_change == "changed" and d.s.existing["slot_id"] == new_slot
    assert d.s.existing["version"] == before["version"] + 1
    assert lookup(central, person.card["cid"])["slot_id"] == new_slot
    d.press("cancel-booking")
    d.wait_screen(Screen.CANCEL_CONFIRM)
    d.next()  # yes, cancel it
    d.wait_screen(Screen.EXISTING)
    assert d.s.existing["status"] == "cancelled"
    assert lookup(central, person.card["cid"]) is None


def lookup(central, cid: str) -> dict | None:
    reply = requests.post(
        central.url("/v1/bookings/lookup"), json={"cid": cid}, headers=central.auth(), timeout=10
    )
    if reply.status_code == 404:
        return None
    reply.raise_for_status()
    return reply.json()


def test_scrolling_the_site_list_never_chooses_a_site(make_kiosk, card_slot, central):
    d = make_kiosk()
    d.wait_screen(Screen.WELCOME)
    person = central.person("bangkok")
    card_slot(person.card)
    d.wait_screen(Screen.CONSENT)
    d.next()
    d.wait_screen(Screen.QUESTION)
    d.press("none-of-these")
    d.next()
    d.wait_screen(Screen.DECISION)
    d.next()
    d.wait_screen(Screen.CONTACT)
    d.type_phone(PHONE)
    d.press("occupation-student")
    d.next()
    d.wait_screen(Screen.SITE)
    d.wait(lambda: len(d.s.sites) == 25)
    view = d.view()
    viewport = view.list.viewport
    bar = view.list.area.verticalScrollBar()
    # a finger flicks the list up, starting on a site and lifting off on another
    device = QTest.createTouchDevice()
    start = QPoint(viewport.width() // 2, viewport.height() - 20)
    QTest.touchEvent(viewport, device).press(0, start, viewport).commit()
    for step in range(1, 16):
        QTest.qWait(15)
        point = QPoint(start.x(), start.y() - step * 25)
        QTest.touchEvent(viewport, device).move(0, point, viewport).commit()
    QTest.touchEvent(viewport, device).release(0, point, viewport).commit()
    d.wait(lambda: bar.value() > 0)
    scroller = QScroller.scroller(viewport)
    d.wait(lambda: scroller.state() == QScroller.State.Inactive, timeout=10000)
    # a mouse drag (or a finger the scroller did not take) on one card, wholly in view
    card = next(
        c for c in view.cards if c.isVisible() and c.visibleRegion().boundingRect() == c.rect()
    )
    middle = card.rect().center()
    QTest.mousePress(card, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, middle)
    QTest.mouseMove(card, middle + QPoint(0, 60))
    QTest.mouseRelease(
        card, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, middle + QPoint(0, 60)
    )
    QTest.qWait(600)  # longer than the scroller holds a press back
    assert d.s.site is None
    assert not view.nav.primary.isEnabled()
    assert d.find("site-chosen").text() == "ยังไม่ได้เลือกสถานที่"
    qtbot_click = d.qtbot.mouseClick
    qtbot_click(view.nav.primary, Qt.MouseButton.LeftButton)  # a disabled Next does nothing
    QTest.qWait(200)
    assert d.s.screen == Screen.SITE and d.s.site is None
    assert lookup(central, person.card["cid"]) is None
    journal = SqliteJournal(d.kiosk.terminal.config.journal_path)
    try:
        assert sum(journal.counts().values()) == 0
    finally:
        journal.close()
    # and a real tap does choose, once the list has come to rest (a tap on a coasting list
    # only stops it, as on any touch screen)
    d.wait(lambda: scroller.state() == QScroller.State.Inactive, timeout=10000)
    d.tap(card)
    d.wait(lambda: d.s.site is not None and d.s.site.id == card.site.id)
    assert view.nav.primary.isEnabled()


def test_printer_out_of_paper_keeps_the_booking_and_offers_a_reprint(
    make_kiosk, card_slot, central, loopback_printer
):
    printer = loopback_printer("ready")
    d = make_kiosk(printer=printer.uri)
    d.wait_screen(Screen.WELCOME)
    person = central.person("bangkok")
    card_slot(person.card)
    book_as_bangkok_resident(d, person.card)
    printer.state = "paper-out"  # the roll runs out while the customer reviews
    d.next()
    d.wait(lambda: d.s.print_error is not None)
    assert d.s.screen == Screen.RESULT and d.s.outcome.status == "confirmed"
    assert d.s.print_error.code == "printer-paper-out"
    reference = d.s.outcome.reference
    assert lookup(central, person.card["cid"])["reference"] == reference  # the booking stands
    shown = " ".join(w.text() for w in visible_labels(d.view()))
    assert "กระดาษเครื่องพิมพ์หมด" in shown and reference in shown
    assert printer.jobs == []
    printer.state = "ready"  # staff load a new roll
    d.press("reprint")
    d.wait_screen(Screen.PRINTING)
    assert len(printer.jobs) == 1


def test_closed_outside_the_channel_hours(make_kiosk, card_slot, central):
    central.clock.now = central.clock.now.replace(hour=20)
    d = make_kiosk()
    d.wait_screen(Screen.CLOSED)
    assert "09:00–18:00" in " ".join(w.text() for w in visible_labels(d.view()))
    card_slot(central.person("bangkok").card)
    QTest.qWait(800)
    assert d.s.screen == Screen.CLOSED and d.s.card is None  # the card is not even read
    central.clock.now = central.clock.now.replace(hour=9, minute=0)
    d.kiosk.controller.refresh_cache()  # the terminal learns the time from the central
    d.wait_screen(Screen.WELCOME)
