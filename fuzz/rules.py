"""Fuzz the rule-set loader and the engine, on documents that pass the signature check.

A rule set is signed by the central, so the hostile case worth fuzzing is the document *after*
verification: a central that signed something malformed (a bug, a bad edit, a stolen key). The
input is the document's JSON text; it is signed here with a test key and offered to the real
`RuleSetKeeper` (verify, then load), which promises never to raise for bad input. A set it takes
is then used: every demo person, with each kind of answer and each registry value, must get a
decision (`evaluate`), never an exception. The input is decoded as the terminal's client
decodes the central's reply (`sync.client._decode`), and also given to `signing.verify` as an
envelope, for the check before the document. Seeds: the bundled rule set and variants of it.
"""

from __future__ import annotations

import json
from datetime import date

import atheris

with atheris.instrument_imports():
    import requests

    from kiosk import signing
    from kiosk.eligibility import Answers, RuleSetKeeper, evaluate, load_bundled
    from kiosk.eligibility.predicates import RuleSetError
    from sync import client as sync_client

from cryptography.hazmat.primitives.asymmetric import ed25519

from fuzz.harness import NESTED, Finding, json_text, main, refused_or_result

_KEY = ed25519.Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
_PUBLIC = _KEY.public_key()
_ON = date(2021, 6, 1)
_BUNDLED = load_bundled()


def _people() -> list:
    from kiosk.card.model import Card
    from kiosk.demo_people import demo_people

    return [Card.from_json(p.card) for p in demo_people(_ON)]


_CARDS = _people()


def _answers(codes: frozenset[str]) -> list[Answers]:
    some = frozenset(sorted(codes)[:1])
    return [
        Answers(),
        Answers(frozenset(), False),
        Answers(some, True),
        Answers(codes, None),
    ]


def use(document: object) -> None:
    keeper = RuleSetKeeper(_BUNDLED, _PUBLIC)
    try:
        taken = keeper.offer(signing.sign(document, _KEY))
    except Exception as exc:
        raise Finding(f"RuleSetKeeper.offer raised {type(exc).__name__}") from exc
    if not taken:
        if keeper.last_error is None:
            raise Finding("a refused rule set left no error to show")
        return
    rule_set = keeper.current
    for card in _CARDS:
        for answers in _answers(rule_set.condition_codes):
            for registry in ("yes", "no", "unknown"):
                decision = evaluate(rule_set, card, answers, registry, _ON)
                if decision.route == "ask" and decision.ask not in rule_set.questions:
                    raise Finding(f"asks {decision.ask!r}, which the rule set does not define")
                decision.to_json()


def _nodes(value: object, out: list) -> list:
    """Every (container, key) pair of a JSON document, to pick one to replace."""
    items = value.items() if isinstance(value, dict) else enumerate(value)
    for key, child in items:
        out.append((value, key))
        if isinstance(child, dict | list) and child:
            _nodes(child, out)
    return out


def edited(data: bytes) -> object:
    """The bundled rule set with a few of its values replaced: edits a hostile or buggy signer
    would make, which byte mutations of JSON text rarely reach."""
    fdp = atheris.FuzzedDataProvider(data)
    doc = _BUNDLED.to_json()
    for _ in range(fdp.ConsumeIntInRange(1, 4)):
        nodes = _nodes(doc, [])
        parent, key = nodes[fdp.ConsumeIntInRange(0, len(nodes) - 1)]
        pick = fdp.ConsumeIntInRange(0, 8)
        if pick == 0:
            value: object = fdp.ConsumeInt(4)
        elif pick == 1:
            value = fdp.ConsumeBool()
        elif pick == 2:
            value = fdp.ConsumeUnicodeNoSurrogates(fdp.ConsumeIntInRange(0, 12))
        elif pick == 3:
            value = None
        elif pick == 4:
            value = []
        elif pick == 5:
            value = {}
        elif pick == 6:
            value = fdp.ConsumeFloat()
        elif pick == 7 and isinstance(parent, list):
            parent.insert(key, json.loads(json.dumps(parent[key])))  # a duplicate entry
            continue
        else:
            other, other_key = nodes[fdp.ConsumeIntInRange(0, len(nodes) - 1)]
            value = json.loads(json.dumps(other[other_key]))  # a value from elsewhere
        if pick == 8 and isinstance(parent, dict) and fdp.ConsumeBool():
            parent.pop(key)
        else:
            parent[key] = value
    return doc


def received(data: bytes) -> object:
    """The body as the terminal's client decodes a 200 reply to GET /v1/rules/{id}."""
    response = requests.models.Response()
    response.status_code = 200
    response._content = data
    response.encoding = "utf-8"
    response.headers["Content-Type"] = "application/json"
    return sync_client._decode(response)


def test_one_input(data: bytes) -> None:
    if data[:1] == b"\x00":
        document = edited(data[1:])
    else:
        document = received(json_text(data))
        if document is sync_client._GARBLED:
            return  # the terminal's client refuses it (central-garbled) before any rule-set code
    if isinstance(document, dict):
        refused_or_result(lambda: use(document))
    refused_or_result(lambda: signing.verify(document, _PUBLIC), RuleSetError)


def seeds() -> list[bytes]:
    doc = _BUNDLED.to_json()
    variants = [doc]
    short = json.loads(json.dumps(doc))
    short["rules"] = short["rules"][:3]
    variants.append(short)
    bumped = json.loads(json.dumps(doc))
    bumped["version"] += 1
    bumped.pop("valid_from", None)
    variants.append(bumped)
    no_questions = json.loads(json.dumps(doc))
    no_questions["questions"] = {}
    variants.append(no_questions)
    out = [json.dumps(v, ensure_ascii=False).encode() for v in variants]
    out.append(json.dumps(signing.sign(doc, _KEY), ensure_ascii=False).encode())
    out += [json.dumps(r, ensure_ascii=False).encode() for r in doc["rules"][:4]]
    out.append(bytes([NESTED, 0, 2, 1]) + out[0])  # the rule set two objects deep
    out += [b"\x00" + bytes([i, 255 - i, i * 7 % 256, i * 13 % 256]) * 4 for i in range(16)]
    return out


if __name__ == "__main__":
    main(test_one_input, seeds)
