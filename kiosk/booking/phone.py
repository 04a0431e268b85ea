"""Thai mobile numbers, as a customer types them on a keypad or a clerk copies them.

A confirmation SMS goes to this number, so a wrong number is a lost confirmation: validate
strictly (10 digits, 06/08/09), but accept the ways people write it (spaces, dashes, +66).
"""

from __future__ import annotations

import re

from kiosk.errors import KioskError


class PhoneError(KioskError):
    code = "bad-phone"
    exit_status = 2

    def __init__(self) -> None:
        super().__init__(
            "หมายเลขโทรศัพท์มือถือไม่ถูกต้อง กรุณากรอก 10 หลัก ขึ้นต้นด้วย 06 08 หรือ 09",
            "That is not a Thai mobile number. Please enter 10 digits starting 06, 08 or 09.",
        )


def normalise(text: str) -> str:
    """`081-234-5678`, `081 234 5678` and `+66812345678` all become `0812345678`."""
    digits = re.sub(r"[\s\-().]", "", text or "")
    if digits.startswith("+66"):
        digits = "0" + digits[3:]
    elif digits.startswith("66") and len(digits) == 11:
        digits = "0" + digits[2:]
    if not re.fullmatch(r"0[689]\d{8}", digits):
        raise PhoneError()
    return digits


def masked(phone: str) -> str:
    """`081-XXX-5678`: enough to recognise one's own number on a screen or slip."""
    if len(phone) != 10:
        return "XXX-XXX-XXXX"
    return f"{phone[:3]}-XXX-{phone[6:]}"
