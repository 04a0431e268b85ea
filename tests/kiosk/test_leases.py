"""The shared lease contract: signatures, the terminal check, the grace boundary, the slip code."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from cryptography.hazmat.primitives.asymmetric import ed25519
from hypothesis import given
from hypothesis import strategies as st

from kiosk import leases
from kiosk.signing import canonical

CENTRAL = ed25519.Ed25519PrivateKey.generate()
TERMINAL = ed25519.Ed25519PrivateKey.generate()
NOW = datetime(2021, 5, 28, 3, 0, tzinfo=UTC)


def envelope(**over):
    fields = dict(
        lease_id=str(uuid.uuid4()),
        terminal_id="kiosk-0001",
        slot_id="S01-20210601-0900",
        site_id="S01",
        date="2021-06-01",
        start="09:00",
        end="10:00",
        references=["TRJ-7K3M-Q9X4", "TRJ-22AB-CDE7"],
        granted_at=NOW,
        use_until=NOW + timedelta(hours=24),
    )
    fields.update(over)
    return leases.sign_lease(leases.lease_document(**fields), CENTRAL)


def test_a_lease_verifies_for_its_terminal():
    lease = leases.verify_lease(envelope(), CENTRAL.public_key(), "kiosk-0001")
    assert lease.seats == 2
    assert lease.references == ("TRJ-7K3M-Q9X4", "TRJ-22AB-CDE7")
    assert lease.use_until == NOW + timedelta(hours=24)
    assert canonical(lease.document()) == canonical(lease.envelope["document"])


def test_another_terminals_lease_is_refused():
    with pytest.raises(leases.LeaseError) as err:
        leases.verify_lease(envelope(), CENTRAL.public_key(), "kiosk-0002")
    assert err.value.code == "lease-other-terminal"


@pytest.mark.parametrize(
    "field, value",
    [("seats", 3), ("slot_id", "S02-20210601-0900"), ("use_until", "2031-01-01T00:00:00+07:00")],
)
def test_a_changed_field_breaks_the_signature(field, value):
    env = envelope()
    env["document"][field] = value
    with pytest.raises(leases.LeaseError) as err:
        leases.verify_lease(env, CENTRAL.public_key(), "kiosk-0001")
    assert err.value.code == "lease-bad-signature"


def test_a_lease_signed_by_another_key_is_refused():
    other = ed25519.Ed25519PrivateKey.generate()
    env = leases.sign_lease(envelope()["document"], other)
    with pytest.raises(leases.LeaseError) as err:
        leases.verify_lease(env, CENTRAL.public_key(), "kiosk-0001")
    assert err.value.code == "lease-bad-signature"


@pytest.mark.parametrize(
    "over",
    [
        {"references": ["TRJ-7K3M-Q9X4", "TRJ-7K3M-Q9X4"]},
        {"use_until": NOW},
        {"lease_id": "not-a-uuid"},
    ],
)
def test_a_malformed_lease_is_refused_even_when_signed(over):
    with pytest.raises(leases.LeaseError) as err:
        leases.verify_lease(envelope(**over), CENTRAL.public_key(), "kiosk-0001")
    assert err.value.code == "lease-malformed"


@given(st.integers(min_value=-3600, max_value=3600))
def test_usable_before_use_until_and_honoured_until_the_grace_ends(seconds):
    lease = leases.verify_lease(envelope(), CENTRAL.public_key(), None)
    at = lease.use_until + timedelta(seconds=seconds)
    assert lease.usable_at(at) == (seconds < 0)
    assert lease.honours(at) == (seconds <= leases.GRACE.total_seconds())


def slip(**over):
    fields = dict(
        reference="TRJ-7K3M-Q9X4",
        slot_id="S01-20210601-0900",
        lease_id=str(uuid.uuid4()),
        confirmed_at=NOW,
        terminal_key=TERMINAL,
    )
    fields.update(over)
    return leases.make_slip_code(**fields)


def test_a_slip_code_round_trips_and_verifies():
    code = slip()
    parsed = leases.parse_slip_code(code.text())
    assert parsed == code
    parsed.verify(TERMINAL.public_key())
    assert parsed.confirmed_time() == NOW


@pytest.mark.parametrize("index", [1, 2, 3, 4])
def test_any_changed_field_of_a_slip_fails(index):
    parts = slip().text().split(";")
    parts[index] = parts[index][:-1] + ("X" if parts[index][-1] != "X" else "Y")
    text = ";".join(parts)
    try:
        parsed = leases.parse_slip_code(text)
    except leases.LeaseError as exc:  # a changed time may no longer parse: also a failure
        assert exc.code == "slip-malformed"
        return
    with pytest.raises(leases.LeaseError) as err:
        parsed.verify(TERMINAL.public_key())
    assert err.value.code == "slip-bad-signature"


def test_a_slip_signed_by_another_terminal_fails():
    other = ed25519.Ed25519PrivateKey.generate()
    with pytest.raises(leases.LeaseError) as err:
        leases.parse_slip_code(slip(terminal_key=other).text()).verify(TERMINAL.public_key())
    assert err.value.code == "slip-bad-signature"


@pytest.mark.parametrize(
    "text", ["", "TRJ-7K3M-Q9X4", "TRJ2;a;b;c;2021-05-28T10:00:00+07:00;k;s", "TRJ1;;;;;;"]
)
def test_garbage_is_not_a_slip_code(text):
    with pytest.raises(leases.LeaseError) as err:
        leases.parse_slip_code(text)
    assert err.value.code == "slip-malformed"
