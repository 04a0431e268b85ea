"""The bundled font: present, licensed, and found the same way from an installed package."""

from __future__ import annotations

import pytest

from kiosk.assets import FONT_FAMILY, FONTS_DIR, LICENCE, font_path


def test_the_font_ships_with_its_licence():
    assert {p.name for p in FONTS_DIR.iterdir()} >= {
        "Sarabun-Regular.ttf",
        "Sarabun-Bold.ttf",
        "OFL.txt",
    }
    assert "SIL OPEN FONT LICENSE Version 1.1" in LICENCE.read_text(encoding="utf-8")
    assert "Sarabun Project Authors" in LICENCE.read_text(encoding="utf-8")


@pytest.mark.parametrize("weight", ["regular", "bold"])
def test_font_path_points_at_a_truetype_file(weight):
    path = font_path(weight)
    assert FONT_FAMILY in path.name
    assert path.read_bytes()[:4] == b"\x00\x01\x00\x00"  # TrueType outlines


def test_unknown_weight_is_refused():
    with pytest.raises(ValueError, match="weight"):
        font_path("light")  # type: ignore[arg-type]
