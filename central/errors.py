"""The central's refusals, each one an HTTP problem with a stable code.

Every refusal is a `KioskError`, so the same object serves the HTTP layer (rendered as RFC 9457
problem+json by `central.problems`) and the command line (printed in Thai and English with an
exit status). A terminal decides what to do from `code` alone; `title` and `detail` are for the
person reading a log, and the Thai and English messages (`th`, `en`) are what a terminal may show.

No message here ever contains a full citizen ID, a name or a phone number: problems end up in the
terminals' logs and journals.
"""

from __future__ import annotations

from typing import Any

from kiosk.errors import KioskError


class CentralError(KioskError):
    """Base of every refusal the central answers with a problem document."""

    code = "central-error"
    status = 500
    title = "Internal error"

    def __init__(self, th: str, en: str, **extra: Any) -> None:
        super().__init__(th, en, **extra)
        #: Extra members of the problem document (RFC 9457 §3.2), e.g. `reference`.
        self.extra = extra

    def headers(self) -> dict[str, str]:
        return {}


class BadRequest(CentralError):
    code = "bad-request"
    status = 400
    title = "Bad request"

    def __init__(self, en: str, th: str = "คำขอไม่ถูกต้อง", code: str | None = None, **extra: Any):
        super().__init__(th, en, **extra)
        if code:
            self.code = code


class InvalidRequest(BadRequest):
    """The body is well formed JSON but its content cannot be used (422)."""

    code = "invalid-request"
    status = 422
    title = "Unprocessable request"


class Unauthorized(CentralError):
    code = "unauthorized"
    status = 401
    title = "Unauthorized"

    def __init__(self) -> None:
        super().__init__(
            "เครื่องนี้ไม่ได้รับอนุญาต กรุณาแจ้งช่างเทคนิคเพื่อลงทะเบียนเครื่องใหม่",
            "This terminal is not authorised (unknown or revoked token). "
            "Ask a technician to enrol it again.",
        )

    def headers(self) -> dict[str, str]:
        return {"WWW-Authenticate": 'Bearer realm="kiosk-central"'}


class EnrolmentRefused(CentralError):
    status = 403
    title = "Enrolment refused"

    def __init__(self, code: str, en: str, th: str) -> None:
        super().__init__(th, en)
        self.code = code


class NotFound(CentralError):
    code = "not-found"
    status = 404
    title = "Not found"

    def __init__(self, en: str, th: str = "ไม่พบข้อมูล", code: str | None = None) -> None:
        super().__init__(th, en)
        if code:
            self.code = code


class OutsideHours(CentralError):
    code = "outside-hours"
    status = 403
    title = "Outside booking hours"

    def __init__(self, reason: str, en: str, th: str, **extra: Any) -> None:
        super().__init__(th, en, reason=reason, **extra)


class ChannelNotAllowed(CentralError):
    code = "channel-not-allowed"
    status = 403
    title = "Channel not allowed"

    def __init__(self, allowed: str, asked: str) -> None:
        super().__init__(
            "เครื่องนี้ไม่ได้รับอนุญาตให้จองผ่านช่องทางนี้",
            f"This terminal books through the {allowed!r} channel, not {asked!r}.",
            channel=allowed,
        )


class Conflict(CentralError):
    status = 409
    title = "Conflict"


class AlreadyBooked(Conflict):
    code = "already-booked"
    title = "Already booked"

    def __init__(self, reference: str, booking: dict[str, Any] | None = None) -> None:
        extra: dict[str, Any] = {"reference": reference}
        if booking is not None:
            extra["booking"] = booking
        super().__init__(
            f"ท่านมีการจองอยู่แล้ว หมายเลขการจอง {reference}",
            f"This person already has an active booking, reference {reference}.",
            **extra,
        )


class SlotFull(Conflict):
    code = "slot-full"
    title = "Slot full"

    def __init__(self, slot_id: str, alternatives: list[dict[str, Any]]) -> None:
        super().__init__(
            "ช่วงเวลาที่เลือกเต็มแล้ว กรุณาเลือกช่วงเวลาอื่น",
            "The chosen time slot is full. Please choose another one.",
            slot_id=slot_id,
            alternatives=alternatives,
        )


class SlotPassed(Conflict):
    code = "slot-passed"
    title = "Slot already passed"

    def __init__(self, slot_id: str, alternatives: list[dict[str, Any]]) -> None:
        super().__init__(
            "ช่วงเวลาที่เลือกผ่านไปแล้ว กรุณาเลือกช่วงเวลาอื่น",
            "The chosen time slot has already started or passed. Please choose another one.",
            slot_id=slot_id,
            alternatives=alternatives,
        )


