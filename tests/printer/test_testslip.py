"""The technician's test slip carries what it claims to test."""

from __future__ import annotations

import pytest
import zxingcpp
from PIL import ImageOps

from printer.paper import PAPERS, paper
from printer.testslip import TEST_QR, render_test_slip
from tests.printer.conftest import NOW


@pytest.mark.parametrize("mm", sorted(PAPERS))
def test_test_slip_is_full_width_with_a_readable_qr_and_an_edge_to_edge_ruler(mm):
    img = render_test_slip(paper(mm), "tcp://192.0.2.7:9100", NOW, "online, paper ok")
    assert img.mode == "1" and img.width == PAPERS[mm].dots
    assert [b.text for b in zxingcpp.read_barcodes(img.convert("L"))] == [TEST_QR]
    ruler = ImageOps.invert(img.convert("L").crop((0, img.height - 40, img.width, img.height)))
    left, _, right, _ = ruler.getbbox()
    assert (left, right) == (0, img.width)  # ticks reach both edges of the print head
