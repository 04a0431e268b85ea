"""Every rule of DESIGN §4 and every boundary, on the evaluation day 27 May 2021."""

from datetime import date

import pytest

from tests.cards import with_check_digit
from tests.kiosk.eligibility.helpers import THAI_CID, decide

FOREIGN_CID = with_check_digit("610010012312")
BAD_CID = THAI_CID[:12] + str((int(THAI_CID[12]) + 1) % 10)
BAD_FOREIGN_CID = FOREIGN_CID[:12] + str((int(FOREIGN_CID[12]) + 1) % 10)


@pytest.mark.parametrize(
    ("birth", "route", "code"),
    [
        (date(2003, 5, 27), "book", "bangkok-resident"),  # exactly 18y0m
        (date(2003, 5, 28), "ineligible", "under-18"),  # one day short
        (date(1961, 7, 27), "book", "bangkok-resident"),  # exactly 59y10m
        (date(1961, 6, 28), "book", "bangkok-resident"),  # the last day of 59y10m
        (date(1961, 6, 27), "hospital", "over-age-limit"),  # 59y11m
        ("25460400", "book", "bangkok-resident"),  # April 2003, day unknown: at least 18y0m
        ("25460500", "ineligible", "under-18"),  # May 2003, day unknown: maybe 17y11m
        ("25450000", "book", "bangkok-resident"),  # 2002, month unknown: at least 18y4m
        ("25460000", "ineligible", "under-18"),  # 2003, month unknown: maybe 17y4m
        ("25040700", "book", "bangkok-resident"),  # July 1961: at most 59y10m
        ("25040600", "hospital", "over-age-limit"),  # June 1961: maybe 59y11m
        ("25030000", "hospital", "over-age-limit"),  # 1960, month unknown
        ("00000000", "ineligible", "birth-date-unknown"),
        ("00000500", "ineligible", "birth-date-unknown"),
    ],
)
def test_age_boundaries(birth, route, code):
    d = decide(birth)
    assert (d.route, d.code) == (route, code)


@pytest.mark.parametrize(
    ("on", "route"),
    [(date(2018, 2, 27), "ineligible"), (date(2018, 2, 28), "book")],
)
def test_born_on_29_february(on, route):
    assert decide("25430229", on=on).route == route


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"cid": BAD_FOREIGN_CID}, "invalid-cid"),  # invalid beats foreign
        ({"cid": BAD_CID, "birth": "00000000"}, "invalid-cid"),  # invalid beats unknown year
        ({"cid": FOREIGN_CID, "birth": date(2010, 1, 1)}, "foreign-national"),  # foreign beats age
        ({"birth": date(2010, 1, 1), "conditions": ["diabetes"]}, "under-18"),
        ({"birth": date(1950, 1, 1), "conditions": ["diabetes"]}, "over-age-limit"),
        ({"conditions": ["diabetes"]}, "chronic-condition"),  # before the Bangkok rule
        ({"conditions": ["obesity", "cancer"], "province": "จังหวัดนนทบุรี"}, "chronic-condition"),
    ],
)
def test_rule_order_when_two_rules_could_fire(kwargs, code):
    assert decide(**kwargs).code == code


@pytest.mark.parametrize("first", ["6", "7", "0"])
def test_foreign_nationals_await_guidance(first):
    d = decide(cid=with_check_digit(first + "10010012312"))
    assert (d.route, d.code) == ("await-guidance", "foreign-national")


def test_permanent_residents_and_naturalised_thais_are_not_foreign():
    d = decide(cid=with_check_digit("810020033445"))
    assert (d.route, d.code) == ("book", "bangkok-resident")


@pytest.mark.parametrize(
    "province", ["กรุงเทพมหานคร", "กรุงเทพฯ", "กทม.", "จังหวัดกรุงเทพมหานคร", " กรุงเทพมหานคร "]
)
def test_bangkok_spellings(province):
    assert decide(province=province).code == "bangkok-resident"


@pytest.mark.parametrize(
    ("works", "registry", "route", "code"),
    [
        (False, "yes", "ineligible", "outside-bangkok"),
        (True, "yes", "book", "works-in-bangkok"),
        (True, "unknown", "book-provisional", "registry-unverified"),
        (True, "no", "ineligible", "not-in-registry"),
    ],
)
def test_people_who_live_outside_bangkok(works, registry, route, code):
    d = decide(province="จังหวัดนนทบุรี", works=works, registry=registry)
    assert (d.route, d.code) == (route, code)


def test_questions_come_only_when_needed_and_in_order():
    nonthaburi = "จังหวัดนนทบุรี"
    assert decide(conditions=None).ask == "conditions"
    assert decide(province=nonthaburi, conditions=None).ask == "conditions"
    assert decide(province=nonthaburi, conditions=None, works=True).ask == "conditions"
    assert decide(province=nonthaburi, conditions=[]).ask == "works_in_bangkok"
    # a Bangkok resident is never asked where they work
    assert decide(conditions=[]).route == "book"
    # someone with a condition is never asked where they work
    assert decide(province=nonthaburi, conditions=["ckd5"]).code == "chronic-condition"


@pytest.mark.parametrize(
    "kwargs",
    [
        {"cid": BAD_CID},
        {"cid": FOREIGN_CID},
        {"birth": "00000000"},
        {"birth": date(2010, 1, 1)},
        {"birth": date(1950, 1, 1)},
    ],
)
def test_the_card_alone_decides_before_any_question(kwargs):
    d = decide(conditions=None, **kwargs)
    assert d.route != "ask"


def test_ask_decisions_carry_the_question():
    d = decide(conditions=None)
    assert d.to_json() == {
        "route": "ask",
        "code": None,
        "ask": "conditions",
        "message": {"th": d.question.text.th, "en": d.question.text.en},
        "rule_set": "bkk-thairuamjai-2021-05-27",
        "age": {"min": {"years": 34, "months": 0}, "max": {"years": 34, "months": 0}},
    }
    assert len(d.question.options) == 7 and d.question.none.th == "ไม่มีโรคเหล่านี้"


def test_every_decision_names_the_rule_set_and_explains_itself_in_both_languages():
    for kwargs in ({}, {"birth": "00000000"}, {"province": "จังหวัดนนทบุรี", "works": False}):
        d = decide(**kwargs)
        assert d.rule_set == "bkk-thairuamjai-2021-05-27"
        assert d.rule == d.code
        assert d.message.th and d.message.en
        assert any("\u0e00" <= ch <= "\u0e7f" for ch in d.message.th)


def test_unknown_year_has_no_age():
    assert decide("00000000").to_json()["age"] is None
