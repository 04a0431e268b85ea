"""The slip, from data to picture: `printer.content` says it, `printer.layout` draws it."""

from __future__ import annotations

from PIL import Image

from printer.content import slip_blocks
from printer.layout import render
from printer.paper import Paper
from printer.slip_data import SlipData


def render_slip(slip: SlipData, paper: Paper) -> Image.Image:
    """One mode-"1" image, `paper.dots` wide, ready for GS v 0 or a preview PNG."""
    return render(slip_blocks(slip), paper)
