"""Loading rule sets: strict, complete, and in agreement with the published JSON Schema."""

from __future__ import annotations

import copy
import json
from importlib import resources

import jsonschema
import pytest

from kiosk.eligibility import Answers, RuleSet, RuleSetError, evaluate, load_bundled
from tests.kiosk.eligibility.helpers import make_card

SCHEMA = json.loads(
    resources.files("kiosk.eligibility").joinpath("rule-set.schema.json").read_text()
)
DEFAULT = load_bundled().to_json()


def test_the_bundled_rule_set_follows_the_schema():
    jsonschema.validate(DEFAULT, SCHEMA)


def test_the_bundled_rule_set_is_design_section_4():
    rules = [(r["id"], r["route"], r["code"]) for r in DEFAULT["rules"]]
    assert rules == [
        ("invalid-cid", "ineligible", "invalid-cid"),
        ("foreign-national", "await-guidance", "foreign-national"),
        ("birth-date-unknown", "ineligible", "birth-date-unknown"),
        ("under-18", "ineligible", "under-18"),
        ("over-age-limit", "hospital", "over-age-limit"),
        ("chronic-condition", "hospital", "chronic-condition"),
        ("bangkok-resident", "book", "bangkok-resident"),
        ("outside-bangkok", "ineligible", "outside-bangkok"),
        ("works-in-bangkok", "book", "works-in-bangkok"),
        ("registry-unverified", "book-provisional", "registry-unverified"),
        ("not-in-registry", "ineligible", "not-in-registry"),
    ]
    assert load_bundled().condition_codes == {
        "chronic-respiratory",
        "cardiovascular",
        "ckd5",
        "cerebrovascular",
        "cancer",
        "diabetes",
        "obesity",
    }
    q = load_bundled().questions
    assert q["works_in_bangkok"].text.th and q["works_in_bangkok"].text.en
    assert all(o.label.th and o.label.en for o in q["conditions"].options)


def _broken(change):
    doc = copy.deepcopy(DEFAULT)
    change(doc)
    return doc


BROKEN = {
    "unknown predicate": _broken(lambda d: d["rules"][0]["when"].update({"eval": "1+1"})),
    "unknown route": _broken(lambda d: d["rules"][0].update({"route": "maybe"})),
    "missing message": _broken(lambda d: d["rules"][0].pop("message")),
    "empty thai": _broken(lambda d: d["rules"][0]["message"].update({"th": ""})),
    "bad age arg": _broken(
        lambda d: d["rules"][3]["when"].update({"youngest_age_below": {"years": 18, "months": 12}})
    ),
    "bad registry value": _broken(lambda d: d["rules"][8]["when"].update({"registry_in": ["si"]})),
    "wrong format": _broken(lambda d: d.update({"format": 2})),
    "unknown top key": _broken(lambda d: d.update({"script": "x"})),
    "no rules": _broken(lambda d: d.update({"rules": []})),
    "bad id": _broken(lambda d: d.update({"id": "Has Spaces"})),
    "bool as version": _broken(lambda d: d.update({"version": True})),
}
BEYOND_SCHEMA = {
    "question not defined": _broken(lambda d: d["questions"].pop("works_in_bangkok")),
    "age before the unknown-year rule": _broken(lambda d: d["rules"].insert(0, d["rules"].pop(3))),
    "duplicate rule id": _broken(lambda d: d["rules"][1].update({"id": "invalid-cid"})),
    "condition not offered": _broken(
        lambda d: d["rules"][5].update({"when": {"condition_in": ["flu"]}})
    ),
}


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_malformed_rule_sets_are_refused_by_loader_and_schema(name):
    with pytest.raises(RuleSetError) as err:
        RuleSet.from_json(BROKEN[name])
    assert err.value.path and err.value.th
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(BROKEN[name], SCHEMA)


@pytest.mark.parametrize("name", sorted(BEYOND_SCHEMA))
def test_inconsistencies_the_schema_cannot_see_are_refused_by_the_loader(name):
    with pytest.raises(RuleSetError):
        RuleSet.from_json(BEYOND_SCHEMA[name])


def test_the_error_names_the_place_and_the_predicate():
    with pytest.raises(RuleSetError) as err:
        RuleSet.from_json(BROKEN["unknown predicate"])
    assert err.value.path == "rules[0].when.eval"
    assert "unknown predicate" in err.value.en


@pytest.mark.parametrize("value", [None, [], "rules", 42])
def test_not_even_an_object(value):
    with pytest.raises(RuleSetError):
        RuleSet.from_json(value)


def test_unknown_bundled_id():
    with pytest.raises(RuleSetError):
        load_bundled("no-such-rules")
    with pytest.raises(RuleSetError):
        load_bundled("../../etc/passwd")


def test_a_later_rule_set_can_be_expressed_without_code():
    """July 2021: people aged 60+ could book too. Only data changes."""
    doc = copy.deepcopy(DEFAULT)
    doc["id"], doc["version"] = "bkk-thairuamjai-2021-07-16", 1
    doc["rules"][4] = {
        "id": "senior",
        "when": {"youngest_age_at_least": {"years": 60}},
        "route": "book",
        "code": "senior",
        "message": {"th": "ผู้สูงอายุจองได้", "en": "Seniors can book."},
    }
    rs = RuleSet.from_json(doc)
    jsonschema.validate(doc, SCHEMA)
    d = evaluate(rs, make_card("24900101"), Answers(), "unknown", None)
    assert (d.route, d.code, d.rule_set) == ("book", "senior", "bkk-thairuamjai-2021-07-16")
