"""Everything that can go wrong between a booking and a slip in the customer's hand.

    KioskError
     ├── SlipDataError              exit 2: the slip data (BOOKING.json) is missing or bad a field
     ├── BadPrinterUri              exit 2: the printer URI in the config or on the command line
     ├── RaqmMissing                exit 3: Pillow cannot lay out Thai (no raqm/FriBiDi)
     └── PrinterError               exit 3: the printer, not the booking (call staff or fix paper)
          ├── PrinterNotFound       cannot open it: unplugged, wrong address, no such queue
          ├── PrinterOffline        it answers, but says it is offline (error, feed button, ...)
          ├── CoverOpen             ... because its cover is open
          ├── PaperOut              ... because it has no paper
          ├── PrintFailed           the connection broke while the job was being sent
          └── PrintMayBeIncomplete  the job was sent, but the printer reported trouble after it

Every printer error is raised before or instead of printing and means only "no slip (yet)": the
booking it was printing for was committed before printing started (DESIGN §6, §7), so the caller
shows the message, keeps the booking, and offers a reprint. `PrinterError.reprint` says so.

Messages never contain a citizen ID, a name or a phone number; a bad personal field in slip data
is named, never quoted.
"""

from __future__ import annotations

from kiosk.errors import KioskError


class SlipDataError(KioskError):
    """The slip data does not follow the format in `printer.slip_data`.

    `field` is the dotted path of the offending field (``slot.date``), so the engineer producing
    the data can find it; `problem` says what is wrong in English (it is for that engineer).
    """

    code = "bad-slip-data"
    exit_status = 2

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(
            f"ข้อมูลสำหรับพิมพ์ใบนัดไม่ถูกต้อง (ช่อง {field}) กรุณาแจ้งเจ้าหน้าที่เทคนิค",
            f"The slip data is invalid: {field}: {problem}.",
            field=field,
            problem=problem,
        )
        self.field = field
        self.problem = problem


class BadPrinterUri(KioskError):
    code = "bad-printer-uri"
    exit_status = 2

    def __init__(self, uri: str, problem: str) -> None:
        super().__init__(
            f"การตั้งค่าเครื่องพิมพ์ไม่ถูกต้อง ({uri!r}) กรุณาแจ้งเจ้าหน้าที่เทคนิค",
            f"The printer address {uri!r} cannot be used: {problem}. Expected one of "
            "usb://VID:PID, serial:///dev/ttyUSB0?baud=N, tcp://HOST:9100, file:///path, "
            "cups://QUEUE, preview://DIR.",
            uri=uri,
            problem=problem,
        )


class RaqmMissing(KioskError):
    """Without raqm Pillow places Thai vowels and tone marks on top of each other."""

    code = "raqm-missing"
    exit_status = 3

    def __init__(self) -> None:
        super().__init__(
            "เครื่องนี้ไม่สามารถจัดวางตัวอักษรไทยได้ถูกต้อง (ไม่มี raqm) กรุณาแจ้งเจ้าหน้าที่เทคนิค",
            "Pillow has no raqm text layout on this terminal, so Thai vowels and tone marks "
            "would collide. Install FriBiDi (Debian: libfribidi0) and a Pillow wheel with raqm. "
            "Please call a technician.",
        )


class PrinterError(KioskError):
    code = "printer-error"
    exit_status = 3
    #: The slip can be printed again once the cause is fixed; the booking is not affected.
    reprint = True


class PrinterNotFound(PrinterError):
    code = "printer-not-found"

    def __init__(self, where: str, detail: str = "") -> None:
        super().__init__(
            "ไม่พบเครื่องพิมพ์ กรุณาตรวจสอบสายและการเปิดเครื่อง การจองของท่านยังคงอยู่ พิมพ์ใบนัดใหม่ได้ภายหลัง",
            f"The printer at {where} cannot be reached{': ' + detail if detail else ''}. "
            "Check its cable and power. The booking stands; the slip can be reprinted.",
            where=where,
            detail=detail,
        )


class PrinterOffline(PrinterError):
    code = "printer-offline"

    def __init__(self, where: str) -> None:
        super().__init__(
            "เครื่องพิมพ์ไม่พร้อมใช้งาน กรุณาแจ้งพนักงาน การจองของท่านยังคงอยู่ พิมพ์ใบนัดใหม่ได้ภายหลัง",
            f"The printer at {where} is offline. Please call staff. "
            "The booking stands; the slip can be reprinted.",
            where=where,
        )


class CoverOpen(PrinterOffline):
    code = "printer-cover-open"

    def __init__(self, where: str) -> None:
        PrinterError.__init__(
            self,
            "ฝาเครื่องพิมพ์เปิดอยู่ กรุณาแจ้งพนักงานให้ปิดฝา การจองของท่านยังคงอยู่ พิมพ์ใบนัดใหม่ได้",
            f"The printer cover at {where} is open. Please ask staff to close it. "
            "The booking stands; the slip can be reprinted.",
            where=where,
        )


class PaperOut(PrinterOffline):
    code = "printer-paper-out"

    def __init__(self, where: str) -> None:
        PrinterError.__init__(
            self,
            "กระดาษเครื่องพิมพ์หมด กรุณาแจ้งพนักงานให้เติมกระดาษ การจองของท่านยังคงอยู่ พิมพ์ใบนัดใหม่ได้",
            f"The printer at {where} is out of paper. Please ask staff to load a new roll. "
            "The booking stands; the slip can be reprinted.",
            where=where,
        )


class PrintFailed(PrinterError):
    code = "print-failed"

    def __init__(self, where: str, detail: str) -> None:
        super().__init__(
            "พิมพ์ใบนัดไม่สำเร็จ กรุณาแจ้งพนักงาน การจองของท่านยังคงอยู่ พิมพ์ใบนัดใหม่ได้",
            f"Sending the slip to the printer at {where} failed ({detail}). "
            "The booking stands; the slip can be reprinted.",
            where=where,
            detail=detail,
        )


class PrintMayBeIncomplete(PrinterError):
    """The whole job went out, but right after it the printer reported `cause`.

    A thermal printer that runs out of paper mid-slip stops there; what came out may be cut
    short, so the customer should get a reprint once the cause is fixed.
    """

    code = "print-incomplete"

    def __init__(self, where: str, cause: PrinterError) -> None:
        super().__init__(
            f"ใบนัดอาจพิมพ์ไม่ครบ: {cause.th}",
            f"The slip may be incomplete: {cause.en}",
            where=where,
            cause=cause.code,
        )
        self.cause = cause
