import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.card import decode, layout
from kiosk.card.emulator import encode_card
from kiosk.card.errors import CardDataError
from kiosk.card.model import Card
from tests.cards import FIXTURE_NAMES, card, fixture


def tis(text: str, width: int = 100) -> bytes:
    return text.encode("iso8859_11").ljust(width, b" ")


def test_text_strips_space_and_nul_padding_and_keeps_inner_spaces():
    assert decode.text(b"Mr. John\x00\x00  ", "name_en") == "Mr. John"
    assert decode.text(tis("แขวง ลาดยาว"), "address") == "แขวง ลาดยาว"


def test_text_maps_nbsp_to_space():
    assert decode.text(b"A\xa0B", "issuer") == "A B"


@pytest.mark.parametrize("raw", [b"\xdb", b"\xfc", b"\xff"])
def test_bytes_outside_tis620_are_refused(raw):
    with pytest.raises(CardDataError, match="not TIS-620"):
        decode.text(b"AB" + raw, "issuer")


@pytest.mark.parametrize("raw", [b"A\x07B", b"A\x85B", b"A\x1bB"])
def test_control_characters_are_refused(raw):
    with pytest.raises(CardDataError, match="control character"):
        decode.text(raw, "issuer")


def test_names_keep_prefix_first_middle_last_apart():
    # pythaiidcard 0.3.0 replaces '#' before splitting and puts everything into the prefix.
    n = decode.name(tis("นาย#สมชาย##ใจดี"), "name_th")
    assert (n.prefix, n.first, n.middle, n.last) == ("นาย", "สมชาย", "", "ใจดี")
    n = decode.name(tis("Mr.#John#Robert#Smith"), "name_en")
    assert (n.prefix, n.first, n.middle, n.last) == ("Mr.", "John", "Robert", "Smith")


def test_a_name_without_the_middle_slot_is_accepted():
    n = decode.name(tis("Mr.#John#Smith"), "name_en")
    assert (n.first, n.middle, n.last) == ("John", "", "Smith")


@pytest.mark.parametrize("raw", ["Somchai Jaidee", "a#b#c#d#e"])
def test_names_with_wrong_part_count_are_refused(raw):
    with pytest.raises(CardDataError, match="parts"):
        decode.name(tis(raw), "name_en")


def test_bangkok_address_keeps_its_province():
    # pythaiidcard looks for the word จังหวัด and loses Bangkok, which has none.
    a = decode.address(tis("12#หมู่ที่ 3###ถนนพหลโยธิน#แขวงลาดยาว#เขตจตุจักร#กรุงเทพมหานคร", 160))
    assert (a.house_no, a.moo, a.road) == ("12", "หมู่ที่ 3", "ถนนพหลโยธิน")
    assert (a.subdistrict, a.district, a.province) == ("แขวงลาดยาว", "เขตจตุจักร", "กรุงเทพมหานคร")


def test_address_parts_go_by_prefix_when_a_card_shifts_them():
    # The layout cardpeek documents: lane at index 2, road at 3, an unused field at 4.
    a = decode.address(tis("5#หมู่ที่ 2#ซอยร่วมฤดี#ถนนวิทยุ##แขวงลุมพินี#เขตปทุมวัน#กรุงเทพมหานคร", 160))
    assert (a.moo, a.trok, a.soi, a.road) == ("หมู่ที่ 2", "", "ซอยร่วมฤดี", "ถนนวิทยุ")
    assert a.province == "กรุงเทพมหานคร"


def test_address_with_fewer_parts_reads_the_last_three_from_the_end():
    a = decode.address(tis("7/1#ตำบลบางเมือง#อำเภอเมือง#จังหวัดสมุทรปราการ", 160))
    assert (a.house_no, a.subdistrict, a.district, a.province) == (
        "7/1",
        "ตำบลบางเมือง",
        "อำเภอเมือง",
        "จังหวัดสมุทรปราการ",
    )


def test_address_text_is_never_dropped():
    a = decode.address(tis("1#ถนนหนึ่ง#ถนนสอง#ถนนสาม#ถนนสี่#ถนนห้า#ต#อ#จ", 160))
    assert "ถนนห้า" in " ".join(a.lines())


