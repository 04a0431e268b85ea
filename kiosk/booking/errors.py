"""Why a booking did not simply go through.

KioskError
 ├── CentralUnavailable       the central could not be asked: network, timeout, 5xx, overload,
 │    │                       a garbled reply, or the breaker is open. The booking is queued,
 │    │                       or confirmed from a seat lease when `may_have_reached` is False.
 │    └── TerminalUnauthorized   401: the terminal's token is unknown or revoked. Queued too,
 │                               and a technician must re-enrol the terminal.
 ├── CentralRejected          the central answered and said no (problem+json `code`).
 ├── JournalError             the journal cannot be written or read: full disk, corrupt file.
 │                            Nothing was booked; the kiosk goes out of service.
 ├── AlreadyQueued            this customer already has a booking queued on this terminal.
 └── NotBookable              the decision does not allow booking here.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kiosk.errors import KioskError


class CentralUnavailable(KioskError):
    code = "central-unavailable"
    exit_status = 6

    def __init__(
        self,
        en: str,
        *,
        retry_after: float | None = None,
        code: str | None = None,
        may_have_reached: bool = True,
    ) -> None:
        super().__init__("ติดต่อระบบกลางไม่ได้ในขณะนี้", en)
        self.retry_after = retry_after
        #: Could the central have processed the request (booked it) although we heard no
        #: answer? False only when that is provably not so: the connection was never made
        #: (refused, connect timeout, DNS, TLS), the breaker kept us from trying, or the central
        #: said 429/503 (not processed). A seat lease may be spent only then (docs/leases.md):
        #: after a read timeout the central may hold the booking under another reference.
        self.may_have_reached = may_have_reached
        if code:
            self.code = code


class TerminalUnauthorized(CentralUnavailable):
    code = "terminal-unauthorized"

    def __init__(self) -> None:
        super().__init__(
            "the central refused this terminal's token (unknown or revoked); "
            "re-enrol the terminal with kiosk provision"
        )
        self.th = "เครื่องนี้ยังไม่ได้รับอนุญาตจากระบบกลาง กรุณาแจ้งเจ้าหน้าที่เทคนิค"


class CentralRejected(KioskError):
    """The central's RFC 9457 problem, kept whole: the UI and the journal need its members."""

    exit_status = 7

    def __init__(self, status: int, problem: Mapping[str, Any]) -> None:
        code = str(problem.get("code") or f"http-{status}")
        detail = str(problem.get("detail") or problem.get("title") or "")
        super().__init__("ระบบกลางไม่รับการจองนี้", f"the central refused: {code} ({detail})")
        self.code = code
        self.status = status
        self.detail = detail
        self.problem = dict(problem)


class JournalError(KioskError):
    code = "journal-unusable"
    exit_status = 8

    def __init__(self, en: str, *, code: str | None = None) -> None:
        super().__init__(
            "เครื่องไม่สามารถบันทึกการจองได้ในขณะนี้ จึงยังไม่ได้จอง กรุณาแจ้งพนักงาน",
            en,
        )
        if code:
            self.code = code


class AlreadyQueued(KioskError):
    code = "already-queued"
    exit_status = 7

    def __init__(self, booking_id: str) -> None:
        super().__init__(
            "ท่านมีการจองที่รอส่งเข้าระบบจากเครื่องนี้อยู่แล้ว จะได้รับ SMS ยืนยันเมื่อระบบกลับมาใช้งาน",
            "You already have a booking on this terminal waiting to be sent; the confirmation "
            "will come by SMS once the central system is back.",
            booking_id=booking_id,
        )
        self.booking_id = booking_id


class OutsideHours(KioskError):
    code = "outside-hours"
    exit_status = 7

    def __init__(self, opens: str, closes: str) -> None:
        super().__init__(
            f"ขณะนี้อยู่นอกเวลาจองผ่านร้านค้า (เปิดรับจอง {opens}–{closes} น.)",
            f"Store bookings are taken {opens}–{closes} (Bangkok time); it is outside those hours.",
            opens=opens,
            closes=closes,
        )


class NotBookable(KioskError):
    code = "not-bookable"
    exit_status = 7

    def __init__(self, route: str, code: str | None) -> None:
        super().__init__(
            "ท่านไม่สามารถจองผ่านเครื่องนี้ได้",
            f"this decision ({route}, {code}) does not allow booking here",
        )
