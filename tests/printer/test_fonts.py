"""Thai marks are placed by raqm: checked on the ink, against what the basic layout does.

Each check is run on both engines: it must pass with raqm (what the slip uses) and, where the
basic layout is known to get it wrong with Sarabun, fail with basic. A check that passed on both
would prove nothing about raqm.
"""

from __future__ import annotations

import pytest
from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageFont, ImageOps

from kiosk.assets import font_path
from printer import fonts
from printer.errors import RaqmMissing

RAQM, BASIC = ImageFont.Layout.RAQM, ImageFont.Layout.BASIC
SIZE = 100
BASELINE = 200


def ink(text: str, layout: ImageFont.Layout) -> Image.Image:
    """`text` drawn at 100 px on a fixed baseline; white where there is ink."""
    f = ImageFont.truetype(str(font_path("regular")), SIZE, layout_engine=layout)
    img = Image.new("L", (400, 300), 255)
    ImageDraw.Draw(img).text((50, BASELINE), text, font=f, fill=0, anchor="ls")
    return ImageOps.invert(img).point(lambda v: 255 if v >= 128 else 0)


def mark_clears_base(base: str, with_mark: str, layout: ImageFont.Layout) -> bool:
    """Does the ink the mark adds keep at least one pixel away from the ink it sits on?"""
    under = ink(base, layout)
    mark = ImageChops.subtract(ink(with_mark, layout), under)
    assert mark.getbbox() is not None, "the mark left no ink at all"
    near = under.filter(ImageFilter.MaxFilter(3))
    return ImageChops.multiply(near, mark).getbbox() is None


def ink_below_baseline(text: str, layout: ImageFont.Layout) -> int:
    below = ink(text, layout).crop((0, BASELINE + 1, 400, 300))
    return sum(1 for v in below.get_flattened_data() if v)


@pytest.mark.parametrize(
    ("base", "with_mark", "basic_gets_it_wrong"),
    [
        ("ที", "ที่", True),  # mai ek must climb above sara ii, not sit on it
        ("ป", "ป่", True),  # ... and step left of ป's ascender
        ("ปั", "ปั๊", False),  # mai tri stacked over mai han akat, beside the ascender
        ("ผู", "ผู้", False),  # no upper vowel: the tone mark sits low, over the consonant
    ],
)
def test_tone_marks_clear_what_they_sit_on(base, with_mark, basic_gets_it_wrong):
    assert mark_clears_base(base, with_mark, RAQM)
    if basic_gets_it_wrong:
        assert not mark_clears_base(base, with_mark, BASIC)


def test_tone_mark_is_stacked_high_only_over_an_upper_vowel():
    stacked = ImageChops.subtract(ink("ที่", RAQM), ink("ที", RAQM)).getbbox()
    low = ImageChops.subtract(ink("ผู้", RAQM), ink("ผู", RAQM)).getbbox()
    assert stacked[3] < low[3]  # ที่'s mark ends higher than ผู้'s


@pytest.mark.parametrize(("word", "plain"), [("ฐู", "ทู"), ("ญุ", "ทุ")])
def test_descender_gives_way_to_a_below_vowel(word, plain):
    """ฐ and ญ drop their tail under ู/ุ: below the line only the vowel is left, as under ท."""
    assert ink_below_baseline(word, RAQM) == ink_below_baseline(plain, RAQM)
    assert ink_below_baseline(word, BASIC) > ink_below_baseline(plain, BASIC)


def test_the_slip_font_uses_raqm():
    f = fonts.font(26)
    assert f.layout_engine == RAQM
    assert fonts.font(26, bold=True).path.endswith("Sarabun-Bold.ttf")


def test_missing_raqm_is_a_bilingual_error(monkeypatch):
    monkeypatch.setattr(fonts.features, "check", lambda name: name != "raqm")
    with pytest.raises(RaqmMissing) as caught:
        fonts.require_raqm()
    assert caught.value.exit_status == 3
    assert "raqm" in caught.value.en
    assert any("\u0e00" <= ch <= "\u0e7f" for ch in caught.value.th)
