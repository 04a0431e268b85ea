"""`kiosk-central check-slip`: is an offline-confirmed slip's QR text a seat the central honours?

A site can check a slip before the terminal that printed it has reconnected: the slip code
names the lease and carries the terminal's own signature (kiosk.leases.SlipCode), and the
central has both the lease it granted and every key that terminal ever registered. The checks,
in order, each a LeaseError with its code: the text parses (`slip-malformed`); the lease exists
(`lease-unknown`); the reference is one of its seats and the slot is its slot
(`slip-mismatch`); the key id is one of that terminal's keys and the signature verifies
(`slip-bad-signature`); the confirmation time is within `use_until` + grace (`lease-expired`);
and the central has not refused or cancelled the booking since (`lease-refused`,
`booking-cancelled`).
"""

from __future__ import annotations

from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric import ed25519

from central.store import SqliteStore
from kiosk.leases import Lease, LeaseError, parse_slip_code


@dataclass(frozen=True)
class SlipVerdict:
    reference: str
    slot_id: str
    lease_id: str
    terminal_id: str
    confirmed_at: str
    #: What the central knows of the seat: "booked", "held" (not yet received), ...
    central_state: str

    def lines(self) -> list[str]:
        at_central = {
            "booked": "booked at the central / ยืนยันที่ระบบกลางแล้ว",
            "held": "not yet received; the seat is held for it / ยังไม่ได้รับ ที่นั่งสำรองไว้แล้ว",
            "spent": "reported, not yet received; the seat is held / แจ้งแล้ว ที่นั่งสำรองไว้แล้ว",
            "released": "not yet received; its seat went back / ยังไม่ได้รับ ที่นั่งถูกคืนแล้ว",
        }[self.central_state]
        return [
            "valid / ใบนัดถูกต้อง",
            f"reference: {self.reference}",
            f"slot: {self.slot_id}",
            f"terminal: {self.terminal_id}",
            f"lease: {self.lease_id}",
            f"confirmed at: {self.confirmed_at}",
            f"central: {at_central}",
        ]


def check_slip(store: SqliteStore, text: str) -> SlipVerdict:
    code = parse_slip_code(text)
    envelope = store.lease_envelope(code.lease_id)
    if envelope is None:
        raise LeaseError(
            f"no lease {code.lease_id} was granted by this central",
            "lease-unknown",
            th="ไม่พบการสำรองที่นั่งตามใบนัดนี้ในระบบกลาง",
        )
    lease = Lease.from_document(envelope["document"], envelope)
    if code.reference not in lease.references:
        raise LeaseError(
            f"reference {code.reference} is not a seat of lease {lease.lease_id}",
            "slip-mismatch",
            th="หมายเลขการจองไม่ตรงกับที่นั่งที่สำรองไว้",
        )
    if code.slot_id != lease.slot_id:
        raise LeaseError(
            f"the slip names slot {code.slot_id}, the lease is for {lease.slot_id}",
            "slip-mismatch",
            th="ช่วงเวลาบนใบนัดไม่ตรงกับที่นั่งที่สำรองไว้",
        )
    keys = {k.key_id: k for k in store.terminal_keys(lease.terminal_id)}
    key = keys.get(code.key_id)
    if key is None:
        raise LeaseError(
            f"the slip is signed with key {code.key_id}, which terminal {lease.terminal_id} "
            "never registered",
            "slip-bad-signature",
            th="ลายเซ็นบนใบนัดไม่ใช่ของเครื่องที่ได้รับที่นั่งนี้",
        )
    code.verify(ed25519.Ed25519PublicKey.from_public_bytes(key.public))
    if not lease.honours(code.confirmed_time()):
        raise LeaseError(
            f"confirmed at {code.confirmed_at}, after the lease could be used "
            f"(until {lease.use_until.isoformat()} and its grace)",
            "lease-expired",
            th="ใบนัดนี้ยืนยันหลังจากที่นั่งที่สำรองไว้หมดอายุแล้ว",
        )
    seat = store.lease_seat(lease.lease_id, code.reference)
    assert seat is not None
    booking = store.booking_by_reference(code.reference)
    if booking is not None and not booking.active:
        raise LeaseError(
            f"booking {code.reference} has been cancelled",
            "booking-cancelled",
            th="การจองนี้ถูกยกเลิกแล้ว",
        )
    if booking is None and seat.state == "released" and seat.booking_id is not None:
        raise LeaseError(
            f"the central refused the booking sent for {code.reference} "
            f"({seat.released_why or 'refused'})",
            "lease-refused",
            th="ระบบกลางไม่ยืนยันการจองนี้ (เช่น มีการจองอื่นอยู่แล้ว)",
        )
    return SlipVerdict(
        reference=code.reference,
        slot_id=lease.slot_id,
        lease_id=lease.lease_id,
        terminal_id=lease.terminal_id,
        confirmed_at=code.confirmed_at,
        central_state="booked" if booking is not None else seat.state,
    )
