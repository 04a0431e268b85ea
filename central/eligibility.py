"""The one seam between the central and the rule engine (`kiosk.eligibility`).

The central never trusts a terminal's decision: it evaluates the card and answers again with the
rule set the terminal named, on the day the customer confirmed, with the same interpreter the
terminal runs. Everything the central needs from the engine goes through this module (the re-check
and the rule-set documents it serves signed), so the engine's API can move without touching the
routes.

Rule sets are loaded once per id and kept: they are immutable documents, and parsing one for every
booking would cost more than the booking's database work.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date
from typing import Any

from kiosk.card.model import Card
from kiosk.eligibility import DEFAULT_ID, Answers, RuleSet, RuleSetError, evaluate, load_bundled

DEFAULT_RULE_SET = DEFAULT_ID
BOOKABLE = ("book", "book-provisional")


@dataclass(frozen=True)
class Decision:
    route: str
    code: str | None
    ask: str | None
    message: dict[str, str]
    rule_set: str

    @property
    def bookable(self) -> bool:
        return self.route in BOOKABLE

    def to_json(self) -> dict[str, Any]:
        return {
            "rule_set": self.rule_set,
            "route": self.route,
            "code": self.code,
            "ask": self.ask,
            "message": dict(self.message),
        }


class UnknownRuleSet(LookupError):
    pass


@functools.lru_cache(maxsize=32)
def _rule_set(rule_set_id: str) -> RuleSet:
    try:
        return load_bundled(rule_set_id)
    except RuleSetError as exc:
        raise UnknownRuleSet(rule_set_id) from exc


def rule_set_document(rule_set_id: str) -> dict[str, Any]:
    """The rule set's JSON document, exactly as loaded: what the central signs and serves."""
    return _rule_set(rule_set_id).to_json()


def recheck(
    rule_set_id: str,
    card: Card,
    conditions: tuple[str, ...],
    works_in_bangkok: bool | None,
    registry: str,
    on: date,
) -> Decision:
    rule_set = _rule_set(rule_set_id)
    answers = Answers(conditions=frozenset(conditions), works_in_bangkok=works_in_bangkok)
    d = evaluate(rule_set, card, answers, registry=registry, on=on)  # type: ignore[arg-type]
    return Decision(d.route, d.code, d.ask, d.message.to_json(), d.rule_set)
