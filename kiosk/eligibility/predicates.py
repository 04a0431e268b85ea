"""The fixed vocabulary that rule sets are written in.

A rule set is data sent over the network, so it may only combine these predicates; it can never
carry code. Each predicate validates its own argument when the rule set is loaded (a bad rule set is
refused whole, before any customer is judged by it) and says which question, if any, it needs
answered. Testing a predicate whose answer is missing yields `MISSING`, which the engine turns into
"ask this question" — only if the rule's other conditions hold.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from kiosk.card.cid import PersonCategory
from kiosk.eligibility.age import Age
from kiosk.eligibility.facts import REGISTRY_VALUES, Facts
from kiosk.errors import KioskError

QUESTIONS = ("conditions", "works_in_bangkok")


class RuleSetError(KioskError):
    """A rule set that must not be used: malformed, unknown predicate, bad argument."""

    code = "bad-rule-set"
    exit_status = 5

    def __init__(self, path: str, problem: str) -> None:
        super().__init__(
            "ชุดกฎการตรวจสิทธิ์ไม่ถูกต้อง จึงไม่นำมาใช้ กรุณาแจ้งเจ้าหน้าที่เทคนิค",
            f"the rule set is not usable: {path}: {problem}",
            path=path,
            problem=problem,
        )
        self.path = path
        self.problem = problem


class _Missing:
    def __repr__(self) -> str:
        return "MISSING"


MISSING: Any = _Missing()


def normalise_province(name: str) -> str:
    """`จังหวัดนนทบุรี`, `จ.นนทบุรี` and ` นนทบุรี ` are the same province."""
    text = "".join(name.split())
    for prefix in ("จังหวัด", "จ."):
        if text.startswith(prefix):
            text = text[len(prefix) :]
    return text


@dataclass(frozen=True, slots=True)
class Predicate:
    name: str
    needs: str | None
    parse: Callable[[Any, str], Any]
    test: Callable[[Facts, Any], Any]  # True, False or MISSING


# argument parsers ------------------------------------------------------------------------------


def _bool(arg: Any, path: str) -> bool:
    if not isinstance(arg, bool):
        raise RuleSetError(path, "expected true or false")
    return arg


def _strings(allowed: tuple[str, ...] | None = None) -> Callable[[Any, str], frozenset[str]]:
    def parse(arg: Any, path: str) -> frozenset[str]:
        if not isinstance(arg, list) or not arg or not all(isinstance(a, str) for a in arg):
            raise RuleSetError(path, "expected a non-empty list of strings")
        if allowed is not None:
            bad = sorted(set(arg) - set(allowed))
            if bad:
                raise RuleSetError(path, f"unknown value(s) {bad}; allowed: {list(allowed)}")
        return frozenset(arg)

    return parse


def _digits(arg: Any, path: str) -> frozenset[str]:
    values = _strings(tuple("0123456789"))(arg, path)
    return values


def _provinces(arg: Any, path: str) -> frozenset[str]:
    return frozenset(normalise_province(p) for p in _strings()(arg, path))


def _age(arg: Any, path: str) -> Age:
    if not isinstance(arg, dict) or set(arg) - {"years", "months"} or "years" not in arg:
        raise RuleSetError(path, 'expected {"years": Y, "months": M}')
    years, months = arg["years"], arg.get("months", 0)
    if (
        not isinstance(years, int)
        or not isinstance(months, int)
        or isinstance(years, bool)
        or isinstance(months, bool)
        or not 0 <= years <= 150
        or not 0 <= months <= 11
    ):
        raise RuleSetError(path, "years must be 0-150 and months 0-11")
    return Age(years, months)


# tests -----------------------------------------------------------------------------------------


def _youngest(f: Facts) -> Age | None:
    return f.ages.youngest if f.ages else None


def _oldest(f: Facts) -> Age | None:
    return f.ages.oldest if f.ages else None


def _conditions(f: Facts) -> frozenset[str] | Any:
    return MISSING if f.answers.conditions is None else f.answers.conditions


def _works(f: Facts) -> bool | Any:
    return MISSING if f.answers.works_in_bangkok is None else f.answers.works_in_bangkok


def _any_condition(f: Facts, want: bool) -> Any:
    have = _conditions(f)
    return MISSING if have is MISSING else bool(have) == want


def _condition_in(f: Facts, codes: frozenset[str]) -> Any:
    have = _conditions(f)
    return MISSING if have is MISSING else bool(have & codes)


def _works_in_bangkok(f: Facts, want: bool) -> Any:
    have = _works(f)
    return MISSING if have is MISSING else have == want


# Age predicates are false when the birth year is unknown: nothing about the age can be proved.
# The loader insists that such rule sets decide an unknown year before any age rule is reached.
PREDICATES: dict[str, Predicate] = {
    p.name: p
    for p in (
        Predicate("cid_valid", None, _bool, lambda f, a: f.card.cid_valid == a),
        Predicate("cid_first_digit_in", None, _digits, lambda f, a: f.card.cid[:1] in a),
        Predicate(
            "person_category_in",
            None,
            _strings(tuple(c.value for c in PersonCategory)),
            lambda f, a: f.card.category.value in a,
        ),
        Predicate("birth_year_known", None, _bool, lambda f, a: (f.ages is not None) == a),
        Predicate(
            "youngest_age_below",
            None,
            _age,
            lambda f, a: _youngest(f) is not None and _youngest(f) < a,
        ),
        Predicate(
            "youngest_age_at_least",
            None,
            _age,
            lambda f, a: _youngest(f) is not None and _youngest(f) >= a,
        ),
        Predicate(
            "oldest_age_above", None, _age, lambda f, a: _oldest(f) is not None and _oldest(f) > a
        ),
        Predicate(
            "oldest_age_at_most",
            None,
            _age,
            lambda f, a: _oldest(f) is not None and _oldest(f) <= a,
        ),
        Predicate(
            "home_province_in",
            None,
            _provinces,
            lambda f, a: normalise_province(f.card.address.province) in a,
        ),
        Predicate("any_condition", "conditions", _bool, _any_condition),
        Predicate("condition_in", "conditions", _strings(), _condition_in),
        Predicate("works_in_bangkok", "works_in_bangkok", _bool, _works_in_bangkok),
        Predicate("registry_in", None, _strings(REGISTRY_VALUES), lambda f, a: f.registry in a),
    )
}

AGE_PREDICATES = frozenset(
    ("youngest_age_below", "youngest_age_at_least", "oldest_age_above", "oldest_age_at_most")
)