class RequestInFlight(Conflict):
    code = "request-in-flight"
    title = "Request in flight"

    def __init__(self) -> None:
        super().__init__(
            "คำขอนี้กำลังดำเนินการอยู่ กรุณารอสักครู่",
            "A request with this Idempotency-Key is still being processed; retry shortly.",
        )

    def headers(self) -> dict[str, str]:
        return {"Retry-After": "1"}


class LeasesNotForChannel(CentralError):
    code = "leases-not-for-channel"
    status = 403
    title = "No leases for this channel"

    def __init__(self, channel: str) -> None:
        super().__init__(
            "ช่องทางนี้ไม่ได้รับการสำรองที่นั่ง",
            f"Seat leases are for store terminals (kiosk), not the {channel!r} channel.",
            channel=channel,
        )


class BadPublicKey(BadRequest):
    def __init__(self, en: str) -> None:
        super().__init__(
            en,
            th="กุญแจสาธารณะของเครื่องไม่ถูกต้อง (ต้องเป็น Ed25519 ขนาด 32 ไบต์ แบบ base64)",
            code="bad-public-key",
        )


class LeaseInvalid(Conflict):
    """A lease-backed booking names a lease or reference this terminal cannot use."""

    code = "lease-invalid"
    title = "Lease invalid"

    def __init__(self, en: str, **extra: Any) -> None:
        super().__init__(
            "ที่นั่งที่สำรองไว้นี้ใช้ไม่ได้ การจองนี้จึงไม่ได้รับการยืนยัน",
            en,
            **extra,
        )


class LeaseExpired(Conflict):
    """A lease-backed booking confirmed too late, or whose seat went back to a full slot."""

    code = "lease-expired"
    title = "Lease expired"

    def __init__(self, lease_id: str, use_until: str, *, full: bool = False) -> None:
        if full:
            en = "The seat held by this lease had gone back to the slot, and the slot is now full."
            th = "ที่นั่งที่สำรองไว้ถูกคืนแล้ว และช่วงเวลานี้เต็มแล้ว"
        else:
            en = (
                f"This booking was confirmed after its lease could be used (until {use_until}, "
                "and its few minutes of grace)."
            )
            th = "การจองนี้ยืนยันหลังจากที่นั่งที่สำรองไว้หมดอายุแล้ว"
        super().__init__(th, en, lease_id=lease_id, use_until=use_until)


class BookingCancelled(Conflict):
    code = "booking-cancelled"
    title = "Booking cancelled"

    def __init__(self, reference: str) -> None:
        super().__init__(
            "การจองนี้ถูกยกเลิกแล้ว",
            f"Booking {reference} has been cancelled and cannot be changed.",
            reference=reference,
        )


class IdempotencyKeyReused(CentralError):
    code = "idempotency-key-reused"
    status = 422
    title = "Idempotency key reused"

    def __init__(self) -> None:
        super().__init__(
            "หมายเลขคำขอนี้ถูกใช้กับข้อมูลการจองอื่นแล้ว",
            "This Idempotency-Key was already used with a different request body.",
        )


class Ineligible(CentralError):
    code = "ineligible"
    status = 422
    title = "Not eligible to book here"

    def __init__(self, decision: dict[str, Any]) -> None:
        message = decision.get("message") or {}
        super().__init__(
            message.get("th", "ไม่สามารถจองได้ตามเกณฑ์"),
            message.get("en", "Not eligible to book at these sites."),
            decision=decision,
        )


class PreconditionRequired(CentralError):
    code = "precondition-required"
    status = 428
    title = "Precondition required"

    def __init__(self) -> None:
        super().__init__(
            "ต้องระบุเวอร์ชันของการจอง (If-Match)",
            "A change needs the booking's version in If-Match.",
        )


class VersionMismatch(CentralError):
    code = "version-mismatch"
    status = 412
    title = "Precondition failed"

    def __init__(self, current: int) -> None:
        super().__init__(
            "การจองถูกแก้ไขไปแล้ว กรุณาเรียกดูข้อมูลล่าสุดก่อน",
            f"The booking was changed meanwhile (current version {current}); look it up again.",
            current_version=current,
        )


class Overloaded(CentralError):
    code = "overloaded"
    status = 503
    title = "Service overloaded"

    def __init__(self, retry_after: int) -> None:
        super().__init__(
            "ระบบมีผู้ใช้งานจำนวนมาก กรุณาลองใหม่อีกครั้ง",
            "The booking service is busy; retry after the indicated delay.",
        )
        self.retry_after = retry_after

    def headers(self) -> dict[str, str]:
        return {"Retry-After": str(self.retry_after)}


class StoreError(KioskError):
    """The database cannot be used (command line: missing file, wrong schema)."""

    code = "store-error"
    exit_status = 3

    def __init__(self, en: str, th: str = "ไม่สามารถใช้ฐานข้อมูลได้") -> None:
        super().__init__(th, en)
