"""Seat leases (DESIGN §11): what a lease is, how its signature is checked, and the slip code.

This is the one definition both sides share, so the terminal that spends a lease and the central
that honours it (and `kiosk-central check-slip`) can never disagree on a field or a byte:

- A lease is the central's grant to one terminal of `seats` seats in one slot, each seat with its
  final booking reference fixed now, signed by the central's lease key in the envelope of
  `kiosk.signing` (`{"document": {...}, "signature": {"alg", "kid", "sig"}}`, canonical JSON).
- The slip code is the text of an offline-confirmed slip's QR: the reference, slot, lease,
  confirmation time and the terminal's own Ed25519 signature over them, so a site can verify a
  slip before the terminal that printed it has reconnected.

Pure: no I/O, no clock of its own (every "now" is passed in, already corrected by the central's
offset on a terminal).
"""

from __future__ import annotations

import base64
import binascii
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric import ed25519

from kiosk import signing
from kiosk.errors import KioskError
from kiosk.keys import key_id, raw_public

#: A booking confirmed at the terminal up to this long after `use_until` is still honoured
#: (the terminal's corrected clock may be a little behind the central's).
GRACE = timedelta(minutes=5)

#: The first field of a slip code: names the format, so a later one can be told apart.
SLIP_CODE_VERSION = "TRJ1"
_SEP = ";"

_FIELDS = (
    "lease_id",
    "terminal_id",
    "slot_id",
    "site_id",
    "date",
    "start",
    "end",
    "seats",
    "references",
    "granted_at",
    "use_until",
)


class LeaseError(KioskError):
    """A lease or a slip code that cannot be trusted. `code` says which check failed:

    `lease-malformed`, `lease-bad-signature`, `lease-other-terminal`, `slip-malformed`,
    `slip-bad-signature`, `slip-mismatch` (the slip names a seat the lease does not hold).
    """

    code = "lease-invalid"
    exit_status = 1

    def __init__(self, en: str, code: str, th: str = "ข้อมูลการสำรองที่นั่งไม่ถูกต้อง") -> None:
        super().__init__(th, en)
        self.code = code


def _when(value: Any, name: str) -> datetime:
    if not isinstance(value, str):
        raise LeaseError(f"lease field {name!r} must be an ISO 8601 time", "lease-malformed")
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise LeaseError(
            f"lease field {name!r} is not an ISO 8601 time", "lease-malformed"
        ) from None
    if parsed.tzinfo is None:
        raise LeaseError(f"lease field {name!r} has no time zone", "lease-malformed")
    return parsed


@dataclass(frozen=True)
class Lease:
    """One verified lease. `envelope` is the signed form exactly as the central sent it."""

    lease_id: str
    terminal_id: str
    slot_id: str
    site_id: str
    date: str
    start: str
    end: str
    seats: int
    references: tuple[str, ...]
    granted_at: datetime
    use_until: datetime
    envelope: Mapping[str, Any]

    @classmethod
    def from_document(cls, document: Mapping[str, Any], envelope: Mapping[str, Any]) -> Lease:
        missing = [f for f in _FIELDS if f not in document]
        if missing:
            raise LeaseError(f"lease lacks {', '.join(missing)}", "lease-malformed")
        for name in ("lease_id", "terminal_id", "slot_id", "site_id", "date", "start", "end"):
            if not isinstance(document[name], str) or not document[name]:
                raise LeaseError(f"lease field {name!r} must be a string", "lease-malformed")
        try:
            uuid.UUID(document["lease_id"])
        except ValueError:
            raise LeaseError("lease_id is not a UUID", "lease-malformed") from None
        seats, refs = document["seats"], document["references"]
        if not isinstance(seats, int) or isinstance(seats, bool) or seats < 1:
            raise LeaseError("lease seats must be a positive integer", "lease-malformed")
        if (
            not isinstance(refs, list)
            or len(refs) != seats
            or not all(isinstance(r, str) and r for r in refs)
            or len(set(refs)) != len(refs)
        ):
            raise LeaseError(
                "lease references must be one distinct string per seat", "lease-malformed"
            )
        granted, until = (
            _when(document["granted_at"], "granted_at"),
            _when(document["use_until"], "use_until"),
        )
        if until <= granted:
            raise LeaseError("lease use_until is not after granted_at", "lease-malformed")
        return cls(
            lease_id=document["lease_id"],
            terminal_id=document["terminal_id"],
            slot_id=document["slot_id"],
            site_id=document["site_id"],
            date=document["date"],
            start=document["start"],
            end=document["end"],
            seats=seats,
            references=tuple(refs),
            granted_at=granted,
            use_until=until,
            envelope=dict(envelope),
        )

    def document(self) -> dict[str, Any]:
        """The signed document (what `sign_lease` takes)."""
        return dict(self.envelope["document"])

    def usable_at(self, now: datetime) -> bool:
        """May the terminal still confirm a booking from this lease at `now` (corrected)?"""
        return now < self.use_until

    def honours(self, confirmed_at: datetime) -> bool:
        """Does the central honour a booking from this lease confirmed at `confirmed_at`?"""
        return confirmed_at <= self.use_until + GRACE