def test_address_with_too_few_parts_is_refused():
    with pytest.raises(CardDataError, match="address"):
        decode.address(tis("กรุงเทพมหานคร", 160))


def test_gender_bytes():
    assert decode.gender(b"1") == "male"
    assert decode.gender(b"2") == "female"
    with pytest.raises(CardDataError, match="gender"):
        decode.gender(b"3")


def test_photo_ends_at_the_jpeg_end_marker_and_keeps_inner_spaces():
    jpeg = b"\xff\xd8 \x20data\x20 \xff\xd9"
    assert decode.photo(jpeg + b" " * 50) == jpeg
    with pytest.raises(CardDataError):
        decode.photo(b"GIF89a" + b" " * 10)
    with pytest.raises(CardDataError):
        decode.photo(b"\xff\xd8 no end")


@pytest.mark.parametrize("name", FIXTURE_NAMES)
def test_whole_card_file_decodes_to_its_json(name):
    data = fixture(name)
    assert decode.card(decode.CardImage.from_file(bytes(encode_card(data)))) == Card.from_json(data)


def test_a_long_address_is_read_whole():
    data = fixture("long_address")
    decoded = decode.card(decode.CardImage.from_file(bytes(encode_card(data))))
    assert len("#".join(data["address"].values()).encode("iso8859_11")) > 100
    assert decoded.address.to_json() == data["address"]


def test_card_image_joins_adjacent_reads():
    image = decode.CardImage()
    image.put(10, b"world")
    image.put(5, b"hello")
    assert image.get(layout.Field("x", 7, 6)) == b"llowor"
    with pytest.raises(CardDataError, match="not read"):
        image.get(layout.Field("photo", 0, 3))


def test_cid_with_letters_is_refused():
    raw = bytearray(encode_card(card()))
    raw[layout.CID.offset + 3] = ord("A")
    with pytest.raises(CardDataError) as err:
        decode.card(decode.CardImage.from_file(bytes(raw)))
    assert err.value.field == "cid"


_text_run = st.binary(min_size=layout.EXPIRY_DATE.end, max_size=layout.EXPIRY_DATE.end)
_address = st.binary(min_size=layout.ADDRESS.length, max_size=layout.ADDRESS.length)


@settings(max_examples=400)
@given(_text_run, _address)
def test_arbitrary_bytes_give_a_card_or_a_card_data_error(text_run, address):
    image = decode.CardImage()
    image.put(0, text_run)
    image.put(layout.ADDRESS.offset, address)
    try:
        decode.card(image)
    except CardDataError as exc:
        assert exc.th and exc.en and exc.field


_THAI = "กขคงจฉชซญฐณดตถทธนบปผพฟมยรลวศสหอฮะาำิีึืุูเแโใไ่้๊๋็์"
_tis_text = st.text(alphabet=st.sampled_from(_THAI + " abcXYZ0123/."), max_size=20)


@settings(max_examples=200)
@given(st.lists(_tis_text, min_size=8, max_size=8), st.lists(_tis_text, min_size=4, max_size=4))
def test_any_encodable_text_survives_the_round_trip(address_parts, name_parts):
    keys = ["house_no", "moo", "trok", "soi", "road", "subdistrict", "district", "province"]
    parts = [p.strip() for p in address_parts]
    # a value with a known prefix may legitimately move to its own slot; keep positions honest
    parts = [
        p if not p.startswith(("หมู่", "ม.", "ตรอก", "ซอย", "ซ.", "ถนน", "ถ.")) else "x" + p
        for p in parts
    ]
    data = card(
        address=dict(zip(keys, parts, strict=True)),
        name_th=dict(
            zip(["prefix", "first", "middle", "last"], [p.strip() for p in name_parts], strict=True)
        ),
    )
    decoded = decode.card(decode.CardImage.from_file(bytes(encode_card(data))))
    assert decoded.name_th.to_json() == data["name_th"]
    assert decoded.address.to_json() == data["address"]
