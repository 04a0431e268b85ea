"""Typesetting rules that the golden images cannot explain when they break."""

from __future__ import annotations

import itertools

import pytest
import zxingcpp
from PIL import Image, ImageOps

from printer.layout import Beside, Qr, Rule, Text, render
from printer.paper import PAPERS, paper


def rows_with_ink(img: Image.Image) -> list[bool]:
    ink = ImageOps.invert(img.convert("L"))
    return [ink.crop((0, y, img.width, y + 1)).getbbox() is not None for y in range(img.height)]


@pytest.mark.parametrize("mm", sorted(PAPERS))
def test_the_image_is_exactly_the_print_head_wide(mm):
    img = render([Text("ทดสอบ"), Rule()], paper(mm))
    assert img.mode == "1" and img.width == PAPERS[mm].dots


def test_stacked_marks_never_touch_the_below_vowels_of_the_line_above():
    """A line of ผู้ over a line of ที่: with a fixed pitch they would collide."""
    sheet = paper(80)
    line1, line2 = "ผู้" * 22, "ที่" * 22
    img = render([Text(f"{line1} {line2}", "body")], sheet)
    inked = rows_with_ink(img)
    # the paragraph wrapped into two lines with a fully blank band between them
    runs, y = [], 0
    while y < len(inked):
        if inked[y]:
            start = y
            while y < len(inked) and inked[y]:
                y += 1
            runs.append((start, y))
        y += 1
    # blank bands inside one line (between a mark and its letter) are a row or two; the band
    # between the two lines must be wider, at least the layout's gap of size / 6
    gaps = sorted(b[0] - a[1] for a, b in itertools.pairwise(runs))
    assert gaps[-1] >= sheet.scale(26) // 6, runs
    assert gaps[-2] <= 2, runs


def test_center_alignment_centres_the_ink():
    sheet = paper(80)
    img = render([Text("TRJ-7K3M-Q9XD", "reference", "center")], sheet)
    left, _, right, _ = ImageOps.invert(img.convert("L")).getbbox()
    assert abs(left - (img.width - right)) <= 4


def test_fit_shrinks_a_long_line_instead_of_wrapping_it():
    sheet = paper(58)
    long = "TRJ-7K3M-Q9XD-ABCD-EFGH"
    img = render([Text(long, "reference", "center", fit=True)], sheet)
    box = ImageOps.invert(img.convert("L")).getbbox()
    assert box[0] >= sheet.margin and box[2] <= sheet.dots - sheet.margin
    # one line: the height stays that of one line of the reference style
    assert img.height < 2 * sheet.scale(58)


@pytest.mark.parametrize("mm", sorted(PAPERS))
def test_qr_code_keeps_its_quiet_zone_and_reads_back(mm):
    sheet = paper(mm)
    img = render([Beside(Qr("TRJ-7K3M-Q9XD"), (Text("วันนัด"),))], sheet)
    found = zxingcpp.read_barcodes(img.convert("L"))
    assert [b.text for b in found] == ["TRJ-7K3M-Q9XD"]
    pos = found[0].position
    quiet = 4 * sheet.qr_module
    left = min(pos.top_left.x, pos.bottom_left.x)
    assert left >= sheet.margin + quiet - 1  # four white modules before the finder pattern


def test_beside_stacks_when_the_paper_is_narrow():
    wide = render([Beside(Qr("X"), (Text("วันนัด"),))], paper(80))
    narrow = render([Beside(Qr("X"), (Text("วันนัด"),))], paper(58))
    # side by side, the block is only as tall as the QR code; stacked, taller than it
    qr80 = 21 + 8
    assert wide.height == qr80 * paper(80).qr_module
    assert narrow.height > (21 + 8) * paper(58).qr_module
