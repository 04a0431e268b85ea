"""What a decision is made from: the card, the customer's answers, the registry, the day.

Answers are optional by design: a missing answer is not "no", it is a question the rules may need
to ask. The engine asks only when a rule that needs the answer is actually reached.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Literal

from kiosk.card.model import Card
from kiosk.eligibility.age import AgeRange, age_range
from kiosk.errors import KioskError

Registry = Literal["yes", "no", "unknown"]
REGISTRY_VALUES = ("yes", "no", "unknown")


class AnswersError(KioskError):
    code = "bad-answers"
    exit_status = 2

    def __init__(self, en: str, th: str = "คำตอบไม่ถูกต้อง") -> None:
        super().__init__(th, en)


@dataclass(frozen=True, slots=True)
class Answers:
    """What the card cannot tell. None means "not asked yet"."""

    conditions: frozenset[str] | None = None
    works_in_bangkok: bool | None = None

    @classmethod
    def from_json(cls, data: object, known_conditions: frozenset[str]) -> Answers:
        """Validate `{"conditions": [codes], "works_in_bangkok": bool}`, either key optional."""
        if not isinstance(data, Mapping):
            raise AnswersError("answers must be a JSON object")
        unknown = set(data) - {"conditions", "works_in_bangkok"}
        if unknown:
            raise AnswersError(f"unknown answer keys: {', '.join(sorted(unknown))}")
        conditions = None
        if data.get("conditions") is not None:
            raw = data["conditions"]
            if not isinstance(raw, list) or not all(isinstance(c, str) for c in raw):
                raise AnswersError("'conditions' must be a list of condition codes")
            bad = sorted(set(raw) - known_conditions)
            if bad:
                raise AnswersError(
                    f"unknown condition code(s) {', '.join(map(repr, bad))}; known: "
                    f"{', '.join(sorted(known_conditions))}",
                    "รหัสโรคประจำตัวไม่ถูกต้อง",
                )
            conditions = frozenset(raw)
        works = data.get("works_in_bangkok")
        if works is not None and not isinstance(works, bool):
            raise AnswersError("'works_in_bangkok' must be true or false")
        return cls(conditions=conditions, works_in_bangkok=works)

    def to_json(self) -> dict[str, object]:
        return {
            "conditions": sorted(self.conditions) if self.conditions is not None else None,
            "works_in_bangkok": self.works_in_bangkok,
        }


@dataclass(frozen=True, slots=True)
class Facts:
    card: Card
    answers: Answers
    registry: Registry
    on: date
    ages: AgeRange | None

    @classmethod
    def gather(cls, card: Card, answers: Answers, registry: Registry, on: date) -> Facts:
        if registry not in REGISTRY_VALUES:
            raise AnswersError(f"registry must be one of {', '.join(REGISTRY_VALUES)}")
        return cls(card, answers, registry, on, age_range(card.birth_date, on))
