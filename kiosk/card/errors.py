"""Everything that can go wrong between a card slot and a decoded card.

    KioskError
     └── CardError                      any failure to get a card's data
          ├── ReaderError               exit 3: the terminal, not the card (call a technician)
          │    ├── PcscUnavailable      pcscd is not running
          │    ├── NoReader             no reader, or not the one named
          │    ├── ReaderBusy           another program holds the card exclusively
          │    └── PcscFailure          any other PC/SC failure
          ├── CardAbsent                exit 4: the customer can fix it (insert, keep it in)
          │    ├── NoCard
          │    ├── CardRemoved          pulled out mid-read
          │    └── CardReset            another program or a bounce reset it; retried once
          └── CardProblem               exit 5: this card cannot be read as a Thai ID card
               ├── NotThaiIdCard        the MOI applet is not there
               ├── CardUnresponsive     no ATR: upside down, dirty, or broken
               ├── CardStatusError      the card answered a command with an error status word
               ├── CardProtocolError    the reply does not follow the protocol
               └── CardDataError        a field cannot be decoded or holds an impossible value
                    └── InvalidCitizenId

The three bands map to three different people: a technician, the customer, the district office.
"""

from __future__ import annotations

from kiosk.errors import KioskError

#: Thai and English names of the card fields, for messages that name a field.
FIELD_NAMES = {
    "cid": ("เลขประจำตัวประชาชน", "citizen ID"),
    "name_th": ("ชื่อภาษาไทย", "Thai name"),
    "name_en": ("ชื่อภาษาอังกฤษ", "English name"),
    "birth_date": ("วันเกิด", "birth date"),
    "gender": ("เพศ", "gender"),
    "issuer": ("ผู้ออกบัตร", "card issuer"),
    "issue_date": ("วันออกบัตร", "issue date"),
    "expiry_date": ("วันบัตรหมดอายุ", "expiry date"),
    "address": ("ที่อยู่", "address"),
    "photo": ("รูปถ่าย", "photo"),
    "birth_date_be": ("วันเกิด", "birth date"),
    "issue_date_be": ("วันออกบัตร", "issue date"),
    "expiry_date_be": ("วันบัตรหมดอายุ", "expiry date"),
    "card": ("บัตร", "card"),
}


class CardError(KioskError):
    code = "card-error"


class ReaderError(CardError):
    code = "reader-error"
    exit_status = 3


class PcscUnavailable(ReaderError):
    code = "pcsc-unavailable"

    def __init__(self, detail: str = "") -> None:
        super().__init__(
            "บริการอ่านบัตรไม่ทำงาน กรุณาแจ้งเจ้าหน้าที่",
            "The card reader service (pcscd) is not running. Please call staff.",
            detail=detail,
        )


class NoReader(ReaderError):
    code = "no-reader"

    def __init__(self, name: str | None = None, available: list[str] | None = None) -> None:
        if name:
            en = f"The card reader {name!r} was not found."
            if available:
                en += f" Readers present: {', '.join(available)}."
            super().__init__(f"ไม่พบเครื่องอ่านบัตร {name!r} กรุณาแจ้งเจ้าหน้าที่", en + " Please call staff.")
        else:
            super().__init__(
                "ไม่พบเครื่องอ่านบัตร กรุณาแจ้งเจ้าหน้าที่",
                "No card reader was found. Please call staff.",
            )


class ReaderBusy(ReaderError):
    code = "reader-busy"

    def __init__(self) -> None:
        super().__init__(
            "เครื่องอ่านบัตรถูกใช้งานโดยโปรแกรมอื่น กรุณาแจ้งเจ้าหน้าที่",
            "Another program is using the card reader. Please call staff.",
        )


class PcscFailure(ReaderError):
    code = "pcsc-failure"

    def __init__(self, operation: str, detail: str) -> None:
        super().__init__(
            "เครื่องอ่านบัตรขัดข้อง กรุณาเสียบบัตรใหม่ หากยังไม่ได้กรุณาแจ้งเจ้าหน้าที่",
            f"The card reader failed during {operation}: {detail}. Please insert the card "
            "again; if it still fails, call staff.",
            operation=operation,
            detail=detail,
        )


