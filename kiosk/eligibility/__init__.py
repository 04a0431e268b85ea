"""Eligibility: a small interpreter for versioned, signed rule sets.

Rules changed often during the real campaign (60+ opened in July 2021, pregnant women and monks in
August), so they are data the central can replace, not code. Every decision names the rule set
and the rule that made it, and carries its explanation in Thai and English.

    from kiosk.eligibility import load_bundled, evaluate, Answers
    decision = evaluate(load_bundled(), card, Answers(conditions=frozenset()), "unknown", today)
"""

from kiosk.eligibility.age import Age, AgeRange, age_on, age_range
from kiosk.eligibility.engine import Decision, evaluate
from kiosk.eligibility.facts import REGISTRY_VALUES, Answers, AnswersError, Registry
from kiosk.eligibility.predicates import PREDICATES, RuleSetError, normalise_province
from kiosk.eligibility.ruleset import (
    DEFAULT_ID,
    ROUTES,
    Question,
    Rule,
    RuleSet,
    Text,
    load_bundled,
)
from kiosk.eligibility.signed import RuleSetKeeper, load_signed

__all__ = [
    "DEFAULT_ID",
    "PREDICATES",
    "REGISTRY_VALUES",
    "ROUTES",
    "Age",
    "AgeRange",
    "Answers",
    "AnswersError",
    "Decision",
    "Question",
    "Registry",
    "Rule",
    "RuleSet",
    "RuleSetError",
    "RuleSetKeeper",
    "Text",
    "age_on",
    "age_range",
    "evaluate",
    "load_bundled",
    "load_signed",
    "normalise_province",
]
