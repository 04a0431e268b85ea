"""The one seam between the central and the rule engine (`kiosk.eligibility`).

The central never trusts a terminal's decision: it evaluates the card and answers again with the
rule set the terminal named, on the day the customer confirmed. Everything the central needs from
the engine goes through this module (the re-check and the rule-set documents it serves signed), so
the engine's API can move without touching the routes.

Until `kiosk.eligibility` landed on main, an interim evaluator of DESIGN §4's table stood in here;
it is used only when the engine cannot be imported and is marked as such in the rule-set document.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from dateutil.relativedelta import relativedelta

from kiosk.card.model import Card

DEFAULT_RULE_SET = "bkk-thairuamjai-2021-05-27"
BOOKABLE = ("book", "book-provisional")

try:  # pragma: no cover - which branch runs depends on whether the engine has landed
    import kiosk.eligibility as _engine

    ENGINE = True
except ImportError:  # pragma: no cover
    _engine = None  # type: ignore[assignment]
    ENGINE = False


@dataclass(frozen=True)
class Decision:
    route: str
    code: str
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
            "message": dict(self.message),
        }


class UnknownRuleSet(LookupError):
    pass


def rule_set_document(rule_set_id: str) -> dict[str, Any]:
    """The rule set's JSON document, as the central signs and serves it."""
    if ENGINE:
        try:
            return _engine.load_bundled(rule_set_id).to_json()
        except (KeyError, LookupError, FileNotFoundError, ValueError) as exc:
            raise UnknownRuleSet(rule_set_id) from exc
    if rule_set_id != DEFAULT_RULE_SET:
        raise UnknownRuleSet(rule_set_id)
    return {"id": DEFAULT_RULE_SET, "interim": True, "rules": [list(r) for r in _INTERIM_TABLE]}


def recheck(
    rule_set_id: str,
    card: Card,
    conditions: tuple[str, ...],
    works_in_bangkok: bool | None,
    registry: str,
    on: date,
) -> Decision:
    if ENGINE:
        try:
            rule_set = _engine.load_bundled(rule_set_id)
        except (KeyError, LookupError, FileNotFoundError, ValueError) as exc:
            raise UnknownRuleSet(rule_set_id) from exc
        answers = _engine.Answers(conditions=conditions, works_in_bangkok=works_in_bangkok)
        d = _engine.evaluate(rule_set, card, answers, registry=registry, on=on)
        return Decision(d.route, d.code, dict(d.message), str(d.rule_set))
    if rule_set_id != DEFAULT_RULE_SET:
        raise UnknownRuleSet(rule_set_id)
    route, code = _interim(card, conditions, works_in_bangkok, registry, on)
    return Decision(route, code, {"th": code, "en": code}, rule_set_id)


# --- interim evaluator (DESIGN §4), only while kiosk.eligibility is missing -------------------

_INTERIM_TABLE = (
    ("ineligible", "invalid-cid"),
    ("await-guidance", "foreign-national"),
    ("ineligible", "birth-date-unknown"),
    ("ineligible", "under-18"),
    ("hospital", "over-age-limit"),
    ("hospital", "chronic-condition"),
    ("book", "bangkok-resident"),
    ("ineligible", "outside-bangkok"),
    ("book", "works-in-bangkok"),
    ("book-provisional", "registry-unverified"),
    ("ineligible", "not-in-registry"),
)
_BANGKOK = {"กรุงเทพมหานคร", "กรุงเทพฯ", "กทม."}


def _interim(
    card: Card, conditions: tuple[str, ...], works: bool | None, registry: str, on: date
) -> tuple[str, str]:
    if not card.cid_valid:
        return _INTERIM_TABLE[0]
    if card.category.is_foreign_national:
        return _INTERIM_TABLE[1]
    earliest, latest = card.birth_date.earliest(), card.birth_date.latest()
    if earliest is None or latest is None:
        return _INTERIM_TABLE[2]
    if relativedelta(on, latest).years < 18:
        return _INTERIM_TABLE[3]
    oldest = relativedelta(on, earliest)
    if oldest.years > 59 or (
        oldest.years == 59 and oldest.months >= 10 and (oldest.months > 10 or oldest.days > 0)
    ):
        return _INTERIM_TABLE[4]
    if conditions:
        return _INTERIM_TABLE[5]
    province = card.address.province.strip().removeprefix("จังหวัด").strip()
    if province in _BANGKOK:
        return _INTERIM_TABLE[6]
    if not works:
        return _INTERIM_TABLE[7]
    return {"yes": _INTERIM_TABLE[8], "unknown": _INTERIM_TABLE[9]}.get(
        registry, _INTERIM_TABLE[10]
    )
