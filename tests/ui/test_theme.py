"""Sizes from the physical screen, contrast, and the words table."""

from __future__ import annotations

import re

import pytest

from ui import strings, theme
from ui.theme import MM_PER_INCH, believable_dpi, metrics_for


def mm(px: int, dpi: float) -> float:
    return px * MM_PER_INCH / dpi


def test_the_kiosk_panel_gets_20_mm_targets_and_the_design_text_sizes():
    m = metrics_for(1920, 1080, 141.2)
    assert m.target >= 110 and mm(m.target, m.dpi) >= 19.9
    assert m.body >= 28 and m.heading >= 44
    assert not m.tablet


def test_a_counter_tablet_is_compacted_but_keeps_targets_above_15_mm():
    m = metrics_for(1280, 800, 149.5)  # 10.1"
    assert m.tablet
    assert 15.5 <= mm(m.target, m.dpi) < 20
    assert m.body >= 22


def test_a_large_1280x800_monitor_is_not_a_tablet():
    m = metrics_for(1280, 800, 96)  # about 17"
    assert not m.tablet and m.target >= theme.FLOOR_TARGET


@pytest.mark.parametrize("reported", [None, 0, 1, 72, 900])
def test_an_unbelievable_dpi_falls_back_to_the_kiosk_panel(reported):
    assert believable_dpi(reported, env={}) == theme.REFERENCE_DPI


def test_the_dpi_can_be_set_for_a_panel_that_lies():
    assert believable_dpi(100, env={"KIOSK_SCREEN_DPI": "160"}) == 160
    assert believable_dpi(100, env={"KIOSK_SCREEN_DPI": "nonsense"}) == 100


@pytest.mark.parametrize(("fg", "bg"), theme.CONTRAST_PAIRS)
def test_every_text_colour_pair_is_at_least_7_to_1(fg, bg):
    assert theme.contrast(fg, bg) >= 7.0


def test_contrast_is_computed_right():
    assert theme.contrast("#000000", "#FFFFFF") == pytest.approx(21.0)
    assert theme.contrast("#777777", "#FFFFFF") == pytest.approx(4.48, abs=0.01)


THAI = re.compile(r"[\u0e00-\u0e7f]")
FIELDS = re.compile(r"{(\w+)}")
#: Entries that are the same in both languages on purpose.
SAME = {"key.abc", "key.thai"}


@pytest.mark.parametrize("key", sorted(strings.T))
def test_every_entry_has_thai_and_english_with_the_same_blanks(key):
    th, en = strings.T[key]
    assert th.strip() and en.strip()
    if key not in SAME and key != "language":
        assert THAI.search(th), f"{key}: no Thai in the Thai text"
        assert not THAI.search(en) or "ไทยร่วมใจ" in en or "ภาษาไทย" in en, key
    assert sorted(FIELDS.findall(th)) == sorted(FIELDS.findall(en)), key


def test_dates_are_shown_in_both_calendars():
    from datetime import date

    line = strings.date_line(date(2021, 6, 2), "th")
    assert "2564" in line and "2021" in line
    assert strings.day_label(date(2021, 6, 2), "en").splitlines() == ["Wed 2 Jun", "พ. 2 มิ.ย."]


def test_ages_in_words():
    assert strings.age_text(None, "en") == "No recent availability"
    assert strings.age_text(30, "en") == "Availability as of just now"
    assert strings.age_text(14 * 60, "th") == "ข้อมูลที่นั่งว่างอัปเดตล่าสุด 14 นาทีที่แล้ว"
    assert strings.age_text(5 * 3600, "en") == "Availability as of 5 h ago"
