"""Golden slips: every kind, rendered from fixed inputs, must match the committed PNG exactly.

To accept a deliberate change, regenerate and look at every changed picture before committing:

    KIOSK_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/printer/test_slip.py

The pictures depend on Pillow's FreeType and raqm, which is why Pillow is pinned to one major.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image, ImageChops

from printer.paper import paper
from printer.slip import render_slip
from printer.slip_data import parse_slip
from tests.printer.conftest import KINDS, NOW, VARIANTS, slip_json

GOLDEN = Path(__file__).parent / "golden"
CASES = [
    *((kind, 80) for kind in (*KINDS, *VARIANTS)),
    ("confirmed", 58),
    ("queued", 58),
    ("offline-confirmed", 58),
]


def render(kind: str, mm: int) -> Image.Image:
    return render_slip(parse_slip(slip_json(kind), now=NOW), paper(mm))


@pytest.mark.parametrize(("kind", "mm"), CASES, ids=[f"{k}-{m}" for k, m in CASES])
def test_slip_matches_its_golden_image(kind, mm, tmp_path):
    image = render(kind, mm)
    golden = GOLDEN / f"{kind}-{mm}.png"
    if os.environ.get("KIOSK_UPDATE_GOLDEN") == "1":
        golden.parent.mkdir(exist_ok=True)
        image.save(golden)
        pytest.skip(f"rewrote {golden.name}: look at it before committing")
    expected = Image.open(golden)
    if expected.size != image.size or expected.tobytes() != image.tobytes():
        actual = tmp_path / golden.name
        image.save(actual)
        diff = ImageChops.difference(expected.convert("L"), image.convert("L")).getbbox()
        pytest.fail(
            f"{golden.name}: rendered {image.size}, golden {expected.size}, "
            f"differences within {diff}; the new rendering is {actual}"
        )


@pytest.mark.parametrize(("kind", "mm"), CASES, ids=[f"{k}-{m}" for k, m in CASES])
def test_slip_is_one_bit_and_as_wide_as_the_print_head(kind, mm):
    image = render(kind, mm)
    assert image.mode == "1"
    assert image.width == paper(mm).dots


@pytest.mark.parametrize("mm", [80, 58])
def test_the_qr_code_holds_the_reference_and_nothing_else(mm):
    found = zxingcpp.read_barcodes(render("confirmed", mm).convert("L"))
    assert [(b.format, b.text) for b in found] == [(zxingcpp.BarcodeFormat.QRCode, "TRJ-7K3M-Q9XD")]


@pytest.mark.parametrize("kind", [k for k in KINDS if k != "confirmed"])
def test_only_a_confirmed_booking_has_a_qr_code(kind):
    assert zxingcpp.read_barcodes(render(kind, 80).convert("L")) == []
