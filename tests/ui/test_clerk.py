"""The clerk at a whole kiosk: the real controller, journal, central on loopback and pcscd.

The clerk's way in (bottom-right hold, or holding the call banner while a call is open), the PIN
and its lockout, answering a call (the chime stops, the journal says so), pausing while a
customer is mid-session (they finish first, the next one sees "temporarily closed"), the paper
change against a loopback TCP printer that answers paper-out and then ready, today's counts
against the journal, and no personal data in any clerk widget.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QWidget

from kiosk.session import Screen
from kiosk.technician import hash_pin
from sync.journal import SqliteJournal
from sync.store_log import StoreLog
from sync.terminal import Terminal
from tests.sync.test_journal import record
from tests.ui.conftest import FAST, personal_data_in, personal_data_on_screen
from tests.ui.test_journey import PHONE, book_as_bangkok_resident, finish_information_slip
from tests.ui.test_technician import enter_pin, hold_corner
from ui.app import build
from ui.chime import RecordingChime
from ui.controller import Options

CLERK = "11223344"
TECH = "24681357"
HASHES = {"clerk_pin_hash": hash_pin(CLERK), "pin_hash": hash_pin(TECH)}
RINGING = Options(**{**vars(FAST), "chime_interval": 0.2})


def hold_right(d, seconds: float = 0.5) -> None:
    w = d.window
    at = QPoint(w.width() - 8, w.height() - 8)
    QTest.mousePress(w, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, at)
    QTest.qWait(int(seconds * 1000))
    QTest.mouseRelease(w, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, at)


def hold_banner(d, seconds: float = 0.5) -> None:
    banner = d.window.staff_banner
    at = banner.mapTo(d.window, QPoint(banner.cancel.x() // 2, banner.height() // 2))
    w = d.window
    QTest.mousePress(w, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, at)
    QTest.qWait(int(seconds * 1000))
    QTest.mouseRelease(w, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, at)


def clerk_in(d, *, banner: bool = False) -> None:
    (hold_banner if banner else hold_right)(d)
    d.wait(d.window.clerk_pin.isVisible)
    enter_pin(d, CLERK)
    d.wait(d.window.clerk.isVisible)
    d.wait(lambda: "…" not in d.find("clerk-count-confirmed").text())


@contextlib.contextmanager
def restarted(d, qtbot) -> Iterator:
    """The kiosk closed and a new one started on the same configuration and journal, as
    systemd restarts it; closed again at the end."""
    config = d.kiosk.terminal.config
    d.kiosk.close()
    again = build(config, options=FAST, size=(1280, 800), terminal=Terminal(config))
    try:
        qtbot.addWidget(again.window)
        again.controller.start()
        yield again
    finally:
        again.close()


def store(d) -> StoreLog:
    return StoreLog(SqliteJournal(d.kiosk.terminal.config.journal_path))


def test_the_clerk_corner_asks_the_clerk_pin_and_locks_after_three_wrong(make_kiosk):
    d = make_kiosk(hold_seconds=0.2, **HASHES)
    d.wait_screen(Screen.WELCOME)
    hold_right(d)
    d.wait(d.window.clerk_pin.isVisible)
    assert not d.window.pin.isVisible()  # not the technician's pad
    assert d.window.clerk_pin.heading.text() == "รหัสพนักงาน"
    enter_pin(d, TECH)  # the technician's PIN is not the clerk's
    assert not d.window.clerk.isVisible() and not d.window.technician.isVisible()
    assert d.window.clerk_pin.message.text() == "รหัสไม่ถูกต้อง"
    enter_pin(d, "99999999")
    enter_pin(d, "88888888")  # the third wrong one locks
    enter_pin(d, CLERK)  # right, but locked
    assert not d.window.clerk.isVisible()
    assert "60" in d.window.clerk_pin.message.text() or "59" in d.window.clerk_pin.message.text()
    d.press("pin-cancel")
    hold_corner(d)  # the technician's corner still opens the technician's pad
    d.wait(d.window.pin.isVisible)
    assert not d.window.clerk_pin.isVisible()


def test_the_clerk_screen_has_no_technician_function(make_kiosk):
    d = make_kiosk(hold_seconds=0.2, **HASHES)
    d.wait_screen(Screen.WELCOME)
    clerk_in(d)
    names = {w.objectName() for w in d.window.clerk.findChildren(QWidget) if w.isVisible()}
    assert not any(n.startswith("tech-") for n in names)
    assert {"clerk-pause", "clerk-paper", "clerk-send", "clerk-close"} <= names
    assert d.kiosk.controller.suspended
    d.press("clerk-close")
    assert not d.kiosk.controller.suspended


def test_a_call_chimes_until_the_clerk_answers(make_kiosk):
    chime = RecordingChime()
    d = make_kiosk(hold_seconds=0.2, chime=chime, options=RINGING, **HASHES)
    d.wait_screen(Screen.WELCOME)
    d.press("call-staff")
    d.wait(lambda: len(chime.rings) >= 3)  # at once, then again while nobody answers
    d.wait(lambda: store(d).open_call_now() is not None)
    assert store(d).open_call_now()["screen"] == "welcome"
    clerk_in(d)
    assert "10:00" in d.find("clerk-call").text()
    d.press("clerk-answer")
    d.wait(lambda: store(d).open_call_now() is None)
    heard = len(chime.rings)
    QTest.qWait(600)
    assert len(chime.rings) == heard  # silent once answered
    assert not d.window.staff_banner.isVisible()
    d.kiosk.controller.refresh_clerk()
    d.wait(lambda: d.find("clerk-count-staff_calls").text() == "1")
    rows = store(d).journal.read("SELECT closed_how FROM staff_calls")
    assert [r["closed_how"] for r in rows] == ["answered"]


def test_pause_mid_session_lets_the_customer_finish_then_shows_closed(
    make_kiosk, card_slot, central
):
    chime = RecordingChime()
    d = make_kiosk(hold_seconds=0.2, chime=chime, **HASHES)
    d.wait_screen(Screen.WELCOME)
    person = central.person("bangkok")
    vc = card_slot(person.card)
    book_as_bangkok_resident(d, person.card)
    d.press("call-staff")  # the customer asks for help on the review screen
    hold_right(d)  # that corner holds Next here: no pad
    assert not d.window.clerk_pin.isVisible()
    clerk_in(d, banner=True)  # the clerk arrives and holds the call banner
    clerk = [d.window.clerk, *d.window.clerk.findChildren(QWidget)]
    assert personal_data_on_screen(person.card, PHONE)  # the review screen behind shows them
    assert personal_data_in(clerk, person.card, PHONE) == []  # the clerk's widgets never do
    d.press("clerk-answer")
    d.press("clerk-pause")
    d.wait(lambda: d.s.paused)
    assert "ลูกค้าคนปัจจุบันทำต่อจนเสร็จ" in d.find("clerk-service").text()
    d.press("clerk-close")
    assert d.s.screen == Screen.REVIEW  # the customer carries on
    d.next()  # confirm
    d.wait(lambda: d.s.outcome is not None)
    assert d.s.outcome.status == "confirmed"
    d.wait_screen(Screen.PRINTING)
    vc.remove()
    d.wait_screen(Screen.GOODBYE)
    d.wait_screen(Screen.PAUSED)  # the next customer sees "temporarily closed"
    assert d.view().heading.text() == "ปิดให้บริการชั่วคราว"
    assert not d.window.top.start_over.isVisible()
    assert store(d).paused() is not None
    card_slot(central.person("senior").card)
    QTest.qWait(800)
    assert d.s.screen == Screen.PAUSED  # a card is not read while paused
    clerk_in(d)
    d.press("clerk-pause")  # now "resume"
    d.press("clerk-close")
    d.wait(lambda: store(d).paused() is None)
    assert d.s.screen in (Screen.WELCOME, Screen.READING)
    assert personal_data_on_screen(person.card, PHONE) == []


def test_a_pause_survives_a_restart(make_kiosk, qtbot):
    d = make_kiosk(hold_seconds=0.2, **HASHES)
    d.wait_screen(Screen.WELCOME)
    clerk_in(d)
    d.press("clerk-pause")
    d.wait(lambda: store(d).paused() is not None)
    d.press("clerk-close")
    d.wait_screen(Screen.PAUSED)
    with restarted(d, qtbot) as again:
        qtbot.waitUntil(lambda: again.controller.session.screen == Screen.PAUSED, timeout=15000)


def test_a_locked_clerk_pad_stays_locked_across_a_restart(make_kiosk, qtbot):
    """Three wrong PINs, then the kiosk restarted (the plug pulled, systemd's restart): the
    new process finds the pad still locked, the right PIN refused, not three fresh tries."""
    d = make_kiosk(hold_seconds=0.2, **HASHES)
    d.wait_screen(Screen.WELCOME)
    hold_right(d)
    d.wait(d.window.clerk_pin.isVisible)
    for wrong in ("99999999", "88888888", "77777777"):
        enter_pin(d, wrong)
    d.wait(lambda: bool((store(d).pin_guards().get("clerk") or {}).get("locked_until_utc")))
    assert CLERK not in str(store(d).pin_guards())  # counts and an instant, never a PIN
    with restarted(d, qtbot) as again:
        pad = again.window.clerk_pin
        assert 50 <= pad.guard.seconds_left(pad._clock()) <= 60
        pad.open_pad("th")
        assert "กรุณารอ" in pad.message.text(), pad.message.text()
        pad.pin = CLERK
        pad._submit()  # the right PIN, but the restored lock stands
        assert not again.window.clerk.isVisible()
        assert again.controller.pin_guards["technician"].seconds_left(pad._clock()) == 0


def test_paper_change_against_a_printer_out_of_paper_then_ready(make_kiosk, loopback_printer):
    printer = loopback_printer("paper-out")
    d = make_kiosk(printer=printer.uri, hold_seconds=0.2, **HASHES)
    d.wait_screen(Screen.OUT_OF_SERVICE)
    clerk_in(d)
    d.wait(lambda: "กระดาษหมด" in d.find("clerk-printer").text())
    d.press("clerk-paper")
    assert d.find("paper-step").text() == "ขั้นที่ 1 จาก 4"
    for _ in range(3):
        d.press("paper-next")
    assert d.find("paper-next").text() == "ตรวจสอบ"
    d.press("paper-next")  # check: the printer still says paper out
    d.wait(lambda: d.window.paper_guide.step == 2)
    assert "ยังไม่พบกระดาษ" in d.find("paper-result").text()
    assert printer.jobs == []  # nothing was sent to a printer with no paper
    printer.state = "ready"  # the clerk puts the roll in
    d.press("paper-next")
    d.press("paper-next")
    d.press("paper-next")  # check again
    d.wait(lambda: d.window.paper_guide.step == 5)
    assert d.find("paper-text").text() == "เรียบร้อย พิมพ์ใบทดสอบแล้ว"
    assert len(printer.jobs) == 1 and "GS v 0" in printer.jobs[0].names  # the test slip
    assert printer.jobs[0].image().height > 200
    d.press("paper-next")  # finish
    d.wait(lambda: "พร้อม" in d.find("clerk-printer").text())
    d.press("clerk-close")
    d.wait_screen(Screen.WELCOME)  # the service check now finds the printer ready


def test_counts_match_the_journal(make_kiosk):
    # no replay: the rows made here (opaque sealed data) must stay as they are while compared
    d = make_kiosk(hold_seconds=0.2, options=Options(**{**vars(FAST), "start_replay": False}),
                   **HASHES)  # fmt: skip
    d.wait_screen(Screen.WELCOME)
    journal = SqliteJournal(d.kiosk.terminal.config.journal_path)
    for n in range(1, 5):
        journal.add(record(n))
    journal.claim("b1", 30)
    journal.confirm("b1", "TRJ-AAAA-0001", "confirmed")
    journal.claim("b2", 30)
    journal.settle("b2", "rejected", "slot-full", "full", {})
    log = StoreLog(journal)
    log.info_slip_printed("hospital")
    log.info_slip_printed("ineligible")
    log.open_call("consent")
    log.close_call("answered")
    clerk_in(d)
    want = log.today()
    assert (want.confirmed, want.queued, want.refused, want.info_slips) == (1, 2, 1, 2)
    for key, value in want.to_json().items():
        widget = d.window.clerk.counts[key][1]
        if key == "confirmed_offline":
            assert not widget.isVisible()  # no leases at this terminal, none confirmed offline
        else:
            assert widget.text() == str(value), key
    assert d.find("clerk-queue").text() == "รอส่ง 2 รายการ รายการแรกรอมา 0 นาที"
    journal.close()


def test_a_printed_information_slip_is_counted(make_kiosk, card_slot, central):
    d = make_kiosk(hold_seconds=0.2, **HASHES)
    d.wait_screen(Screen.WELCOME)
    person = central.person("senior")  # over the age limit: the hospital route, an info slip
    vc = card_slot(person.card)
    d.wait_screen(Screen.CONSENT)
    d.next()
    d.wait_screen(Screen.DECISION)
    assert d.s.decision.route == "hospital"
    finish_information_slip(d, "hospital")
    d.wait(lambda: store(d).today().info_slips == 1)
    rows = store(d).journal.read("SELECT route FROM info_slips")
    assert rows == [{"route": "hospital"}]  # the route only: nothing about the person
    vc.remove()
    d.wait_screen(Screen.WELCOME)
    clerk_in(d)
    assert d.find("clerk-count-info_slips").text() == "1"
