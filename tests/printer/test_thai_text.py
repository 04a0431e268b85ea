"""Line breaking: never inside a character cluster, between Thai words, nothing lost."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from printer.fonts import font
from printer.thai_text import COMBINING, cluster_boundaries, word_boundaries, wrap, wrap_text

ADDRESS = "ศูนย์การค้าเซ็นทรัลพลาซา ลาดพร้าว ชั้น 5 ถนนพหลโยธิน แขวงจตุจักร เขตจตุจักร กรุงเทพมหานคร"


def visible(text: str) -> float:
    """A monospace stand-in for a font: marks take no width, like the real glyphs."""
    return sum(0 if ch in COMBINING else 1 for ch in text)


def test_combining_marks_are_exactly_the_unicode_thai_marks():
    expected = {0x0E31, *range(0x0E34, 0x0E3B), *range(0x0E47, 0x0E4F)}
    assert {ord(ch) for ch in COMBINING} == expected


def test_breaks_thai_between_words_not_inside_them():
    lines = wrap(ADDRESS, 20, visible)
    assert [line.strip() for line in lines] == [
        "ศูนย์การค้าเซ็นทรัลพลาซา",
        "ลาดพร้าว ชั้น 5 ถนน",
        "พหลโยธิน แขวงจตุจักร",
        "เขตจตุจักร",
        "กรุงเทพมหานคร",
    ]


def test_a_line_that_fits_is_left_alone():
    assert wrap("นายสมชาย ใจดี", 100, visible) == ["นายสมชาย ใจดี"]


def test_abbreviations_and_latin_words_stay_whole():
    text = "Mr. Somchai Jaidee 27 พ.ค. 2564"
    words = text.split(" ")
    for width in range(7, 30):
        lines = wrap(text, width, visible)
        assert [w for line in lines for w in line.split()] == words, width
    assert wrap(text, 12, visible) == ["Mr. Somchai ", "Jaidee 27 ", "พ.ค. 2564"]


def test_no_break_space_binds_and_is_not_a_break():
    text = "พิมพ์ 28\u00a0พ.ค.\u00a02564 Printed 28\u00a0May\u00a02021"
    lines = wrap(text, 14, visible)
    assert [line.strip() for line in lines] == [
        "พิมพ์",
        "28\u00a0พ.ค.\u00a02564",
        "Printed",
        "28\u00a0May\u00a02021",
    ]


def test_word_joiner_keeps_a_district_prefix_with_its_name():
    text = "แขวงจตุจักร เขต\u2060จตุจักร"
    for width in range(4, 20):
        for line in wrap(text, width, visible):
            assert not line.endswith("เขต"), (width, line)
    assert wrap("เขตจตุจักร", 4, visible)[0] == "เขต"  # without it, the dictionary splits


def test_a_short_last_word_is_not_left_alone():
    # "ชั้น 5" is one idea; a slip must not end a paragraph on a stray "5"
    text = "ศูนย์การค้าเซ็นทรัลพลาซา ลาดพร้าว ชั้น 5"
    width = visible("ศูนย์การค้าเซ็นทรัลพลาซา ลาดพร้าว ชั้น")  # room for all but the "5"
    lines = wrap(text, width, visible)
    assert [line.strip() for line in lines] == ["ศูนย์การค้าเซ็นทรัลพลาซา ลาดพร้าว", "ชั้น 5"]


def test_leading_vowel_stays_with_its_consonant_and_sara_am_with_its_own():
    for width in range(1, 8):
        for line in wrap("เกเรแลโตใจไปน้ำนำ", width, visible):
            assert not line.endswith(tuple("เแโใไ"))
            assert not line.startswith("ำ")


def test_a_word_wider_than_the_line_is_cut_between_clusters():
    lines = wrap("กรุงเทพมหานครบวรรัตนโกสินทร์", 5, visible)
    assert "".join(lines) == "กรุงเทพมหานครบวรรัตนโกสินทร์"
    assert all(visible(line) <= 5 for line in lines)
    assert all(line[0] not in COMBINING for line in lines)


def test_a_cluster_wider_than_the_line_goes_alone_rather_than_looping():
    assert wrap("ก้ำ", 0.5, visible) == ["ก้ำ"]


def test_newlines_start_paragraphs():
    assert wrap_text("ก\nข", 10, visible) == ["ก", "ข"]
    with pytest.raises(ValueError, match="paragraph"):
        wrap("ก\nข", 10, visible)


def test_word_boundaries_come_from_the_dictionary():
    assert word_boundaries("บัตรประจำตัวประชาชนตัวจริง") == [19]


def test_cluster_boundaries_never_precede_a_mark():
    text = "ที่ผู้ฐูปั๊ม"
    assert cluster_boundaries(text) == [3, 6, 8, 11]


# Thai consonants, vowels (leading, following, combining), tone marks, digits, spaces, Latin.
THAI = st.characters(
    min_codepoint=0x0E01, max_codepoint=0x0E5B, exclude_characters="\u0e3b\u0e3c\u0e3d\u0e3e"
)
OTHER = st.sampled_from(" .-0123456789AZaz\u00a0\u2060")  # incl. no-break space, word joiner
TEXT = st.text(st.one_of(THAI, OTHER), min_size=1, max_size=60)


def _check(text: str, lines: list[str], width: float, measure) -> None:
    assert "".join(lines) == text  # nothing lost, nothing reordered
    start = 0
    for line in lines:
        if start > 0:
            # the line before ended here: a mark must never begin the new line
            assert text[start] not in COMBINING, (text, lines)
        start += len(line)
    for line in lines:
        shown = line.rstrip()
        clusters = (
            [
                shown[a:b]
                for a, b in zip(
                    [0, *cluster_boundaries(shown)],
                    [*cluster_boundaries(shown), len(shown)],
                    strict=True,
                )
            ]
            if shown
            else []
        )
        if len(clusters) > 1:
            assert measure(shown) <= width, (text, lines)


@given(TEXT, st.integers(min_value=1, max_value=40))
@settings(max_examples=300, deadline=None)
def test_property_wrap_keeps_clusters_order_and_width(text, width):
    _check(text, wrap(text, width, visible), width, visible)


@given(TEXT, st.integers(min_value=60, max_value=576))
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_property_with_the_real_font_and_raqm_widths(text, width):
    f = font(26)
    _check(text, wrap(text, width, f.getlength), width, f.getlength)
