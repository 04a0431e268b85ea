"""Terminal signing keys (enrolment, rotation) and `kiosk-central check-slip` on real slips."""

from __future__ import annotations

import base64
from datetime import datetime, timedelta

import requests
from cryptography.hazmat.primitives.asymmetric import ed25519

from central.cli import main
from kiosk.dates import BANGKOK
from kiosk.keys import b64, raw_public
from kiosk.leases import make_slip_code
from tests.central.conftest import booking_body, citizen, lease_booking, refresh_leases
from tests.central.test_bookings_create import _problem


def _public(key):
    return b64(raw_public(key.public_key()))


def _enrol(c, terminal, public_key):
    code = c.central.store.new_enrolment_code("store-9", c.clock.now, timedelta(hours=1))
    body = {"enrolment_code": code, "terminal_id": terminal, "store": "store-9"}
    if public_key is not None:
        body["public_key"] = public_key
    return requests.post(c.url("/v1/terminals"), json=body, timeout=10)


def _rotate(c, token, public_key):
    return requests.put(
        c.url("/v1/terminals/me/key"),
        json={"public_key": public_key},
        headers={"Authorization": f"Bearer {token}"},
        timeout=10,
    )


def test_config_publishes_the_lease_signing_key(central):
    config = requests.get(central.url("/v1/config"), headers=central.auth(), timeout=10).json()
    keys = config["keys"]
    assert keys["lease_signing"]["public"] != keys["rule_signing"]["public"]
    assert len(base64.b64decode(keys["lease_signing"]["public"])) == 32


def test_bad_public_keys_are_a_bilingual_400(central):
    for bad in ("not base64!", b64(b"short"), b64(bytes(33))):
        _problem(_enrol(central, "kiosk-9", bad), 400, "bad-public-key")
        _problem(_rotate(central, central.tokens["kiosk-1"], bad), 400, "bad-public-key")
    assert central.central.store.terminal_keys("kiosk-9") == []


def _slip_for(c, terminal_key, token_terminal, confirmed_at, seat=0):
    """A lease for `token_terminal`, one seat of it confirmed offline and signed."""
    lease = refresh_leases(c, token_terminal, recent=[("scg-bang-sue", "2021-06-03")]).json()[
        "leases"
    ][0]
    document = lease["document"]
    return lease, make_slip_code(
        reference=document["references"][seat],
        slot_id=document["slot_id"],
        lease_id=document["lease_id"],
        confirmed_at=confirmed_at,
        terminal_key=terminal_key,
    )


def _check(c, text, capsys):
    settings = c.central.settings
    status = main(
        ["check-slip", "--db", str(settings.db), "--keys-dir", str(settings.keys_path), text]
    )
    out = capsys.readouterr()
    return status, out.out + out.err


def test_check_slip_valid_tampered_other_key_unknown_and_rotated(central, capsys):
    first, second = ed25519.Ed25519PrivateKey.generate(), ed25519.Ed25519PrivateKey.generate()
    enrolled = _enrol(central, "kiosk-9", _public(first))
    assert enrolled.status_code == 201, enrolled.text
    central.tokens["kiosk-9"] = enrolled.json()["token"]
    at = datetime(2021, 6, 1, 9, 59, tzinfo=BANGKOK)
    lease, slip = _slip_for(central, first, "kiosk-9", at)

    status, out = _check(central, slip.text(), capsys)
    assert status == 0, out
    assert "valid" in out and slip.reference in out and "kiosk-9" in out
    assert "not yet received" in out

    # rotation: the old key's slips still verify, the new key signs new ones
    rotated = _rotate(central, central.tokens["kiosk-9"], _public(second))
    assert rotated.status_code == 200, rotated.text
    keys = central.central.store.terminal_keys("kiosk-9")
    assert [k.replaced_at is None for k in keys] == [True, False]
    assert _check(central, slip.text(), capsys)[0] == 0
    newer = make_slip_code(
        reference=lease["document"]["references"][1],
        slot_id=slip.slot_id,
        lease_id=slip.lease_id,
        confirmed_at=at,
        terminal_key=second,
    )
    assert _check(central, newer.text(), capsys)[0] == 0

    # tampered: another reference of the same lease under the first seat's signature
    tampered = slip.text().replace(slip.reference, lease["document"]["references"][1])
    status, out = _check(central, tampered, capsys)
    assert status == 1 and "slip-bad-signature" in out

    # a key that is not this terminal's (kiosk-1's own key, say)
    stranger = ed25519.Ed25519PrivateKey.generate()
    forged = make_slip_code(
        reference=slip.reference,
        slot_id=slip.slot_id,
        lease_id=slip.lease_id,
        confirmed_at=at,
        terminal_key=stranger,
    )
    status, out = _check(central, forged.text(), capsys)
    assert status == 1 and "slip-bad-signature" in out and "never registered" in out

    unknown = slip.text().replace(slip.lease_id, "00000000-0000-4000-8000-000000000000")
    status, out = _check(central, unknown, capsys)
    assert status == 1 and "lease-unknown" in out
    status, out = _check(central, "TRJ1;nonsense", capsys)
    assert status == 1 and "slip-malformed" in out


def test_check_slip_after_the_booking_arrived_and_when_confirmed_too_late(central, capsys):
    key = ed25519.Ed25519PrivateKey.generate()
    enrolled = _enrol(central, "kiosk-9", _public(key)).json()
    central.tokens["kiosk-9"] = enrolled["token"]
    at = datetime(2021, 6, 1, 9, 59, tzinfo=BANGKOK)
    lease, slip = _slip_for(central, key, "kiosk-9", at)
    body = lease_booking(booking_body(citizen(3), "x", confirmed_at=at), lease, 0)
    assert central.book(body, terminal="kiosk-9").status_code == 201
    status, out = _check(central, slip.text(), capsys)
    assert status == 0 and "booked at the central" in out
    # a slip dated after use_until + grace does not verify, whatever its signature
    late = make_slip_code(
        reference=lease["document"]["references"][1],
        slot_id=slip.slot_id,
        lease_id=slip.lease_id,
        confirmed_at=datetime.fromisoformat(lease["document"]["use_until"]) + timedelta(minutes=6),
        terminal_key=key,
    )
    status, out = _check(central, late.text(), capsys)
    assert status == 1 and "lease-expired" in out
    assert main(["check-slip", "--db", str(central.central.settings.db) + ".nope", "x"]) == 2


def test_leases_command_shows_held_seats_per_slot_and_terminal(central, capsys):
    refresh_leases(central, recent=[("scg-bang-sue", "2021-06-03")])
    db = str(central.central.settings.db)
    assert main(["leases", "--db", db, "--json", "--now", "2021-06-01T10:00:00+07:00"]) == 0
    import json

    report = json.loads(capsys.readouterr().out)
    assert sum(s["held"] for s in report["slots"]) == 6
    assert all(s["available"] == s["capacity"] - s["booked"] - s["held"] for s in report["slots"])
    assert report["terminals"] == [
        {"terminal_id": "kiosk-1", "leases": 3, "seats": 6, "spent_not_booked": 0, "booked": 0}
    ]
    # later, once every leased slot has started, nothing counts as held
    assert main(["leases", "--db", db, "--json", "--now", "2021-06-30T10:00:00+07:00"]) == 0
    later = json.loads(capsys.readouterr().out)
    assert later["slots"] == [] and later["terminals"][0]["seats"] == 0
    assert main(["leases", "--db", db, "--now", "2021-06-01T10:00:00+07:00"]) == 0
    text = capsys.readouterr().out
    assert "kiosk-1\t3\t6\t0\t0" in text and "6 seats held" in text
