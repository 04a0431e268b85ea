"""The interpreter: the first rule whose conditions hold decides.

A condition may need an answer the customer has not given yet. If every other condition of that
rule holds, the decision is to ask (route `ask`): so the kiosk asks exactly the questions the rules
need, in the order they need them, and a rule that the card alone already rules out (an invalid ID,
a foreign national, an age outside the range) decides before anything is asked.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from kiosk.card.model import Card
from kiosk.dates import today_bangkok
from kiosk.eligibility.age import AgeRange
from kiosk.eligibility.facts import Answers, Facts, Registry
from kiosk.eligibility.predicates import MISSING
from kiosk.eligibility.ruleset import Question, Rule, RuleSet, Text

NO_RULE = Text(
    "ระบบไม่สามารถตัดสินสิทธิ์ได้ กรุณาติดต่อเจ้าหน้าที่",
    "No rule applies to this case. Please ask staff for help.",
)


@dataclass(frozen=True, slots=True)
class Decision:
    route: str  # one of ruleset.ROUTES, or "ask"
    code: str | None
    ask: str | None
    message: Text
    rule_set: str
    age: AgeRange | None
    #: The id of the rule that decided (None for ask): what an auditor looks up.
    rule: str | None = None
    question: Question | None = None

    def to_json(self) -> dict[str, Any]:
        """Exactly the object `kiosk eligibility` prints."""
        return {
            "route": self.route,
            "code": self.code,
            "ask": self.ask,
            "message": self.message.to_json(),
            "rule_set": self.rule_set,
            "age": self.age.to_json() if self.age else None,
        }


def _judge(rule: Rule, facts: Facts) -> bool | str:
    """True (matches), False (does not), or the id of the question it is waiting for."""
    waiting: str | None = None
    for predicate, arg in rule.when:
        result = predicate.test(facts, arg)
        if result is MISSING:
            waiting = waiting or predicate.needs
        elif not result:
            return False
    return waiting if waiting else True


def evaluate(
    rule_set: RuleSet,
    card: Card,
    answers: Answers | None = None,
    registry: Registry = "unknown",
    on: date | None = None,
) -> Decision:
    facts = Facts.gather(card, answers or Answers(), registry, on or today_bangkok())
    for rule in rule_set.rules:
        verdict = _judge(rule, facts)
        if verdict is False:
            continue
        if verdict is True:
            return Decision(
                rule.route, rule.code, None, rule.message, rule_set.id, facts.ages, rule=rule.id
            )
        question = rule_set.questions[verdict]
        return Decision(
            "ask", None, verdict, question.text, rule_set.id, facts.ages, question=question
        )
    return Decision("ineligible", "no-matching-rule", None, NO_RULE, rule_set.id, facts.ages)
