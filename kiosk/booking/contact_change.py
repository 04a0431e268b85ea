"""Changing the phone number or the occupation of a booking the central holds.

One function, used by the touchscreen's controller and by `kiosk booking change`, so both say the
same thing in the same words. It talks to the central through a narrow protocol (`sync`'s client
implements it); it never queues: a change needs the connection (kiosk/session/contact_change.py
says why), and its errors say so in Thai and English.

The version sent as If-Match is the one the customer saw. A 412 means the booking changed
elsewhere meanwhile: the booking as it stands now is looked up and carried by the error, so the
screen can show it. One exception: when the booking now holds exactly what was asked (our own
PATCH landed, its answer was lost, and the retry met the new version), it is the change done.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

from kiosk.booking.errors import CentralRejected, CentralUnavailable
from kiosk.booking.model import Occupation
from kiosk.booking.phone import masked
from kiosk.errors import KioskError


class ChangeCentral(Protocol):
    def is_open(self) -> bool: ...

    def lookup(self, cid: str, deadline: float | None = None) -> Mapping[str, Any] | None: ...

    def change(
        self, reference: str, version: int, cid: str, deadline: float | None = None, **fields: Any
    ) -> Mapping[str, Any]: ...


class ChangeNeedsConnection(KioskError):
    code = "change-needs-connection"
    exit_status = 6

    def __init__(self) -> None:
        super().__init__(
            "การเปลี่ยนเบอร์โทรหรืออาชีพต้องเชื่อมต่อกับระบบกลาง ซึ่งติดต่อไม่ได้ในขณะนี้ "
            "การจองของท่านยังคงเดิม กรุณาลองใหม่ภายหลัง ท่านพิมพ์ใบนัดอีกครั้งได้",
            "A change of phone or occupation needs the connection to the central, which cannot "
            "be reached now. Your booking stands as it was; please try again later. You can "
            "print your slip again.",
        )


class ChangedElsewhere(KioskError):
    code = "version-mismatch"
    exit_status = 7

    def __init__(self, current: Mapping[str, Any] | None) -> None:
        super().__init__(
            "การจองนี้ถูกแก้ไขจากที่อื่นระหว่างนี้ จึงยังไม่ได้เปลี่ยนแปลงตามที่ท่านขอ "
            "ที่แสดงอยู่คือการจองล่าสุด กรุณาตรวจสอบแล้วลองใหม่อีกครั้ง",
            "This booking was changed elsewhere meanwhile, so your change was not made. What "
            "is shown is the booking as it stands now; please check it and try again.",
        )
        #: The booking as it stands now (None: no active booking any more).
        self.current = dict(current) if current is not None else None


class NoBooking(KioskError):
    code = "no-booking"
    exit_status = 7

    def __init__(self) -> None:
        super().__init__(
            "ไม่พบการจองที่ยังมีผลสำหรับบัตรประชาชนใบนี้",
            "There is no active booking for this ID card.",
        )


class NothingToChange(KioskError):
    code = "nothing-to-change"
    exit_status = 2

    def __init__(self) -> None:
        super().__init__(
            "ไม่มีอะไรให้เปลี่ยน กรุณาระบุเบอร์โทรใหม่หรืออาชีพใหม่",
            "Nothing to change: give a new phone number or a new occupation.",
        )


def occupation_json(occupation: Occupation) -> dict[str, Any]:
    out: dict[str, Any] = {"code": occupation.code}
    if occupation.code == "other":
        out["other"] = (occupation.other or "").strip()
    return out


def holds(booking: Mapping[str, Any], phone: str | None, occupation: Occupation | None) -> bool:
    """The booking already says what was asked (its phone is masked: compare masked forms)."""
    if phone is not None and booking.get("phone") != masked(phone):
        return False
    if occupation is not None:
        occ = booking.get("occupation") or {}
        if occ.get("code") != occupation.code:
            return False
        if occupation.code == "other" and (occ.get("other") or "") != (occupation.other or ""):
            return False
    return True


def find_booking(central: ChangeCentral, cid: str, deadline: float) -> Mapping[str, Any]:
    """The citizen's active booking, or NoBooking / ChangeNeedsConnection."""
    if central.is_open():
        raise ChangeNeedsConnection()
    try:
        booking = central.lookup(cid, deadline=deadline)
    except CentralUnavailable:
        raise ChangeNeedsConnection() from None
    if booking is None:
        raise NoBooking()
    return booking


def change_contact(
    central: ChangeCentral,
    cid: str,
    booking: Mapping[str, Any],
    *,
    phone: str | None,
    occupation: Occupation | None,
    deadline: float,
) -> Mapping[str, Any]:
    """PATCH the booking at the version it was seen; the booking as the central now holds it.

    Raises ChangeNeedsConnection, ChangedElsewhere (with the current booking), NoBooking,
    NothingToChange, or CentralRejected for another refusal (an unknown occupation code...).
    """
    if phone is None and occupation is None:
        raise NothingToChange()
    if central.is_open():
        raise ChangeNeedsConnection()
    fields: dict[str, Any] = {}
    if phone is not None:
        fields["phone"] = phone
    if occupation is not None:
        fields["occupation"] = occupation_json(occupation)
    reference = str(booking.get("reference") or "")
    try:
        return central.change(
            reference, int(booking.get("version") or 0), cid, deadline=deadline, **fields
        )
    except CentralUnavailable:
        raise ChangeNeedsConnection() from None
    except CentralRejected as exc:
        if exc.status == 404:
            raise NoBooking() from None
        if exc.status != 412:
            raise
    try:
        current = central.lookup(cid, deadline=deadline)
    except CentralUnavailable:
        raise ChangeNeedsConnection() from None
    seen = int(booking.get("version") or 0)
    ours = (
        current is not None
        and current.get("reference") == reference
        and current.get("version") == seen + 1
        and holds(current, phone, occupation)
    )
    if ours:  # one change since the one we saw, and it says what we asked
        assert current is not None
        return current
    raise ChangedElsewhere(current)
