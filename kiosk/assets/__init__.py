"""Data files shipped inside the package: the Thai font used by the slip and the screens.

One font for both, bundled rather than taken from the system, because a terminal's Debian image
has no Thai font and because the printed slip and the screen must look the same to a customer
comparing them. Sarabun (OFL-1.1, licence text beside the files in `fonts/OFL.txt`) covers Thai
and Latin, so English lines need no second font.

Pure: returns paths, loads nothing, knows nothing of Qt or Pillow.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

FONTS_DIR = Path(__file__).resolve().parent / "fonts"
FONT_FAMILY = "Sarabun"
LICENCE = FONTS_DIR / "OFL.txt"

Weight = Literal["regular", "bold"]

_FILES: dict[str, str] = {
    "regular": "Sarabun-Regular.ttf",
    "bold": "Sarabun-Bold.ttf",
}


def font_path(weight: Weight = "regular") -> Path:
    """The TTF file of the bundled Thai font in `weight`."""
    try:
        return FONTS_DIR / _FILES[weight]
    except KeyError:
        raise ValueError(f"no bundled font weight {weight!r}; have {sorted(_FILES)}") from None
