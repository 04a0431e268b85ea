from datetime import date

import pytest

from kiosk.card.errors import CardDataError, InvalidCitizenId
from kiosk.card.model import BEDate, Card
from tests.cards import FIXTURE_NAMES, card, fixture


@pytest.mark.parametrize(
    ("raw", "earliest", "latest"),
    [
        ("25300514", date(1987, 5, 14), date(1987, 5, 14)),
        ("25300500", date(1987, 5, 1), date(1987, 5, 31)),
        ("25300000", date(1987, 1, 1), date(1987, 12, 31)),
        ("25430200", date(2000, 2, 1), date(2000, 2, 29)),  # BE 2543 = 2000, a leap year
        ("25440200", date(2001, 2, 1), date(2001, 2, 28)),
        ("25430229", date(2000, 2, 29), date(2000, 2, 29)),
    ],
)
def test_dates_with_unknown_parts_are_ranges(raw, earliest, latest):
    d = BEDate.parse(raw, "birth_date")
    assert (d.earliest(), d.latest()) == (earliest, latest)
    assert d.raw == raw


def test_unknown_year_has_no_range():
    d = BEDate.parse("00000000", "birth_date")
    assert not d.year_known
    assert d.earliest() is None and d.latest() is None


def test_lifetime_only_for_expiry():
    assert BEDate.parse("99999999", "expiry_date", lifetime_ok=True).lifetime
    with pytest.raises(CardDataError, match="lifetime"):
        BEDate.parse("99999999", "birth_date")


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("25301314", "month 13"),
        ("25300532", "day 32"),
        ("25300230", "not a calendar date"),
        ("25440229", "not a calendar date"),  # 2001 is not a leap year
        ("25300014", "day is given without a month"),
        ("12340514", "out of range"),
        ("2530051", "8 digits"),
        ("2530-5-1", "8 digits"),
        ("๒๕๓๐๐๕๑๔", "8 digits"),  # Thai digits are not what the chip stores
    ],
)
def test_impossible_dates_name_the_field(raw, reason):
    with pytest.raises(CardDataError, match=reason) as err:
        BEDate.parse(raw, "birth_date")
    assert err.value.field == "birth_date"
    assert "วันเกิด" in err.value.th


@pytest.mark.parametrize("name", FIXTURE_NAMES)
def test_json_round_trip(name):
    data = fixture(name)
    assert Card.from_json(data).to_json() == data


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({k: v for k, v in card().items() if k != "cid"}, "cid"),
        (card(cid="12345"), "cid"),
        (card(cid=1234567890123), "cid"),
        (card(gender="m"), "gender"),
        (card(birth_date_be="25301301"), "birth_date"),
        (card(name_th={"first": 5}), "name_th"),
        ({**card(), "name_en": {"first": "A"}}, "name_en"),
        (card(address={"zip": "10900"}), "address"),
        (card(expiry_date_be="bogus"), "expiry_date"),
    ],
)
def test_from_json_names_the_bad_field(data, field):
    with pytest.raises(CardDataError) as err:
        Card.from_json(data)
    assert err.value.field == field


def test_check_digit_is_enforced_only_on_request():
    bad = Card.from_json(card(cid="1103700123450"))
    assert not bad.cid_valid
    with pytest.raises(InvalidCitizenId):
        bad.check()


def test_repr_hides_personal_data():
    c = Card.from_json(fixture("bangkok"))
    text = repr(c) + repr(c.name_th) + repr(c.address)
    assert c.cid not in text
    assert "สมชาย" not in text and "Somchai" not in text
    assert c.masked_cid not in text and c.cid[1:5] not in text  # not even the masked digits
    assert "hidden" in text


def test_names_display_as_written():
    c = Card.from_json(fixture("middle_name"))
    assert c.name_th.display(thai=True) == "นายจอห์น โรเบิร์ต สมิธ"
    assert c.name_en.display(thai=False) == "Mr. John Robert Smith"
