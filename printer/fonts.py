"""The bundled Thai font, opened for Pillow with raqm layout, and the check that raqm exists.

Pillow's basic layout places Thai marks by their advance alone: a tone mark over an above-vowel
lands on top of it (ที่), and ฐ keeps its descender under ู (ฐู). Only the raqm engine (HarfBuzz
shaping through libraqm and FriBiDi) reads the font's mark positioning, so the slip refuses to
render without it rather than print a slip a customer cannot read. `require_raqm()` is cheap and
is also called at kiosk start-up.
"""

from __future__ import annotations

from functools import lru_cache

from PIL import ImageFont, features

from kiosk.assets import font_path
from printer.errors import RaqmMissing


def require_raqm() -> None:
    """Raise `RaqmMissing` unless Pillow can shape Thai with raqm."""
    if not features.check("raqm"):
        raise RaqmMissing()


@lru_cache(maxsize=64)
def font(size: int, *, bold: bool = False) -> ImageFont.FreeTypeFont:
    """The bundled font at `size` pixels (dots), shaped by raqm."""
    require_raqm()
    return ImageFont.truetype(
        str(font_path("bold" if bold else "regular")),
        size,
        layout_engine=ImageFont.Layout.RAQM,
    )
