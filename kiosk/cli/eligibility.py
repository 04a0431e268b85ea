"""`kiosk eligibility` and `kiosk rules sign|verify`."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path

from kiosk.errors import InputError


def register(sub: argparse._SubParsersAction) -> None:
    el = sub.add_parser(
        "eligibility",
        help="decide eligibility for a card, as the kiosk does, offline",
        description=(
            "Decides eligibility offline, as the kiosk does, and prints one JSON object "
            '`{"route", "code", "ask", "message": {"th", "en"}, "rule_set", "age"}`; '
            "exits 0 for any decision, including `ask` (a question the card cannot "
            "answer)."
        ),
    )
    el.add_argument("--card", required=True, type=Path, metavar="CARD.json")
    el.add_argument(
        "--answers",
        type=Path,
        metavar="ANSWERS.json",
        help='{"conditions": [codes], "works_in_bangkok": true|false}, keys optional',
    )
    el.add_argument(
        "--registry",
        choices=["yes", "no", "unknown"],
        default="unknown",
        help="social security / government programme membership (default unknown)",
    )
    el.add_argument("--on", metavar="YYYY-MM-DD", help="evaluation date (default: today, Bangkok)")
    el.add_argument(
        "--rules",
        type=Path,
        metavar="FILE",
        help="a rule set (plain, or a signed envelope with --rules-key); "
        "default: the bundled bkk-thairuamjai-2021-05-27",
    )
    el.add_argument(
        "--rules-key",
        type=Path,
        metavar="PUBKEY",
        help="rule-signing public key to verify a signed --rules file",
    )
    el.set_defaults(handler=cmd_eligibility)

    rules = sub.add_parser("rules", help="sign or verify rule sets")
    rules_sub = rules.add_subparsers(dest="rules_command", required=True, metavar="ACTION")
    verify = rules_sub.add_parser(
        "verify",
        help="verify a signed rule set and check that it is usable",
        description=(
            "Exits 0 only if the signature matches and this terminal can use the rule set."
        ),
    )
    verify.add_argument("file", type=Path, metavar="FILE")
    verify.add_argument("--key", required=True, type=Path, metavar="PUBKEY")
    verify.set_defaults(handler=cmd_verify)
    sign = rules_sub.add_parser(
        "sign",
        help="sign a rule set (it is validated first)",
        description=("Validates a rule set and wraps it in an Ed25519-signed envelope."),
    )
    sign.add_argument("file", type=Path, metavar="FILE")
    sign.add_argument("--key", required=True, type=Path, metavar="PRIVKEY")
    sign.add_argument("--out", type=Path, metavar="OUT", help="write here instead of stdout")
    sign.set_defaults(handler=cmd_sign)


def _is_envelope(data: object) -> bool:
    return isinstance(data, dict) and set(data) == {"document", "signature"}


def _load_rules(path: Path | None, key: Path | None):
    from kiosk.cli.inputs import read_json
    from kiosk.eligibility import RuleSet, load_bundled, load_signed
    from kiosk.keys import load_ed25519_public

    if path is None:
        return load_bundled()
    data = read_json(path, "rules")
    if _is_envelope(data):
        if key is None:
            raise InputError(
                f"{str(path)!r} is a signed rule set: give --rules-key to verify it",
                "ชุดกฎมีลายเซ็น กรุณาระบุกุญแจสาธารณะ (--rules-key)",
            )
        return load_signed(data, load_ed25519_public(key))
    return RuleSet.from_json(data)


def _parse_day(text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InputError(
            f"--on {text!r} is not a date (YYYY-MM-DD)", f"วันที่ {text!r} ไม่ถูกต้อง (ปปปป-ดด-วว)"
        ) from None


def cmd_eligibility(args: argparse.Namespace) -> int:
    from kiosk.card.errors import CardDataError
    from kiosk.card.model import Card
    from kiosk.cli.inputs import read_json
    from kiosk.eligibility import Answers, evaluate

    on = _parse_day(args.on)
    rule_set = _load_rules(args.rules, args.rules_key)
    try:
        card = Card.from_json(read_json(args.card, "card"))
    except CardDataError as exc:
        raise InputError(f"card file {str(args.card)!r}: {exc.en}", exc.th) from None
    answers = Answers()
    if args.answers is not None:
        answers = Answers.from_json(read_json(args.answers, "answers"), rule_set.condition_codes)
    decision = evaluate(rule_set, card, answers, args.registry, on)
    json.dump(decision.to_json(), sys.stdout, ensure_ascii=False)
    print()
    return 0


def cmd_verify(args: argparse.Namespace) -> int:
    from kiosk.cli.inputs import read_json
    from kiosk.eligibility import load_signed
    from kiosk.keys import load_ed25519_public

    rule_set = load_signed(read_json(args.file, "rules"), load_ed25519_public(args.key))
    print(
        f"ok: rule set {rule_set.id} version {rule_set.version}, {len(rule_set.rules)} rules, "
        "signature valid"
    )
    return 0


def cmd_sign(args: argparse.Namespace) -> int:
    from kiosk import signing
    from kiosk.cli.inputs import read_json
    from kiosk.eligibility import RuleSet
    from kiosk.keys import load_ed25519_private

    data = read_json(args.file, "rules")
    if _is_envelope(data):
        data = data["document"]  # re-signing: the old signature is replaced
    rule_set = RuleSet.from_json(data)
    envelope = signing.sign(rule_set.to_json(), load_ed25519_private(args.key))
    text = json.dumps(envelope, ensure_ascii=False, indent=2) + "\n"
    if args.out is None:
        sys.stdout.write(text)
    else:
        try:
            args.out.write_text(text, encoding="utf-8")
        except OSError as exc:
            raise InputError(f"cannot write {str(args.out)!r}: {exc.strerror}") from None
    print(
        f"signed rule set {rule_set.id} version {rule_set.version} with key "
        f"{envelope['signature']['kid']}",
        file=sys.stderr,
    )
    return 0
