import copy

import pytest
from cryptography.hazmat.primitives.asymmetric import ed25519

from kiosk import signing
from kiosk.signing import SignatureError

DOC = {"id": "rules-1", "rules": [{"when": {"province": "กรุงเทพมหานคร"}, "route": "book"}]}


@pytest.fixture
def key():
    return ed25519.Ed25519PrivateKey.generate()


def test_round_trip(key):
    envelope = signing.sign(DOC, key)
    assert signing.verify(envelope, key.public_key()) == DOC


def test_key_order_and_whitespace_do_not_matter(key):
    envelope = signing.sign(DOC, key)
    reordered = {
        "signature": envelope["signature"],
        "document": {"rules": DOC["rules"], "id": DOC["id"]},
    }
    assert signing.verify(reordered, key.public_key()) == DOC


@pytest.mark.parametrize(
    "tamper",
    [
        lambda e: e["document"].__setitem__("id", "rules-2"),
        lambda e: e["document"]["rules"][0].__setitem__("route", "hospital"),
        lambda e: e["signature"].__setitem__("sig", e["signature"]["sig"][:-4] + "AAAA"),
        lambda e: e["signature"].__setitem__("alg", "rsa"),
        lambda e: e["signature"].__setitem__("kid", "0000"),
        lambda e: e["signature"].__setitem__("sig", "not base64!"),
        lambda e: e.pop("signature"),
    ],
)
def test_any_change_is_refused(key, tamper):
    envelope = copy.deepcopy(signing.sign(DOC, key))
    tamper(envelope)
    with pytest.raises(SignatureError):
        signing.verify(envelope, key.public_key())


def test_another_key_is_refused(key):
    envelope = signing.sign(DOC, key)
    with pytest.raises(SignatureError, match="unknown key"):
        signing.verify(envelope, ed25519.Ed25519PrivateKey.generate().public_key())


def test_not_an_object():
    with pytest.raises(SignatureError):
        signing.verify([1, 2], ed25519.Ed25519PrivateKey.generate().public_key())
