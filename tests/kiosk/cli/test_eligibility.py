"""`kiosk eligibility` and `kiosk rules` as a technician runs them."""

from __future__ import annotations

import json

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519

from kiosk.eligibility import load_bundled
from tests.cards import card
from tests.kiosk.cli.conftest import assert_clean_failure


@pytest.fixture
def files(tmp_path):
    def write(name, content):
        path = tmp_path / name
        path.write_text(
            content if isinstance(content, str) else json.dumps(content, ensure_ascii=False),
            encoding="utf-8",
        )
        return str(path)

    return write


def test_prints_exactly_the_decision_object(run_kiosk, files):
    proc = run_kiosk(
        "eligibility",
        "--card",
        files("c.json", card()),
        "--on",
        "2021-05-27",
        "--answers",
        files("a.json", {"conditions": []}),
    )
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert set(out) == {"route", "code", "ask", "message", "rule_set", "age"}
    assert (out["route"], out["code"], out["ask"]) == ("book", "bangkok-resident", None)
    assert out["rule_set"] == "bkk-thairuamjai-2021-05-27"
    assert out["age"] == {"min": {"years": 34, "months": 0}, "max": {"years": 34, "months": 0}}
    assert out["message"]["th"] and out["message"]["en"]


def test_ask_exits_zero(run_kiosk, files):
    proc = run_kiosk("eligibility", "--card", files("c.json", card()), "--on", "2021-05-27")
    assert proc.returncode == 0
    assert json.loads(proc.stdout)["ask"] == "conditions"


def test_registry_and_answers(run_kiosk, files):
    c = files("c.json", card(address={"province": "จังหวัดนนทบุรี"}))
    a = files("a.json", {"conditions": [], "works_in_bangkok": True})
    for registry, route in (("yes", "book"), ("no", "ineligible"), ("unknown", "book-provisional")):
        proc = run_kiosk(
            "eligibility", "--card", c, "--answers", a, "--registry", registry, "--on", "2021-05-27"
        )
        assert json.loads(proc.stdout)["route"] == route


def test_default_day_is_today_in_bangkok(run_kiosk, files):
    proc = run_kiosk("eligibility", "--card", files("c.json", card(birth_date_be="25000101")))
    assert json.loads(proc.stdout)["code"] == "over-age-limit"


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--card", "{broken"], "not valid JSON"),
        (
            ["--card", json.dumps({k: v for k, v in card().items() if k != "birth_date_be"})],
            "birth date",
        ),
        (["--card", json.dumps(card(birth_date_be="25300230"))], "not a calendar date"),
        (["--card", json.dumps(card()), "--answers", json.dumps({"conditions": ["flu"]})], "'flu'"),
        (
            ["--card", json.dumps(card()), "--answers", json.dumps({"works_in_bangkok": "yes"})],
            "true or false",
        ),
        (["--card", json.dumps(card()), "--on", "2021-13-01"], "not a date"),
    ],
)
def test_bad_input_names_the_problem(run_kiosk, files, args, needle):
    resolved = []
    for i, a in enumerate(args):
        resolved.append(
            files(f"f{i}.json", a) if i and args[i - 1] in ("--card", "--answers") else a
        )
    proc = run_kiosk("eligibility", *resolved)
    assert proc.returncode != 0
    assert needle in proc.stderr
    assert "Traceback" not in proc.stderr
    assert any("\u0e00" <= ch <= "\u0e7f" for ch in proc.stderr)


def test_missing_card_file(run_kiosk, tmp_path):
    assert_clean_failure(
        run_kiosk("eligibility", "--card", str(tmp_path / "none.json")), 2, "bad-input"
    )


@pytest.fixture
def keypair(tmp_path):
    key = ed25519.Ed25519PrivateKey.generate()
    priv, pub = tmp_path / "rules.key", tmp_path / "rules.pub"
    priv.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    pub.write_bytes(
        key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    )
    return str(priv), str(pub)


def test_sign_then_verify_then_use(run_kiosk, files, keypair, tmp_path):
    priv, pub = keypair
    rules = files("rules.json", load_bundled().to_json())
    signed = str(tmp_path / "signed.json")
    proc = run_kiosk("rules", "sign", rules, "--key", priv, "--out", signed)
    assert proc.returncode == 0, proc.stderr
    proc = run_kiosk("rules", "verify", signed, "--key", pub)
    assert proc.returncode == 0, proc.stderr
    assert "bkk-thairuamjai-2021-05-27" in proc.stdout
    proc = run_kiosk(
        "eligibility",
        "--card",
        files("c.json", card()),
        "--rules",
        signed,
        "--rules-key",
        pub,
        "--on",
        "2021-05-27",
    )
    assert json.loads(proc.stdout)["ask"] == "conditions"


def test_tampered_signed_rule_set_is_refused(run_kiosk, keypair, tmp_path, files):
    priv, pub = keypair
    signed = tmp_path / "signed.json"
    run_kiosk(
        "rules",
        "sign",
        files("r.json", load_bundled().to_json()),
        "--key",
        priv,
        "--out",
        str(signed),
    )
    doc = json.loads(signed.read_text())
    doc["document"]["rules"][3]["when"]["youngest_age_below"]["years"] = 12
    signed.write_text(json.dumps(doc, ensure_ascii=False))
    proc = run_kiosk("rules", "verify", str(signed), "--key", pub)
    assert_clean_failure(proc, 5, "bad-signature")
    proc = run_kiosk(
        "eligibility", "--card", files("c.json", card()), "--rules", str(signed), "--rules-key", pub
    )
    assert_clean_failure(proc, 5, "bad-signature")


def test_signing_refuses_an_unusable_rule_set(run_kiosk, keypair, files):
    doc = load_bundled().to_json()
    doc["rules"][0]["when"] = {"python": "import os"}
    proc = run_kiosk("rules", "sign", files("r.json", doc), "--key", keypair[0])
    assert_clean_failure(proc, 5, "bad-rule-set")
    assert "unknown predicate" in proc.stderr


def test_a_bad_key_file(run_kiosk, files, tmp_path):
    bad = tmp_path / "bad.pub"
    bad.write_text("this is not a key")
    proc = run_kiosk("rules", "verify", files("r.json", {}), "--key", str(bad))
    assert_clean_failure(proc, 2, "bad-key")


def test_signed_rules_without_a_key(run_kiosk, keypair, files, tmp_path):
    signed = tmp_path / "s.json"
    run_kiosk(
        "rules",
        "sign",
        files("r.json", load_bundled().to_json()),
        "--key",
        keypair[0],
        "--out",
        str(signed),
    )
    proc = run_kiosk("eligibility", "--card", files("c.json", card()), "--rules", str(signed))
    assert_clean_failure(proc, 2, "bad-input")
    assert "--rules-key" in proc.stderr
