"""The words of changing a booking's phone number or occupation (kiosk/session/contact_change.py).

Merged into `ui.strings.T` like the staff words (one table for the translator, one check that
every entry has both languages); kept apart because it is one flow of its own. The notices
for a 412 and for no connection are the domain errors' own words (kiosk/booking/contact_change.py),
so the screen and `kiosk booking change` say the same.
"""

from __future__ import annotations

CHANGE: dict[str, tuple[str, str]] = {
    "existing.change_contact": ("เปลี่ยนเบอร์โทร / อาชีพ", "Change phone or occupation"),
    "existing.contact_changed": ("เปลี่ยนข้อมูลติดต่อเรียบร้อยแล้ว", "Your details have been changed"),
    "existing.contact_now": ("SMS จะส่งไปที่ {phone} · อาชีพ: {occupation}",
                             "SMS will go to {phone} · Occupation: {occupation}"),
    "change.contact.title": ("เปลี่ยนเบอร์โทรหรืออาชีพ", "Change phone or occupation"),
    "change.current_phone": ("เบอร์ปัจจุบัน {phone}", "Current number {phone}"),
    "change.phone.hint": ("เว้นว่างไว้ หากไม่เปลี่ยนเบอร์", "Leave it empty to keep this number"),
    "change.nothing": (
        "กรุณาพิมพ์เบอร์ใหม่ หรือเลือกอาชีพใหม่",
        "Type a new number or choose another occupation",
    ),
    "change.again.title": ("ยืนยันเบอร์โทรใหม่", "Confirm the new number"),
    "change.again.ask": (
        "กรุณาพิมพ์เบอร์ใหม่อีกครั้งเพื่อยืนยัน",
        "Please type the new number once more, to be sure",
    ),
    "change.again.ok": ("เบอร์ตรงกัน", "The numbers match"),
    "change.again.mismatch": (
        "เบอร์ไม่ตรงกับที่พิมพ์ครั้งแรก กรุณาลบแล้วพิมพ์ใหม่",
        "That does not match the first entry. Please clear it and type again",
    ),
    "change.review.title": ("ตรวจสอบการเปลี่ยนแปลง", "Check the change"),
    "change.review.phone": ("เบอร์มือถือสำหรับ SMS", "Mobile number for the SMS"),
    "change.review.occupation": ("อาชีพ", "Occupation"),
    "change.review.from_to": ("จาก {old}\nเป็น {new}", "from {old}\nto {new}"),
    "change.review.same": ("ไม่เปลี่ยน ({old})", "unchanged ({old})"),
    "change.review.confirm": ("ยืนยันการเปลี่ยน", "Confirm the change"),
    "change.review.booking": ("การจอง", "Booking"),
    "change.conflict.gone": (
        "ระหว่างนี้การจองถูกยกเลิกจากที่อื่น จึงไม่ได้เปลี่ยนแปลงอะไร",
        "The booking was cancelled elsewhere meanwhile, so nothing was changed.",
    ),
}  # fmt: skip
