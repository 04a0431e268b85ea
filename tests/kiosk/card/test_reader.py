"""The APDU conversation against the emulated applet, in process (no pcscd)."""

import pytest

from kiosk.card import layout
from kiosk.card.emulator import ATRS, CardFaults, ThaiIdApplet, placeholder_photo
from kiosk.card.errors import (
    CardProtocolError,
    CardRemoved,
    CardReset,
    CardStatusError,
    NotThaiIdCard,
)
from kiosk.card.fake import FakeConnection
from kiosk.card.model import Card
from kiosk.card.reader import ThaiIdReader
from tests.cards import FIXTURE_NAMES as FIXTURES
from tests.cards import fixture


def reader_for(name="bangkok", atr="3b79", **faults):
    applet = ThaiIdApplet.from_json(fixture(name), atr=atr, faults=CardFaults(**faults))
    conn = FakeConnection(applet)
    return ThaiIdReader(conn), conn


@pytest.mark.parametrize("atr", sorted(ATRS))
@pytest.mark.parametrize("name", FIXTURES)
def test_every_field_of_every_fixture_with_every_atr(name, atr):
    reader, _ = reader_for(name, atr)
    assert reader.read_card().to_json() == Card.from_json(fixture(name)).to_json()


def test_text_fields_take_select_and_three_reads():
    reader, conn = reader_for()
    reader.read_card()
    assert reader.stats.exchanges == 7
    assert reader.stats.read_commands == 3
    sent = [apdu.hex().upper() for apdu, _ in conn.log]
    assert sent[0] == "00A4040008A000000054480001"
    assert sent[1::2] == ["80B0000402" + "00FF", "80B0010302" + "0074", "80B0157902" + "00A0"]
    assert all(s.startswith("00C00000") for s in sent[2::2])


def test_address_is_read_as_160_bytes():
    reader, conn = reader_for("long_address")
    reader.read_card()
    assert any(apdu.hex().upper() == "80B015790200A0" for apdu, _ in conn.log)


def test_old_chips_get_p2_01_in_get_response():
    reader, conn = reader_for(atr="3b67")
    reader.read_card()
    assert all(apdu[3] == 0x01 for apdu, _ in conn.log if apdu[:2] == b"\x00\xc0")


def test_old_chips_refuse_p2_00():
    """The emulator is strict like the real chip, so the P2 choice above is really exercised."""
    applet = ThaiIdApplet.from_json(fixture("bangkok"), atr="3b67")
    applet.process(layout.SELECT)
    assert applet.process(layout.read_binary(4, 13)) == b"\x61\x0d"
    assert applet.process(layout.get_response(0x00, 13)) == b"\x6a\x86"


def test_photo_only_when_asked():
    reader, conn = reader_for()
    card = reader.read_card()
    assert card.photo is None
    assert not any(apdu[2:4] == b"\x01\x7b" for apdu, _ in conn.log)
    reader, _ = reader_for()
    card = reader.read_card(photo=True)
    assert card.photo == placeholder_photo()
    assert reader.stats.exchanges == 7 + 2 * 21  # 5118 bytes in 20 x 255 + 18


def test_select_answered_90_00():
    reader, _ = reader_for(select_90=True)
    assert reader.read_card().to_json() == fixture("bangkok")


def test_data_returned_directly():
    reader, _ = reader_for(direct_data=True)
    assert reader.read_card().to_json() == fixture("bangkok")
    assert reader.stats.exchanges == 4


def test_card_that_refuses_long_reads_is_followed_down():
    reader, _ = reader_for("long_address", max_read=100)
    assert reader.read_card().to_json() == fixture("long_address")
    # one refusal, then 100-byte reads: 4 for the text run and 2 for the address
    assert reader.stats.exchanges == 1 + 1 + 2 * 6


def test_card_that_corrects_the_length_with_6c():
    reader, _ = reader_for(max_read=200, correct_length=True)
    assert reader.read_card().to_json() == fixture("bangkok")


