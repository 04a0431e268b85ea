"""The slip of a booking confirmed at the terminal from a seat lease (DESIGN §11, issue 11).

It must read "confirmed" with its final reference like an online booking, and its QR code must
carry the signed slip code, byte for byte, on both paper widths, so that `kiosk-central
check-slip` can verify what a site scans. The fixture's code is really signed (a fixed test key)
so a test here also proves the fixture is not a string that merely looks like a code.
"""

from __future__ import annotations

import copy

import pytest
import zxingcpp
from cryptography.hazmat.primitives.asymmetric import ed25519

from kiosk.leases import parse_slip_code
from printer.content import OFFLINE_NOTE, slip_blocks
from printer.errors import SlipDataError
from printer.paper import paper
from printer.slip import render_slip
from printer.slip_data import parse_slip
from tests.printer.conftest import NOW, slip_json
from tests.printer.test_content import qr_payloads, texts

#: The terminal key the fixture's slip code was signed with (Ed25519 is deterministic).
TERMINAL_KEY = ed25519.Ed25519PrivateKey.from_private_bytes(bytes(range(32)))


def offline() -> dict:
    return copy.deepcopy(slip_json("offline-confirmed"))


def test_the_fixture_carries_a_real_slip_code_for_its_own_booking():
    data = offline()
    code = parse_slip_code(data["slip_code"])
    code.verify(TERMINAL_KEY.public_key())
    assert (code.reference, code.slot_id) == (data["reference"], data["slot"]["id"])


def test_an_offline_confirmed_slip_says_confirmed_with_its_reference_like_an_online_one():
    slip = parse_slip(offline(), now=NOW)
    assert slip.offline_confirmed and slip.kind == "confirmed"
    said = "\n".join(texts(slip_blocks(slip)))
    online = "\n".join(texts(slip_blocks(parse_slip(slip_json("confirmed"), now=NOW))))
    for words in ("จองสำเร็จ", "Booking confirmed", "TRJ-5W2P-H8RC", "วันนัด", "Appointment"):
        assert words in said, words
    assert "รอยืนยัน" not in said and "Awaiting" not in said
    # the one difference in words: the staff line saying where it was confirmed
    assert OFFLINE_NOTE.replace("\u00a0", " ") in said
    assert OFFLINE_NOTE not in online


def test_its_qr_code_is_the_slip_code_not_the_bare_reference():
    data = offline()
    assert qr_payloads(slip_blocks(parse_slip(data, now=NOW))) == [data["slip_code"]]


@pytest.mark.parametrize("mm", [80, 58])
def test_the_printed_qr_code_decodes_to_the_exact_slip_code(mm):
    data = offline()
    image = render_slip(parse_slip(data, now=NOW), paper(mm))
    assert image.width == paper(mm).dots
    found = zxingcpp.read_barcodes(image.convert("L"))
    qr = zxingcpp.BarcodeFormat.QRCode
    assert [(b.format, b.text) for b in found] == [(qr, data["slip_code"])]
    # and what was scanned still verifies: no byte lost or changed on the way to the paper
    parse_slip_code(found[0].text).verify(TERMINAL_KEY.public_key())


@pytest.mark.parametrize("mm", [80, 58])
def test_the_qr_code_keeps_its_quiet_zone_inside_the_paper(mm):
    """The slip code needs a much larger QR than a reference: it must still fit the head."""
    image = render_slip(parse_slip(offline(), now=NOW), paper(mm)).convert("L")
    found = zxingcpp.read_barcodes(image)
    pos = found[0].position
    xs = [p.x for p in (pos.top_left, pos.top_right, pos.bottom_left, pos.bottom_right)]
    quiet = 4 * paper(mm).qr_module
    assert min(xs) - quiet >= 0 and max(xs) + quiet <= image.width


def test_a_central_confirmed_slip_still_carries_only_the_reference():
    data = slip_json("confirmed") | {"confirmed_by": "central"}
    slip = parse_slip(data, now=NOW)
    assert not slip.offline_confirmed and slip.qr_payload == "TRJ-7K3M-Q9XD"


def _bad(change: dict) -> SlipDataError:
    data = offline() | change
    with pytest.raises(SlipDataError) as caught:
        parse_slip(data, now=NOW)
    return caught.value


def test_confirmed_at_the_terminal_without_a_slip_code_is_refused():
    err = _bad({"slip_code": None})
    assert err.field == "slip_code" and "must carry its slip code" in err.problem


def test_a_slip_code_for_another_reference_or_slot_is_refused():
    for field, value, says in (
        ("reference", "TRJ-0000-0000", "names reference"),
        ("slot", {**offline()["slot"], "id": "bkk-01-2021-06-07-1000"}, "names slot"),
    ):
        err = _bad({field: value})
        assert err.field == "slip_code" and says in err.problem, field


@pytest.mark.parametrize(
    "code",
    [
        "TRJ-5W2P-H8RC",  # a bare reference is not a slip code
        "TRJ1;TRJ-5W2P-H8RC;bkk-01-2021-06-07-0900",  # too few fields
        "TRJ9;TRJ-5W2P-H8RC;bkk-01-2021-06-07-0900;l;2021-05-28T10:15:00+07:00;k;sig",
        "TRJ1;TRJ-5W2P-H8RC;bkk-01-2021-06-07-0900;l;not-a-time;k;c2ln",
    ],
)
def test_a_malformed_slip_code_is_refused_with_the_reason(code):
    err = _bad({"slip_code": code})
    assert err.field == "slip_code" and err.exit_status == 2


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"confirmed_by": "central"}, "slip_code"),  # a QR code never says more than its booking
        ({"confirmed_by": None}, "slip_code"),
        ({"confirmed_by": "store"}, "confirmed_by"),
    ],
)
def test_a_slip_code_goes_only_with_confirmed_by_terminal(change, field):
    assert _bad(change).field == field


def test_only_a_confirmed_booking_can_be_confirmed_by_the_terminal():
    data = slip_json("queued") | {"confirmed_by": "terminal"}
    with pytest.raises(SlipDataError) as caught:
        parse_slip(data, now=NOW)
    assert caught.value.field == "confirmed_by"
