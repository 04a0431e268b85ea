import pytest
from cryptography.hazmat.primitives.asymmetric import x25519
from hypothesis import given
from hypothesis import strategies as st

from kiosk import sealing
from kiosk.sealing import SealError

KEY = x25519.X25519PrivateKey.generate()


@given(st.binary(max_size=2000), st.binary(max_size=64))
def test_round_trip(plaintext, aad):
    box = sealing.seal(plaintext, KEY.public_key(), aad)
    assert sealing.unseal(box, KEY, aad) == plaintext


def test_ciphertext_reveals_nothing_readable():
    box = sealing.seal("1103700123458 นายสมชาย".encode(), KEY.public_key(), b"b1")
    assert "1103700123458" not in str(box) and "สมชาย" not in str(box)


def test_two_seals_of_the_same_data_differ():
    a = sealing.seal(b"same", KEY.public_key(), b"b1")
    b = sealing.seal(b"same", KEY.public_key(), b"b1")
    assert a["ct"] != b["ct"] and a["epk"] != b["epk"]


@pytest.mark.parametrize(
    "tamper",
    [
        lambda b: b.__setitem__(
            "ct", b["ct"][:-4] + ("AAAA" if b["ct"][-4:] != "AAAA" else "BBBB")
        ),
        lambda b: b.__setitem__("nonce", "AAAAAAAAAAAAAAAA"),
        lambda b: b.__setitem__("v", 2),
        lambda b: b.__setitem__("kid", "feedfacefeedface"),
        lambda b: b.pop("epk"),
        lambda b: b.__setitem__("ct", b["ct"][:8]),
    ],
)
def test_tampered_boxes_do_not_open(tamper):
    box = sealing.seal(b"personal data", KEY.public_key(), b"booking-1")
    tamper(box)
    with pytest.raises(SealError):
        sealing.unseal(box, KEY, b"booking-1")


def test_a_box_moved_to_another_booking_does_not_open():
    box = sealing.seal(b"personal data", KEY.public_key(), b"booking-1")
    with pytest.raises(SealError):
        sealing.unseal(box, KEY, b"booking-2")


def test_another_key_cannot_open():
    box = sealing.seal(b"personal data", KEY.public_key(), b"b")
    with pytest.raises(SealError):
        sealing.unseal(box, x25519.X25519PrivateKey.generate(), b"b")
