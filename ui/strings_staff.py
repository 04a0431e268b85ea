"""The words of the staff call, the clerk screen, the paper change and the paused terminal.

Merged into `ui.strings.T` (one table for the translator, one check that every entry has both
languages); kept in its own file because it is about the store's staff, not the customer.
"""

from __future__ import annotations

STAFF: dict[str, tuple[str, str]] = {
    # the customer's call
    "call": ("เรียกพนักงาน", "Call staff"),
    "call.called": ("เรียกพนักงานแล้ว", "Staff called"),
    "call.coming": ("พนักงานกำลังมาช่วยท่าน กรุณารอสักครู่", "A member of staff is on the way"),
    "call.coming.more": (
        "ท่านทำรายการต่อได้ระหว่างรอ",
        "You can carry on while you wait",
    ),
    "call.cancel": ("ไม่ต้องการแล้ว", "No longer needed"),
    # the paused terminal
    "paused.title": ("ปิดให้บริการชั่วคราว", "Temporarily closed"),
    "paused.line": (
        "กรุณาติดต่อพนักงานที่เคาน์เตอร์",
        "Please ask at the counter",
    ),
    # the clerk's PIN
    "clerk.pin": ("รหัสพนักงาน", "Clerk PIN"),
    "clerk.pin.none": (
        "ยังไม่ได้ตั้งรหัส ใช้คำสั่ง kiosk clerk set-pin",
        "No PIN is set: use kiosk clerk set-pin",
    ),
    # the clerk screen
    "clerk.title": ("หน้าจอพนักงานร้าน", "Store clerk"),
    "clerk.call.none": ("ไม่มีลูกค้าเรียกพนักงาน", "No customer is calling"),
    "clerk.call.open": (
        "ลูกค้าเรียกพนักงานเมื่อ {at} น. ({ago} นาทีที่แล้ว)",
        "A customer called at {at} ({ago} min ago)",
    ),
    "clerk.answer": ("รับเรื่องแล้ว", "Answer the call"),
    "clerk.service.open": ("เปิดให้บริการอยู่", "Taking customers"),
    "clerk.service.paused": ("ปิดให้บริการชั่วคราว", "Paused: temporarily closed"),
    "clerk.service.finishing": (
        "ลูกค้าคนปัจจุบันทำต่อจนเสร็จ",
        "The customer at the screen finishes first",
    ),
    "clerk.pause": ("ปิดชั่วคราว", "Pause service"),
    "clerk.resume": ("เปิดให้บริการ", "Resume service"),
    "clerk.printer": ("เครื่องพิมพ์", "Printer"),
    "clerk.printer.ready": ("พร้อม กระดาษปกติ", "Ready, paper OK"),
    "clerk.printer.near-end": ("พร้อม แต่กระดาษใกล้หมด", "Ready, paper running low"),
    "clerk.printer.paper-out": ("กระดาษหมด", "Out of paper"),
    "clerk.printer.cover-open": ("ฝาเครื่องพิมพ์เปิดอยู่", "The cover is open"),
    "clerk.printer.offline": ("เครื่องพิมพ์ไม่พร้อม", "Not ready (offline)"),
    "clerk.printer.missing": ("ไม่พบเครื่องพิมพ์", "Not found: call a technician"),
    "clerk.printer.preview": ("ไม่มีเครื่องพิมพ์ (บันทึกเป็นภาพ)", "No printer (saved as pictures)"),
    "clerk.printer.unknown": ("กำลังตรวจสอบ…", "Checking…"),
    "clerk.paper": ("เปลี่ยนกระดาษ", "Change paper"),
    "clerk.today": ("วันนี้", "Today"),
    "clerk.count.confirmed": ("ยืนยันแล้ว", "Confirmed"),
    "clerk.count.confirmed_offline": ("ยืนยันขณะออฟไลน์", "Confirmed offline"),
    "clerk.count.queued": ("รอส่ง", "Queued"),
    "clerk.count.refused": ("ไม่สำเร็จ", "Refused"),
    "clerk.count.info_slips": ("ใบแจ้งข้อมูล", "Information slips"),
    "clerk.count.staff_calls": ("เรียกพนักงาน", "Staff calls"),
    "clerk.queue": ("คิวรอส่ง", "Queue"),
    "clerk.queue.empty": ("ไม่มีรายการรอส่ง", "Nothing waiting to be sent"),
    "clerk.queue.waiting": (
        "รอส่ง {n} รายการ รายการแรกรอมา {age} นาที",
        "{n} waiting, the oldest for {age} min",
    ),
    "clerk.leases": (
        "ที่นั่งสำรองในเครื่อง {n} ที่",
        "{n} seats held at this terminal",
    ),
    "clerk.send": ("ส่งตอนนี้", "Send now"),
    "clerk.sent": ("เริ่มส่งแล้ว", "Sending started"),
    "clerk.reprint": (
        "พิมพ์ใบนัดซ้ำ: ให้ลูกค้าเสียบบัตรประชาชนของตนเอง",
        "To reprint a slip, the customer inserts their own ID card",
    ),
    "clerk.close": ("กลับหน้าลูกค้า", "Back to customers"),
    # the paper change
    "paper.title": ("เปลี่ยนกระดาษ", "Change the paper"),
    "paper.step": ("ขั้นที่ {n} จาก 4", "Step {n} of 4"),
    "paper.1": ("เปิดฝาเครื่องพิมพ์ด้านบน", "Open the printer's top cover"),
    "paper.1.more": ("กดปุ่มเปิดฝา แล้วยกฝาขึ้น", "Press the cover button and lift the cover"),
    "paper.2": ("ใส่ม้วนกระดาษใหม่", "Put in a new roll"),
    "paper.2.more": (
        "ด้านมันของกระดาษหันขึ้น ปลายกระดาษออกทางด้านหน้า",
        "Shiny side up, the loose end coming out at the front",
    ),
    "paper.3": ("ปิดฝาให้สนิท", "Close the cover firmly"),
    "paper.3.more": ("ดึงปลายกระดาษออกมาเล็กน้อยก่อนปิด", "Pull a little paper out before closing"),
    "paper.4": ("ตรวจสอบและพิมพ์ทดสอบ", "Check and print a test slip"),
    "paper.4.more": (
        "แตะ \u201cตรวจสอบ\u201d เครื่องจะพิมพ์ใบทดสอบ",
        "Tap \u201cCheck\u201d: a test slip prints",
    ),
    "paper.check": ("ตรวจสอบ", "Check"),
    "paper.checking": ("กำลังตรวจสอบเครื่องพิมพ์…", "Checking the printer…"),
    "paper.still-out": (
        "ยังไม่พบกระดาษ กรุณาตรวจสอบม้วนกระดาษและปิดฝาอีกครั้ง",
        "Still no paper: check the roll and close the cover again",
    ),
    "paper.still-open": ("ฝายังเปิดอยู่ กรุณาปิดฝาให้สนิท", "The cover is still open: close it firmly"),
    "paper.failed": ("เครื่องพิมพ์ยังไม่พร้อม: {why}", "The printer is not ready: {why}"),
    "paper.done": ("เรียบร้อย พิมพ์ใบทดสอบแล้ว", "Done: the test slip has printed"),
    "paper.done.more": ("กรุณาฉีกใบทดสอบออก", "Please tear off the test slip"),
    "paper.back": ("ย้อนกลับ", "Back"),
    "paper.next": ("ถัดไป", "Next"),
    "paper.finish": ("เสร็จสิ้น", "Finish"),
}
