"""Slot and day buttons as the customer first sees them: slots arriving while the screen is up.

The headless demo's screenshots once showed the slot buttons' labels cut to ":C" and "น.", and
the selected one breaking "09:00–10:00 น." before "น.". The screenshot script never saw it: it
builds each screen with its slots already loaded. Here the slot screen is shown while the slots
load, they arrive, one is tapped, and each frame is checked at once, with no event processing in
between: the demo took its picture just so, and a paint may come just as early.
"""

from __future__ import annotations

import pytest

from kiosk.technician import hash_pin
from tests.ui.label_fit import PANELS, label_problems
from ui import screenshots
from ui.binding import SessionBinding
from ui.theme import load_fonts, metrics_for
from ui.window import MainWindow

ev = screenshots.ev
PIN_HASH = hash_pin("24681357")
SITE = screenshots.SITES[0]


@pytest.fixture(scope="module")
def family(qapp) -> str:
    return load_fonts()


def waiting_for_slots(qtbot, family: str, lang: str, panel: str, now=screenshots.NOW):
    width, height, dpi = PANELS[panel]
    s = screenshots.session(now)
    if lang == "en":
        s.handle(ev.LanguageToggled())
    screenshots.site(SITE)(s)
    s.handle(ev.Next())
    assert s.slots_pending and not s.slots
    binding = SessionBinding(s, occupations=screenshots.OCCUPATIONS, pin_hash=PIN_HASH)
    window = MainWindow(binding, metrics_for(width, height, dpi), family=family)
    qtbot.addWidget(window)
    window.resize(width, height)
    window.show()
    qtbot.waitExposed(window)
    window.render()
    qtbot.wait(10)
    return binding, window


@pytest.mark.parametrize("panel", sorted(PANELS))
@pytest.mark.parametrize("lang", ["th", "en"])
def test_slot_labels_fit_the_moment_the_slots_arrive_and_one_is_chosen(qtbot, family, lang, panel):
    binding, window = waiting_for_slots(qtbot, family, lang, panel)
    binding.send(ev.SlotsLoaded(SITE.id, screenshots.slots(SITE)))
    view = window.views[binding.session.screen]
    assert any(b.isVisible() for b in view.slot_buttons)
    assert label_problems(window) == []
    chosen = next(sl for sl in binding.session.slots_on(binding.session.slot_day)
                  if binding.session.slot_open(sl))  # fmt: skip
    binding.send(ev.SlotChosen(chosen))
    assert label_problems(window) == []
    binding.send(ev.DayChosen(screenshots.slots(SITE)[-1].date))
    assert label_problems(window) == []


@pytest.mark.parametrize("panel", sorted(PANELS))
@pytest.mark.parametrize("lang", ["th", "en"])
def test_today_late_says_the_booking_is_over_not_full(qtbot, family, lang, panel):
    from ui.strings import tr

    binding, window = waiting_for_slots(qtbot, family, lang, panel, now=screenshots.LATE)
    binding.send(ev.SlotsLoaded(SITE.id, screenshots.slots(SITE)))
    today = screenshots.LATE.date().isoformat()
    binding.send(ev.DayChosen(today))
    view = window.views[binding.session.screen]
    day = view.days.buttons[today].text()
    assert tr("slot.day_ended", lang) in day and tr("slot.day_full", lang) not in day
    assert view.waiting.text() == tr("slot.day_over.ended", lang)
    states = {b.text().split("\n")[1] for b in view.slot_buttons if b.isVisible()}
    assert states == {tr("slot.past", lang)}
    # the day every slot of which is full, and has not ended, is still "full"
    full_day = next(d for d in binding.session.slot_days()
                    if all(sl.full for sl in binding.session.slots_on(d)))  # fmt: skip
    assert tr("slot.day_full", lang) in view.days.buttons[full_day].text()
    assert label_problems(window) == []


def cut_day_buttons(view) -> list[str]:
    """Day buttons the strip shows only in part: each must be wholly in view or wholly out."""
    viewport = view.days.area.viewport()
    shown = viewport.rect()
    cut = []
    for day, b in view.days.buttons.items():
        box = b.geometry().translated(b.parentWidget().mapTo(viewport, b.pos()) - b.pos())
        if box.intersects(shown) and not shown.contains(box):
            cut.append(day)
    return cut


@pytest.mark.parametrize("panel", sorted(PANELS))
@pytest.mark.parametrize("lang", ["th", "en"])
def test_the_day_strip_shows_whole_days_only_as_it_pages(qtbot, family, lang, panel):
    binding, window = waiting_for_slots(qtbot, family, lang, panel)
    binding.send(ev.SlotsLoaded(SITE.id, screenshots.slots(SITE)))
    view = window.views[binding.session.screen]
    strip = view.days
    days = list(strip.buttons)
    assert len(days) > strip.per_page >= 2, "the demo's days must need paging on every panel"
    assert cut_day_buttons(view) == []
    seen = [strip.first_visible()]
    while strip.right.isEnabled():
        strip.right.click()
        qtbot.wait(1)
        assert cut_day_buttons(view) == []
        seen.append(strip.first_visible())
    assert seen == sorted(set(seen)) and seen[-1] == len(days) - strip.per_page
    assert not strip.right.isEnabled() and strip.left.isEnabled()
    binding.send(ev.DayChosen(days[-1]))  # already in view: the strip stays where it is
    assert strip.first_visible() == len(days) - strip.per_page and cut_day_buttons(view) == []
    binding.send(ev.DayChosen(days[0]))  # out of view: brought in, whole
    assert strip.first_visible() == 0 and cut_day_buttons(view) == []
    assert not strip.left.isEnabled() and strip.right.isEnabled()
