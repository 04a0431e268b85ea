import copy

import pytest
from cryptography.hazmat.primitives.asymmetric import ed25519

from kiosk import signing
from kiosk.eligibility import RuleSetError, RuleSetKeeper, load_bundled, load_signed
from kiosk.signing import SignatureError

KEY = ed25519.Ed25519PrivateKey.generate()
DEFAULT = load_bundled()


def signed(doc, key=KEY):
    return signing.sign(doc, key)


def newer(**changes):
    doc = copy.deepcopy(DEFAULT.to_json())
    doc.update(changes)
    return doc


def test_verified_rule_set_loads():
    assert load_signed(signed(DEFAULT.to_json()), KEY.public_key()).id == DEFAULT.id


def test_unknown_predicate_is_refused_even_when_signed():
    doc = newer(version=2)
    doc["rules"][0]["when"] = {"shell": "rm -rf /"}
    with pytest.raises(RuleSetError, match="unknown predicate"):
        load_signed(signed(doc), KEY.public_key())


def test_keeper_takes_a_valid_newer_set():
    keeper = RuleSetKeeper(DEFAULT, KEY.public_key())
    assert keeper.offer(signed(newer(version=2)))
    assert keeper.current.version == 2 and keeper.last_error is None


@pytest.mark.parametrize(
    ("envelope", "error"),
    [
        (signed(newer(version=2), ed25519.Ed25519PrivateKey.generate()), SignatureError),
        ({**signed(newer(version=2)), "document": newer(version=3)}, SignatureError),
        (signed(newer(version=2, format=9)), RuleSetError),
        ("not even json object", SignatureError),
        (None, SignatureError),
    ],
)
def test_keeper_keeps_the_last_valid_set(envelope, error):
    keeper = RuleSetKeeper(DEFAULT, KEY.public_key())
    assert not keeper.offer(envelope)
    assert keeper.current is DEFAULT
    assert isinstance(keeper.last_error, error)
    assert keeper.last_error.th and keeper.last_error.en


def test_keeper_refuses_to_go_back_to_an_older_version():
    keeper = RuleSetKeeper(DEFAULT, KEY.public_key())
    keeper.offer(signed(newer(version=3)))
    assert not keeper.offer(signed(newer(version=2)))
    assert keeper.current.version == 3
