"""Properties of the default rule set that must hold for every card, not only the table's."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from kiosk.card import decode
from kiosk.card.emulator import encode_card
from kiosk.card.errors import CardDataError
from kiosk.card.model import BEDate
from kiosk.eligibility import ROUTES, Answers, evaluate
from tests.cards import card
from tests.kiosk.eligibility.helpers import RULES, be, decide

CODES = sorted(RULES.condition_codes)
PROVINCES = ["กรุงเทพมหานคร", "กรุงเทพฯ", "กทม.", "จังหวัดนนทบุรี", "จังหวัดสมุทรปราการ", "นนทบุรี"]


@given(
    st.lists(st.sampled_from(CODES), unique=True),
    st.randoms(use_true_random=False),
    st.sampled_from(PROVINCES),
    st.sampled_from([None, True, False]),
    st.sampled_from(["yes", "no", "unknown"]),
)
def test_the_order_of_conditions_never_matters(codes, rnd, province, works, registry):
    shuffled = list(codes)
    rnd.shuffle(shuffled)
    decisions = []
    for order in (codes, shuffled, list(reversed(codes))):
        answers = Answers.from_json(
            {"conditions": order, "works_in_bangkok": works}, RULES.condition_codes
        )
        decisions.append(
            decide(
                province=province, conditions=answers.conditions, works=works, registry=registry
            ).to_json()
        )
    assert decisions[0] == decisions[1] == decisions[2]


def _partial(d: date, unknown: str) -> str:
    raw = be(d)
    if unknown == "day":
        return raw[:6] + "00"
    if unknown == "month":
        return raw[:4] + "0000"
    return raw


births = st.dates(min_value=date(1900, 1, 1), max_value=date(2021, 5, 27))
unknowns = st.sampled_from(["none", "day", "month"])


@given(
    births,
    unknowns,
    st.integers(min_value=0, max_value=40000),
    unknowns,
    st.sampled_from(PROVINCES),
)
def test_an_earlier_birth_date_never_turns_hospital_into_book(birth, u1, days, u2, province):
    later = BEDate.parse(_partial(birth, u1), "b")
    earlier_day = birth - timedelta(days=days)
    assume(earlier_day.year >= 1858)
    earlier = BEDate.parse(_partial(earlier_day, u2), "b")
    assume(earlier.earliest() <= later.earliest() and earlier.latest() <= later.latest())
    kw = {"province": province, "conditions": [], "works": True, "registry": "yes"}
    if decide(later.raw, **kw).route == "hospital":
        assert decide(earlier.raw, **kw).route != "book"


digits = st.text(alphabet="0123456789", min_size=13, max_size=13)
raw_dates = st.one_of(
    st.text(alphabet="0123456789", min_size=8, max_size=8),
    births.map(be),
    st.builds(_partial, births, unknowns),
    st.just("99999999"),
)


@settings(max_examples=300)
@given(
    digits,
    raw_dates,
    raw_dates,
    st.sampled_from([*PROVINCES, "", "x"]),
    st.sampled_from(["male", "female"]),
    st.one_of(st.none(), st.lists(st.sampled_from(CODES), unique=True)),
    st.sampled_from([None, True, False]),
    st.sampled_from(["yes", "no", "unknown"]),
    st.dates(min_value=date(2021, 1, 1), max_value=date(2030, 12, 31)),
)
def test_any_card_the_decoder_accepts_evaluates(
    cid, birth, expiry, province, gender, conditions, works, registry, on
):
    data = card(
        cid=cid,
        birth_date_be=birth,
        expiry_date_be=expiry,
        gender=gender,
        address={"province": province},
    )
    try:
        parsed = decode.card(decode.CardImage.from_file(bytes(encode_card(data))))
    except CardDataError:
        return
    answers = Answers(
        conditions=None if conditions is None else frozenset(conditions), works_in_bangkok=works
    )
    d = evaluate(RULES, parsed, answers, registry, on)
    assert d.route in (*ROUTES, "ask")
    assert (d.route == "ask") == (d.ask is not None)
    assert d.message.th and d.message.en
