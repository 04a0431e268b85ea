"""Leaving wipes: after an idle timeout or a pulled card, no widget anywhere holds the customer.

Every widget in the application is walked (text, placeholder, tooltip, accessible name, models),
not just the current screen: a hidden screen that kept a name would show it to the next person
the moment it came back.
"""

from __future__ import annotations

from kiosk.session import Screen
from tests.ui.conftest import Driver, personal_data_on_screen
from tests.ui.test_journey import PHONE, book_as_bangkok_resident


def on_review(d: Driver, card_slot, central):
    d.wait_screen(Screen.WELCOME)
    person = central.person("bangkok")
    vc = card_slot(person.card)
    book_as_bangkok_resident(d, person.card)
    shown = personal_data_on_screen(person.card, PHONE)
    assert shown, "the review screen should show the customer's own name"  # the walk works
    return person, vc


def test_pulling_the_card_out_wipes_every_widget(make_kiosk, card_slot, central):
    d = make_kiosk()
    person, vc = on_review(d, card_slot, central)
    vc.remove()
    d.wait_screen(Screen.WELCOME)
    assert d.s.card is None and d.s.phone == ""
    assert personal_data_on_screen(person.card, PHONE) == []


def test_idle_timeout_warns_then_wipes_every_widget(make_kiosk, card_slot, central):
    d = make_kiosk(idle_seconds=1.0, countdown_seconds=2.0)
    person, _ = on_review(d, card_slot, central)
    d.wait(d.window.idle_overlay.isVisible, timeout=5000)
    assert d.s.screen == Screen.REVIEW  # a warning first, nothing wiped yet
    d.wait_screen(Screen.WELCOME, timeout=6000)
    assert not d.window.idle_overlay.isVisible()
    assert personal_data_on_screen(person.card, PHONE) == []


def test_more_time_keeps_the_customer_where_they_were(make_kiosk, card_slot, central):
    d = make_kiosk(idle_seconds=1.0, countdown_seconds=3.0)
    on_review(d, card_slot, central)
    for _ in range(2):  # WCAG 2.2.1: more time, more than once
        d.wait(d.window.idle_overlay.isVisible, timeout=5000)
        d.press("more-time")
        d.wait(lambda: not d.window.idle_overlay.isVisible(), timeout=2000)
        assert d.s.screen == Screen.REVIEW and d.s.card is not None
    assert d.window.idle.extensions == 2


def test_start_over_asks_first_then_wipes(make_kiosk, card_slot, central):
    d = make_kiosk()
    person, _ = on_review(d, card_slot, central)
    d.press("start-over")
    d.press("start-over-no")
    assert d.s.screen == Screen.REVIEW
    d.press("start-over")
    d.press("start-over-yes")
    d.wait_screen(Screen.WELCOME)
    assert personal_data_on_screen(person.card, PHONE) == []
