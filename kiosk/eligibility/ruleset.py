"""Rule sets: versioned JSON documents, validated whole before any customer is judged by them.

The format is documented in `rule-set.schema.json` beside this module. Loading is strict: an unknown
key, predicate, route or condition code, a missing translation, or a question the rules need but do
not define refuses the whole document with an error naming where the problem is. A terminal that
cannot understand a rule set must keep the last one it could, never guess.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from typing import Any

from kiosk.eligibility.predicates import AGE_PREDICATES, PREDICATES, Predicate, RuleSetError

FORMAT = 1
ROUTES = ("book", "book-provisional", "hospital", "await-guidance", "ineligible")
DEFAULT_ID = "bkk-thairuamjai-2021-05-27"
_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,79}$")
_TOP_KEYS = {"format", "id", "version", "title", "valid_from", "questions", "rules"}


@dataclass(frozen=True, slots=True)
class Text:
    th: str
    en: str

    def to_json(self) -> dict[str, str]:
        return {"th": self.th, "en": self.en}


@dataclass(frozen=True, slots=True)
class Option:
    code: str
    label: Text


@dataclass(frozen=True, slots=True)
class Question:
    id: str
    text: Text
    #: For `conditions`: the condition codes. For `works_in_bangkok`: `yes` and `no`.
    options: tuple[Option, ...]
    #: The explicit "none of these" choice of a multiple-choice question.
    none: Text | None


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    when: tuple[tuple[Predicate, Any], ...]
    route: str
    code: str
    message: Text


@dataclass(frozen=True)
class RuleSet:
    id: str
    version: int
    title: Text
    questions: Mapping[str, Question]
    rules: tuple[Rule, ...]
    source: Mapping[str, Any]

    @property
    def condition_codes(self) -> frozenset[str]:
        q = self.questions.get("conditions")
        return frozenset(o.code for o in q.options) if q else frozenset()

    def to_json(self) -> dict[str, Any]:
        """The document exactly as loaded (what the central signs and serves)."""
        return json.loads(json.dumps(self.source))

    @classmethod
    def from_json(cls, data: object) -> RuleSet:
        return _load(data)


def load_bundled(rule_set_id: str = DEFAULT_ID) -> RuleSet:
    """A rule set shipped with the terminal (the default is always there, even offline)."""
    if not _ID.match(rule_set_id):
        raise RuleSetError("id", f"{rule_set_id!r} is not a rule-set id")
    try:
        text = resources.files("kiosk.eligibility").joinpath(f"rulesets/{rule_set_id}.json")
        data = json.loads(text.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise RuleSetError("id", f"no bundled rule set {rule_set_id!r}") from None
    return _load(data)


# loading ---------------------------------------------------------------------------------------


def _obj(value: Any, path: str, keys: set[str], required: set[str]) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise RuleSetError(path, "expected an object")
    unknown = set(value) - keys
    if unknown:
        raise RuleSetError(path, f"unknown key(s) {sorted(unknown)}")
    missing = required - set(value)
    if missing:
        raise RuleSetError(path, f"missing key(s) {sorted(missing)}")
    return value


def _text(value: Any, path: str) -> Text:
    obj = _obj(value, path, {"th", "en"}, {"th", "en"})
    for lang in ("th", "en"):
        if not isinstance(obj[lang], str) or not obj[lang].strip():
            raise RuleSetError(f"{path}.{lang}", "expected non-empty text")
    return Text(obj["th"], obj["en"])


def _question(qid: str, value: Any) -> Question:
    path = f"questions.{qid}"
    if qid == "conditions":
        obj = _obj(value, path, {"text", "options", "none"}, {"text", "options", "none"})
        raw = obj["options"]
        if not isinstance(raw, list) or not raw:
            raise RuleSetError(f"{path}.options", "expected a non-empty list")
        options = []
        for i, opt in enumerate(raw):
            o = _obj(opt, f"{path}.options[{i}]", {"code", "label"}, {"code", "label"})
            if not isinstance(o["code"], str) or not _ID.match(o["code"]):
                raise RuleSetError(f"{path}.options[{i}].code", "expected a lowercase code")
            options.append(Option(o["code"], _text(o["label"], f"{path}.options[{i}].label")))
        if len({o.code for o in options}) != len(options):
            raise RuleSetError(f"{path}.options", "duplicate condition codes")
        return Question(
            qid,
            _text(obj["text"], f"{path}.text"),
            tuple(options),
            _text(obj["none"], f"{path}.none"),
        )
    if qid == "works_in_bangkok":
        obj = _obj(value, path, {"text", "yes", "no"}, {"text", "yes", "no"})
        options = (
            Option("yes", _text(obj["yes"], f"{path}.yes")),
            Option("no", _text(obj["no"], f"{path}.no")),
        )
        return Question(qid, _text(obj["text"], f"{path}.text"), options, None)
    raise RuleSetError(path, "unknown question (known: conditions, works_in_bangkok)")


def _rule(i: int, value: Any) -> Rule:
    path = f"rules[{i}]"
    obj = _obj(
        value,
        path,
        {"id", "when", "route", "code", "message"},
        {"id", "when", "route", "code", "message"},
    )
    for key in ("id", "code"):
        if not isinstance(obj[key], str) or not _ID.match(obj[key]):
            raise RuleSetError(f"{path}.{key}", "expected a lowercase kebab-case identifier")
    if obj["route"] not in ROUTES:
        raise RuleSetError(f"{path}.route", f"unknown route {obj['route']!r}; known: {ROUTES}")
    when = obj["when"]
    if not isinstance(when, Mapping):
        raise RuleSetError(f"{path}.when", "expected an object of predicates")
    parsed = []
    for name, arg in when.items():
        predicate = PREDICATES.get(name)
        if predicate is None:
            raise RuleSetError(
                f"{path}.when.{name}", f"unknown predicate; known: {sorted(PREDICATES)}"
            )
        parsed.append((predicate, predicate.parse(arg, f"{path}.when.{name}")))
    # Card-only predicates first: a rule whose card facts already fail must never ask a question.
    parsed.sort(key=lambda pa: pa[0].needs is not None)
    return Rule(
        obj["id"],
        tuple(parsed),
        obj["route"],
        obj["code"],
        _text(obj["message"], f"{path}.message"),
    )


def _load(data: object) -> RuleSet:
    obj = _obj(data, "(top)", _TOP_KEYS, _TOP_KEYS - {"valid_from"})
    if obj["format"] != FORMAT:
        raise RuleSetError(
            "format",
            f"format {obj['format']!r} is not understood (this terminal reads format {FORMAT})",
        )
    if not isinstance(obj["id"], str) or not _ID.match(obj["id"]):
        raise RuleSetError("id", "expected a lowercase kebab-case identifier")
    if (
        not isinstance(obj["version"], int)
        or isinstance(obj["version"], bool)
        or obj["version"] < 1
    ):
        raise RuleSetError("version", "expected a positive integer")
    if "valid_from" in obj and not (
        isinstance(obj["valid_from"], str) and re.match(r"^\d{4}-\d{2}-\d{2}$", obj["valid_from"])
    ):
        raise RuleSetError("valid_from", "expected YYYY-MM-DD")
    if not isinstance(obj["questions"], Mapping):
        raise RuleSetError("questions", "expected an object")
    questions = {qid: _question(qid, q) for qid, q in obj["questions"].items()}
    raw_rules = obj["rules"]
    if not isinstance(raw_rules, list) or not raw_rules:
        raise RuleSetError("rules", "expected a non-empty list")
    rules = tuple(_rule(i, r) for i, r in enumerate(raw_rules))
    _check_consistency(rules, questions)
    return RuleSet(
        obj["id"],
        obj["version"],
        _text(obj["title"], "title"),
        questions,
        rules,
        json.loads(json.dumps(obj)),
    )


def _check_consistency(rules: tuple[Rule, ...], questions: Mapping[str, Question]) -> None:
    seen_ids: set[str] = set()
    year_decided = False
    codes = (
        {o.code for o in questions["conditions"].options} if "conditions" in questions else set()
    )
    for i, rule in enumerate(rules):
        if rule.id in seen_ids:
            raise RuleSetError(f"rules[{i}].id", f"duplicate rule id {rule.id!r}")
        seen_ids.add(rule.id)
        names = {p.name for p, _ in rule.when}
        for predicate, arg in rule.when:
            if predicate.needs and predicate.needs not in questions:
                raise RuleSetError(
                    f"rules[{i}].when.{predicate.name}",
                    f"needs the question {predicate.needs!r}, which is not defined",
                )
            if predicate.name == "condition_in" and not arg <= codes:
                raise RuleSetError(
                    f"rules[{i}].when.condition_in",
                    f"codes not offered by the question: {sorted(arg - codes)}",
                )
        if names & AGE_PREDICATES and not year_decided:
            raise RuleSetError(
                f"rules[{i}].when",
                "an age rule must come after a rule for an unknown birth year "
                '({"birth_year_known": false})',
            )
        if [(p.name, a) for p, a in rule.when] == [("birth_year_known", False)]:
            year_decided = True
