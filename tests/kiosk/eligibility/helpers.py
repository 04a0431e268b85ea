from __future__ import annotations

from datetime import date

from kiosk.card.model import BE_OFFSET, Card
from kiosk.eligibility import Answers, evaluate, load_bundled
from tests.cards import card, with_check_digit

RULES = load_bundled()
ON = date(2021, 5, 27)
BANGKOK = "กรุงเทพมหานคร"
THAI_CID = with_check_digit("110370012345")


def be(d: date) -> str:
    return f"{d.year + BE_OFFSET:04d}{d.month:02d}{d.day:02d}"


def make_card(birth: str | date = "25300514", province: str = BANGKOK, cid: str = THAI_CID) -> Card:
    raw = be(birth) if isinstance(birth, date) else birth
    return Card.from_json(card(cid=cid, birth_date_be=raw, address={"province": province}))


def decide(
    birth: str | date = "25300514",
    *,
    province: str = BANGKOK,
    cid: str = THAI_CID,
    conditions=(),
    works=None,
    registry="unknown",
    on: date = ON,
):
    answers = Answers(
        conditions=None if conditions is None else frozenset(conditions), works_in_bangkok=works
    )
    return evaluate(RULES, make_card(birth, province, cid), answers, registry, on)
