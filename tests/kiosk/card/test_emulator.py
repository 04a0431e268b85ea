"""The emulated card answers like a chip, status words included."""

import pytest

from kiosk.card import layout
from kiosk.card.emulator import ATRS, EncodeError, ThaiIdApplet, encode_card
from tests.cards import card


@pytest.fixture
def applet():
    return ThaiIdApplet.from_json(card())


def test_atrs_are_the_three_generations():
    assert ATRS["3b67"][:2] == b"\x3b\x67"
    assert ATRS["3b78"].startswith(bytes.fromhex("3B781800005448204E4944"))
    assert ATRS["3b79"] == bytes.fromhex("3B791800005448204E4944203130")


def test_fields_sit_at_their_offsets():
    raw = encode_card(card())
    assert raw[layout.CID.offset : layout.CID.end] == card()["cid"].encode()
    assert raw[layout.NAME_TH.offset : layout.NAME_TH.end].rstrip() == "นาย#สมชาย##ใจดี".encode(
        "tis-620"
    )
    assert raw[layout.GENDER.offset] == ord("1")
    assert raw[layout.EXPIRY_DATE.offset : layout.EXPIRY_DATE.end] == b"25700513"
    assert len(raw) == layout.FILE_SIZE


def test_select_other_aid(applet):
    assert applet.process(bytes.fromhex("00A4040008A000000054480083")) == b"\x6a\x82"


def test_read_before_select(applet):
    assert applet.process(layout.read_binary(4, 13)) == b"\x69\x86"


def test_get_response_without_pending_data(applet):
    applet.process(layout.SELECT)
    applet.process(bytes.fromhex("00C000000A"))  # consume the FCI
    assert applet.process(layout.get_response(0, 13)) == b"\x69\x85"


def test_get_response_length_rules(applet):
    applet.process(layout.SELECT)
    assert applet.process(layout.read_binary(4, 13)) == b"\x61\x0d"
    assert applet.process(layout.get_response(0, 20)) == b"\x6c\x0d"
    first = applet.process(layout.get_response(0, 5))
    assert first[-2:] == b"\x61\x08"
    rest = applet.process(layout.get_response(0, 8))
    assert (first[:-2] + rest[:-2]).decode() == card()["cid"]
    assert rest[-2:] == b"\x90\x00"


def test_out_of_file_read(applet):
    applet.process(layout.SELECT)
    assert applet.process(layout.read_binary(layout.FILE_SIZE - 2, 10)) == b"\x6b\x00"


def test_unknown_instruction_and_class(applet):
    assert applet.process(bytes.fromhex("00B0000000")) == b"\x6d\x00"
    assert applet.process(bytes.fromhex("A0B0000000")) == b"\x6e\x00"
    assert applet.process(b"\x00") == b"\x67\x00"


def test_text_outside_tis620_cannot_be_encoded():
    with pytest.raises(EncodeError, match="TIS-620"):
        encode_card(card(name_en={"first": "Zoë"}))


def test_text_too_long_for_its_field():
    with pytest.raises(EncodeError, match="do not fit"):
        encode_card(card(issuer="ก" * 101))
