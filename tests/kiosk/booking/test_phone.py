import pytest
from hypothesis import given
from hypothesis import strategies as st

from kiosk.booking.phone import PhoneError, masked, normalise


@pytest.mark.parametrize(
    ("text", "phone"),
    [
        ("0812345678", "0812345678"),
        ("081-234-5678", "0812345678"),
        ("081 234 5678", "0812345678"),
        ("+66812345678", "0812345678"),
        ("66912345678", "0912345678"),
        ("0612345678", "0612345678"),
    ],
)
def test_accepted_forms(text, phone):
    assert normalise(text) == phone


@pytest.mark.parametrize(
    "text",
    [
        "",
        "021234567",
        "0212345678",
        "081234567",
        "08123456789",
        "0712345678",
        "abcdefghij",
        "๐๘๑๒๓๔๕๖๗๘",
    ],
)
def test_refused(text):
    with pytest.raises(PhoneError) as err:
        normalise(text)
    assert "06 08" in err.value.th


@given(st.sampled_from("689"), st.text(alphabet="0123456789", min_size=8, max_size=8))
def test_every_thai_mobile_number_is_accepted_and_masked(second, rest):
    phone = normalise(f"0{second}{rest}")
    assert masked(phone) == f"0{second}{rest[0]}-XXX-{rest[4:]}"
