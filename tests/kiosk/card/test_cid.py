import pytest
from hypothesis import given
from hypothesis import strategies as st

from kiosk.card import cid as cidlib
from kiosk.card.cid import PersonCategory


@pytest.mark.parametrize("cid", ["3012304567082", "1112034563562"])
def test_published_examples_pass(cid):
    assert cidlib.is_valid(cid)


@pytest.mark.parametrize(
    "cid",
    [
        "3012304567083",
        "1112034563560",
        "111203456356",
        "11120345635621",
        "1112O34563562",
        "",
        "１１１２０３４５６３５６２",
    ],
)
def test_wrong_or_malformed_ids_fail(cid):
    assert not cidlib.is_valid(cid)


@given(st.text(alphabet="0123456789", min_size=12, max_size=12))
def test_check_digit_matches_the_thai_wikipedia_formulation(first12):
    x = sum(int(d) * (13 - i) for i, d in enumerate(first12)) % 11
    expected = 1 - x if x <= 1 else 11 - x
    assert cidlib.check_digit(first12) == expected % 10
    assert cidlib.is_valid(first12 + str(expected % 10))


@pytest.mark.parametrize(
    ("first", "category", "foreign"),
    [
        ("1", PersonCategory.THAI, False),
        ("3", PersonCategory.THAI, False),
        ("5", PersonCategory.THAI, False),
        ("6", PersonCategory.FOREIGN_TEMPORARY, True),
        ("7", PersonCategory.FOREIGN_BORN_HERE, True),
        ("0", PersonCategory.STATELESS, True),
        ("8", PersonCategory.PERMANENT_RESIDENT, False),
        ("9", PersonCategory.RESERVED, False),
    ],
)
def test_category_by_first_digit(first, category, foreign):
    cid = first + "100100123" + "12"
    cid += str(cidlib.check_digit(cid))
    assert cidlib.category(cid) is category
    assert category.is_foreign_national is foreign


def test_mask_keeps_six_digits_and_hides_the_rest():
    assert cidlib.mask("1234567890121") == "1-2345-XXXXX-XX-1"
    assert cidlib.mask("12345") == "X-XXXX-XXXXX-XX-X"
    assert cidlib.formatted("1234567890121") == "1-2345-67890-12-1"


def test_check_digit_refuses_bad_input():
    with pytest.raises(ValueError):
        cidlib.check_digit("12345")
    with pytest.raises(ValueError):
        cidlib.category("abc")