def test_error_status_word_is_a_typed_error():
    reader, _ = reader_for(read_sw=b"\x6f\x00")
    with pytest.raises(CardStatusError) as err:
        reader.read_card()
    assert err.value.sw == "6F00"
    assert "6F00" in err.value.th and "6F00" in err.value.en


class _Scripted:
    """A connection that answers from a script, for replies no correct card gives."""

    atr = ATRS["3b79"]

    def __init__(self, replies):
        self.replies = list(replies)

    def transmit(self, apdu):
        data, sw = self.replies.pop(0) if self.replies else (b"", b"\x90\x00")
        return data, sw[0], sw[1]


def test_a_card_without_the_moi_applet_is_not_a_thai_id():
    with pytest.raises(NotThaiIdCard):
        ThaiIdReader(_Scripted([(b"", b"\x6a\x82")])).read_card()


def test_select_with_an_unexpected_status():
    with pytest.raises(CardStatusError):
        ThaiIdReader(_Scripted([(b"", b"\x65\x81")])).read_card()


def test_a_card_that_returns_nothing_is_a_protocol_error():
    with pytest.raises(CardProtocolError):
        ThaiIdReader(_Scripted([(b"", b"\x90\x00")] * 3)).read_card()


def test_a_card_that_announces_data_forever_is_a_protocol_error():
    replies = [(b"", b"\x61\x00")] + [(b"", b"\x61\x10")] * 100
    reader = ThaiIdReader(_Scripted([(b"", b"\x90\x00"), *replies]))
    with pytest.raises(CardProtocolError):
        reader.read_card()
    assert reader.stats.exchanges < 40


def test_short_answers_are_completed_with_further_reads():
    class Stingy(ThaiIdApplet):
        """Announces and returns at most 50 bytes, whatever was asked."""

        def process(self, apdu):
            if apdu[:2] == b"\x80\xb0":
                apdu = apdu[:6] + bytes([min(apdu[6], 50)])
            return super().process(apdu)

    applet = Stingy(ThaiIdApplet.from_json(fixture("bangkok"))._file, ATRS["3b78"])
    assert ThaiIdReader(FakeConnection(applet)).read_card().to_json() == fixture("bangkok")


def test_card_pulled_out_mid_read():
    applet = ThaiIdApplet.from_json(fixture("bangkok"))
    with pytest.raises(CardRemoved):
        ThaiIdReader(FakeConnection(applet, remove_after=3)).read_card()


def test_card_reset_mid_read_is_reported_as_reset():
    applet = ThaiIdApplet.from_json(fixture("bangkok"))
    with pytest.raises(CardReset):
        ThaiIdReader(FakeConnection(applet, reset_after=2)).read_card()


def test_corrupt_field_on_the_chip():
    reader, _ = reader_for(patches={layout.BIRTH_DATE.offset: b"25301345"})
    with pytest.raises(Exception) as err:
        reader.read_card()
    assert err.value.code == "card-data"
    assert err.value.field == "birth_date"


def test_a_card_that_serves_only_its_fields_is_read_field_by_field():
    """Some emulations hold the fields and nothing between them; a read across a gap fails."""

    class FieldsOnly(ThaiIdApplet):
        def process(self, apdu):
            if apdu[:2] == b"\x80\xb0":
                offset = ((apdu[2] & 0x7F) << 8) | apdu[3]
                end = offset + apdu[6]
                if not any(f.offset <= offset and end <= f.end for f in layout.TEXT_FIELDS):
                    return b"\x6b\x00"
            return super().process(apdu)

    applet = FieldsOnly(ThaiIdApplet.from_json(fixture("bangkok"))._file, ATRS["3b79"])
    reader = ThaiIdReader(FakeConnection(applet))
    assert reader.read_card().to_json() == fixture("bangkok")