def lease_document(
    *,
    lease_id: str,
    terminal_id: str,
    slot_id: str,
    site_id: str,
    date: str,
    start: str,
    end: str,
    references: list[str],
    granted_at: datetime,
    use_until: datetime,
) -> dict[str, Any]:
    """The document the central signs (times as ISO 8601 with their offset, to the second)."""
    return {
        "lease_id": lease_id,
        "terminal_id": terminal_id,
        "slot_id": slot_id,
        "site_id": site_id,
        "date": date,
        "start": start,
        "end": end,
        "seats": len(references),
        "references": list(references),
        "granted_at": granted_at.isoformat(timespec="seconds"),
        "use_until": use_until.isoformat(timespec="seconds"),
    }


def sign_lease(document: Mapping[str, Any], key: ed25519.Ed25519PrivateKey) -> dict[str, Any]:
    return signing.sign(document, key)


def verify_lease(
    envelope: object,
    public_keys: Mapping[str, ed25519.Ed25519PublicKey] | ed25519.Ed25519PublicKey,
    terminal_id: str | None,
) -> Lease:
    """The lease, if the central signed it and (when `terminal_id` is given) it is that
    terminal's; LeaseError otherwise. A terminal passes its own id; the central passes None
    when it checks a slip for any terminal."""
    try:
        document = signing.verify(envelope, public_keys)
    except signing.SignatureError as exc:
        raise LeaseError(f"lease signature: {exc.en}", "lease-bad-signature") from None
    assert isinstance(envelope, Mapping)
    lease = Lease.from_document(document, envelope)
    if terminal_id is not None and lease.terminal_id != terminal_id:
        raise LeaseError(
            f"lease {lease.lease_id} was granted to another terminal", "lease-other-terminal"
        )
    return lease


# the slip code -------------------------------------------------------------------------------


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64url(text: str) -> bytes:
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        raise LeaseError("slip signature is not base64url", "slip-malformed") from None


@dataclass(frozen=True)
class SlipCode:
    """`TRJ1;<reference>;<slot_id>;<lease_id>;<confirmed_at>;<terminal key id>;<signature>`.

    The signature (Ed25519, base64url without padding) covers the UTF-8 bytes of everything
    before the last `;`. `confirmed_at` is ISO 8601 to the second with its offset.
    """

    reference: str
    slot_id: str
    lease_id: str
    confirmed_at: str
    key_id: str
    signature: str

    def signed_text(self) -> str:
        return _SEP.join(
            (
                SLIP_CODE_VERSION,
                self.reference,
                self.slot_id,
                self.lease_id,
                self.confirmed_at,
                self.key_id,
            )
        )

    def text(self) -> str:
        return f"{self.signed_text()}{_SEP}{self.signature}"

    def confirmed_time(self) -> datetime:
        try:
            return _when(self.confirmed_at, "confirmed_at")
        except LeaseError as exc:
            raise LeaseError(exc.en, "slip-malformed") from None

    def verify(self, public_key: ed25519.Ed25519PublicKey) -> None:
        """LeaseError `slip-bad-signature` unless the terminal's key signed exactly this."""
        if key_id(raw_public(public_key)) != self.key_id:
            raise LeaseError("slip signed with another terminal key", "slip-bad-signature")
        try:
            public_key.verify(_unb64url(self.signature), self.signed_text().encode())
        except InvalidSignature:
            raise LeaseError("slip signature does not match", "slip-bad-signature") from None


def make_slip_code(
    *,
    reference: str,
    slot_id: str,
    lease_id: str,
    confirmed_at: datetime,
    terminal_key: ed25519.Ed25519PrivateKey,
) -> SlipCode:
    unsigned = SlipCode(
        reference=reference,
        slot_id=slot_id,
        lease_id=lease_id,
        confirmed_at=confirmed_at.isoformat(timespec="seconds"),
        key_id=key_id(raw_public(terminal_key.public_key())),
        signature="",
    )
    for value in (reference, slot_id, lease_id):
        if _SEP in value:
            raise ValueError(f"{value!r} cannot go into a slip code")
    sig = terminal_key.sign(unsigned.signed_text().encode())
    return SlipCode(**{**unsigned.__dict__, "signature": _b64url(sig)})


def parse_slip_code(text: str) -> SlipCode:
    """The fields of a slip code as scanned or typed; LeaseError `slip-malformed` otherwise."""
    parts = text.strip().split(_SEP)
    if len(parts) != 7 or parts[0] != SLIP_CODE_VERSION or not all(parts):
        raise LeaseError(
            f"not a {SLIP_CODE_VERSION} slip code (expected 7 fields separated by ';')",
            "slip-malformed",
            th="รหัสบนใบนัดไม่ถูกต้อง",
        )
    code = SlipCode(*parts[1:])
    code.confirmed_time()
    _unb64url(code.signature)
    return code