class CardAbsent(CardError):
    code = "card-absent"
    exit_status = 4


class NoCard(CardAbsent):
    code = "no-card"

    def __init__(self) -> None:
        super().__init__(
            "ไม่พบบัตรในเครื่องอ่าน กรุณาเสียบบัตรประชาชน โดยหันชิปขึ้นด้านบน",
            "There is no card in the reader. Please insert your ID card, chip facing up.",
        )


class CardRemoved(CardAbsent):
    code = "card-removed"

    def __init__(self) -> None:
        super().__init__(
            "บัตรถูกดึงออกระหว่างการอ่าน กรุณาเสียบบัตรอีกครั้งและรอจนอ่านเสร็จ",
            "The card was removed while it was being read. "
            "Please insert it again and leave it in until reading is finished.",
        )


class CardReset(CardAbsent):
    code = "card-reset"

    def __init__(self) -> None:
        super().__init__(
            "การอ่านบัตรถูกขัดจังหวะ กรุณาเสียบบัตรอีกครั้ง",
            "Reading was interrupted because the card was reset. Please insert it again.",
        )


class CardProblem(CardError):
    code = "card-problem"
    exit_status = 5


class NotThaiIdCard(CardProblem):
    code = "not-thai-id"

    def __init__(self, sw: str | None = None) -> None:
        super().__init__(
            "บัตรนี้ไม่ใช่บัตรประจำตัวประชาชนไทย กรุณาใช้บัตรประจำตัวประชาชน",
            "This is not a Thai national ID card. Please use your national ID card.",
            sw=sw,
        )


class CardUnresponsive(CardProblem):
    code = "card-unresponsive"

    def __init__(self) -> None:
        super().__init__(
            "เครื่องอ่านบัตรไม่ได้รับสัญญาณจากชิป กรุณาเสียบบัตรใหม่โดยหันชิปขึ้นด้านบน",
            "The card's chip does not answer. Please insert the card again, chip facing up.",
        )


class CardStatusError(CardProblem):
    code = "card-status"

    def __init__(self, command: str, sw1: int, sw2: int) -> None:
        sw = f"{sw1:02X}{sw2:02X}"
        super().__init__(
            f"อ่านบัตรไม่สำเร็จ (รหัส {sw}) กรุณาเสียบบัตรใหม่ หากยังไม่ได้กรุณาแจ้งเจ้าหน้าที่",
            f"The card refused {command} with status {sw}. Please insert the card again; "
            "if it still fails, call staff.",
            command=command,
            sw=sw,
        )
        self.sw = sw


class CardProtocolError(CardProblem):
    code = "card-protocol"

    def __init__(self, detail: str) -> None:
        super().__init__(
            "บัตรตอบกลับผิดรูปแบบ กรุณาเสียบบัตรใหม่ หากยังไม่ได้กรุณาแจ้งเจ้าหน้าที่",
            f"The card's reply did not follow the protocol ({detail}). Please insert the card "
            "again; if it still fails, call staff.",
            detail=detail,
        )


class CardDataError(CardProblem):
    """A field that cannot be decoded or holds an impossible value.

    The reason is in English only: it is for the technician and the district office; the
    customer-facing part of the message is bilingual and names the field.
    """

    code = "card-data"

    def __init__(self, field: str, reason: str) -> None:
        th_name, en_name = FIELD_NAMES.get(field, (field, field))
        super().__init__(
            f"ข้อมูล{th_name}ในบัตรไม่ถูกต้อง กรุณาติดต่อสำนักงานเขตหรืออำเภอเพื่อตรวจสอบบัตร",
            f"The card's {en_name} is invalid: {reason}. "
            "The card may need checking at a district office.",
            field=field,
            reason=reason,
        )
        self.field = field
        self.reason = reason


class InvalidCitizenId(CardDataError):
    code = "invalid-cid"

    def __init__(self) -> None:
        super().__init__("cid", "the check digit does not match")
