"""Every word the screens say, in Thai and English, side by side.

A table rather than Qt's .ts/.qm: there are exactly two languages, both always shipped; the
language changes per customer with one tap, and each view re-renders from the session anyway (a
QTranslator swap would need the same re-render); a translator reviews each Thai line next to its
English one in one file; there is no lupdate/lrelease step to forget; and a test checks that
every entry has both. The domain's own texts (errors, rule-set questions and decisions, sites,
occupations) already come as Thai/English pairs and are shown as they are.

Thai is polite and short (กรุณา…); numbers are Arabic digits; dates are shown in both the
Buddhist-Era and the Gregorian form.
"""

from __future__ import annotations

from datetime import date

from kiosk import dates
from ui.strings_change import CHANGE
from ui.strings_staff import STAFF

T: dict[str, tuple[str, str]] = {
    # chrome
    "programme": ("ไทยร่วมใจ – กรุงเทพฯ ปลอดภัย", "Thai Ruam Jai – Safe Bangkok"),
    "programme.sub": ("จองฉีดวัคซีนโควิด-19", "Book a COVID-19 vaccination"),
    "start_over": ("เริ่มใหม่", "Start over"),
    "language": ("English", "ภาษาไทย"),
    "back": ("ย้อนกลับ", "Back"),
    "next": ("ถัดไป", "Next"),
    "finish": ("เสร็จสิ้น", "Finish"),
    "ok": ("ตกลง", "OK"),
    "cancel": ("ยกเลิก", "Cancel"),
    "edit": ("แก้ไข", "Change"),
    "scroll.up": ("ขึ้น", "Up"),
    "scroll.down": ("ลง", "Down"),
    "scroll.hint": ("เลื่อนรายการขึ้นลง แล้วแตะเพื่อเลือก", "Scroll the list, then tap to choose"),
    "selected": ("เลือกแล้ว", "Selected"),
    "confirm_start_over": (
        "เริ่มใหม่ทั้งหมดหรือไม่? ข้อมูลที่กรอกไว้จะถูกลบ",
        "Start over? Everything entered so far will be cleared.",
    ),
    "start_over.no": ("ไม่ ทำต่อ", "No, carry on"),
    "start_over.yes": ("ใช่ เริ่มใหม่", "Yes, start over"),
    # offline banner
    "offline": (
        "ระบบกลางติดต่อไม่ได้ การจองจะถูกบันทึกไว้และส่งเข้าระบบภายหลัง",
        "The central system cannot be reached: bookings are saved and sent later.",
    ),
    "offline.leases": (
        "ระบบกลางติดต่อไม่ได้ บางเวลายืนยันได้ทันทีที่เครื่องนี้ เวลาอื่นจะบันทึกไว้และส่งภายหลัง",
        "Central system unreachable: some times are confirmed here, others sent later.",
    ),
    "offline.age": ("ข้อมูลที่นั่งว่างอัปเดตล่าสุด {age}", "Availability as of {age}"),
    "offline.age.unknown": ("ไม่มีข้อมูลที่ว่างล่าสุด", "No recent availability"),
    "age.now": ("เมื่อสักครู่", "just now"),
    "age.minutes": ("{n} นาทีที่แล้ว", "{n} min ago"),
    "age.hours": ("{n} ชั่วโมงที่แล้ว", "{n} h ago"),
    "age.days": ("{n} วันที่แล้ว", "{n} days ago"),
    # welcome
    "welcome.insert": (
        "กรุณาเสียบบัตรประจำตัวประชาชน",
        "Please insert your Thai ID card",
    ),
    "welcome.how": ("หันด้านที่มีชิปขึ้น แล้วดันเข้าจนสุด", "Chip side up, pushed all the way in"),
    "welcome.hours": ("เปิดรับจองทุกวัน เวลา {opens}–{closes} น.", "Bookings daily {opens}–{closes}"),
    "welcome.privacy": (
        "ข้อมูลของท่านจะถูกลบจากเครื่องทันทีเมื่อดึงบัตรออก",
        "Your details are wiped from this terminal as soon as you take your card out.",
    ),
    "welcome.remove_card": (
        "กรุณาดึงบัตรออก แล้วเสียบใหม่เพื่อเริ่มต้น",
        "Please take your card out, then insert it again to begin.",
    ),
    # reading and progress
    "reading.title": ("กำลังอ่านบัตร", "Reading your card"),
    "reading.body": ("กรุณาอย่าดึงบัตรออก", "Please keep your card in"),
    "lookup.title": ("กำลังตรวจสอบข้อมูล", "Checking"),
    "lookup.body": (
        "กำลังตรวจสอบการจองเดิมและสิทธิ์ของท่าน",
        "Looking for an earlier booking and checking your eligibility",
    ),
    "booking.title": ("กำลังจอง", "Booking"),
    "booking.body": (
        "กำลังบันทึกและส่งการจองของท่าน กรุณารอสักครู่",
        "Saving and sending your booking. Please wait.",
    ),
    "changing.title": ("กำลังบันทึกการเปลี่ยนแปลง", "Saving your change"),
    "changing.body": ("กรุณารอสักครู่", "Please wait"),
    # card error
    "card_error.title": ("อ่านบัตรไม่สำเร็จ", "The card could not be read"),
    "card_error.what": (
        "กรุณาดึงบัตรออก ตรวจดูว่าหันด้านชิปขึ้น แล้วเสียบใหม่อีกครั้ง",
        "Please take the card out, check the chip is facing up, and insert it again.",
    ),
    # consent
    "consent.title": ("ความยินยอมในการใช้ข้อมูล", "Consent to use your details"),
    "consent.hello": ("สวัสดี คุณ{name}", "Hello, {name}"),
    "consent.read": ("เครื่องนี้อ่านจากบัตรของท่าน", "This terminal reads from your card"),
    "consent.read.items": (
        "เลขประจำตัวประชาชน ชื่อ-นามสกุล วันเกิด เพศ และที่อยู่ตามบัตร (ไม่อ่านรูปถ่าย)",
        "Your citizen ID, name, date of birth, sex and the address on the card (not your photo)",
    ),
    "consent.why": ("เพื่อ", "To"),
    "consent.why.items": (
        "ตรวจสอบสิทธิ์ จองฉีดวัคซีน และส่งข้อมูลไปยังระบบกลางของกระทรวงสาธารณสุข (MOPH-IC) "
        "เบอร์โทรศัพท์ใช้ส่ง SMS ยืนยันเท่านั้น",
        "Check your eligibility, book your vaccination and send it to the Ministry of Public "
        "Health's central system (MOPH-IC). Your phone number is used only for the SMS "
        "confirmation.",
    ),
    "consent.keep": ("การเก็บข้อมูล", "What is kept"),
    "consent.keep.items": (
        "เครื่องนี้ไม่เก็บข้อมูลของท่านหลังดึงบัตรออก หากระบบกลางขัดข้อง การจองจะถูกเข้ารหัส"
        "เก็บไว้จนกว่าจะส่งสำเร็จ (พ.ร.บ.คุ้มครองข้อมูลส่วนบุคคล พ.ศ. 2562)",
        "Nothing about you stays on this terminal after you take your card out. If the central "
        "system is down, your booking is kept encrypted until it has been sent "
        "(Personal Data Protection Act 2019).",
    ),
    "consent.agree": ("ยินยอม", "I agree"),
    "consent.decline": ("ไม่ยินยอม", "I do not agree"),
    # existing booking
    "existing.title": ("การจองของท่าน", "Your booking"),
    "existing.has": ("ท่านมีการจองอยู่แล้ว", "You already have a booking"),
    "existing.queued": (
        "การจองนี้บันทึกไว้ในเครื่องนี้ และรอส่งเข้าระบบกลาง ท่านจะได้รับ SMS เมื่อยืนยันแล้ว",
        "This booking is saved on this terminal and waiting to be sent; you will get an SMS "
        "once it is confirmed.",
    ),
    "existing.queued.no_change": (
        "การเปลี่ยนหรือยกเลิก ทำได้หลังจากระบบกลางยืนยันการจองแล้ว",
        "It can be changed or cancelled once the central system has confirmed it.",
    ),
    "existing.offline": (
        "ยืนยันที่เครื่องนี้ขณะระบบกลางขัดข้อง เครื่องจะส่งเข้าระบบกลางให้อัตโนมัติ",
        "Confirmed at this terminal while the central system was down; this terminal sends it "
        "on automatically.",
    ),
    "existing.cancelled": ("การจองนี้ถูกยกเลิกแล้ว", "This booking has been cancelled"),
    "existing.changed": ("เปลี่ยนเวลานัดเรียบร้อยแล้ว", "Your appointment has been changed"),
    "existing.reprint": ("พิมพ์ใบนัดอีกครั้ง", "Print my slip again"),
    "existing.change": ("เปลี่ยนสถานที่หรือเวลา", "Change place or time"),
    "existing.cancel": ("ยกเลิกการจอง", "Cancel my booking"),
    "existing.book_again": ("จองใหม่", "Book again"),
    "existing.failed": ("ทำรายการไม่สำเร็จ", "That did not work"),
    "status.confirmed": ("ยืนยันแล้ว", "Confirmed"),
    "status.pending-verification": (
        "จองแล้ว รอตรวจสอบสิทธิ์ (แจ้งผลทาง SMS)",
        "Booked, awaiting a registry check (result by SMS)",
    ),
    "status.cancelled": ("ยกเลิกแล้ว", "Cancelled"),
    "status.queued": ("รอส่งเข้าระบบ", "Waiting to be sent"),
    "notice.title": ("เรื่องการจองครั้งก่อนของท่าน", "About your earlier booking"),
    "notice.rejected": (
        "การจองที่ท่านทำไว้ที่เครื่องนี้ขณะระบบกลางขัดข้อง ไม่ได้รับการยืนยัน",
        "The booking you made on this terminal while the central system was down was not accepted.",
    ),
    "notice.conflict": (
        "การจองที่ท่านทำไว้ที่เครื่องนี้ไม่ได้ใช้ เพราะท่านมีการจองจากช่องทางอื่นอยู่แล้ว",
        "The booking you made on this terminal was not used: you already had a booking "
        "through another channel.",
    ),
    "notice.again": ("ท่านสามารถจองใหม่ได้ที่เครื่องนี้", "You can book again on this terminal."),
    # a booking confirmed here from a seat lease, then refused by the central (DESIGN §11)
    "notice.lease.conflict": (
        "การจองที่ท่านทำไว้ที่เครื่องนี้ขณะระบบกลางขัดข้อง ไม่สามารถเก็บไว้ได้ "
        "เพราะท่านมีการจอง {ref} อยู่แล้ว ซึ่งยังคงใช้ได้ตามเดิม",
        "Your booking made on this terminal while offline could not be kept because you "
        "already had booking {ref}; that one stands.",
    ),
    "notice.lease.conflict.other": (
        "การจองที่ท่านทำไว้ที่เครื่องนี้ขณะระบบกลางขัดข้อง ไม่สามารถเก็บไว้ได้ "
        "เพราะท่านมีการจองอยู่แล้ว การจองนั้นยังคงใช้ได้ตามเดิม",
        "Your booking made on this terminal while offline could not be kept because you "
        "already had a booking; that one stands.",
    ),
    "notice.lease.lost": (
        "ขออภัย ที่นั่งที่ท่านจองไว้ที่เครื่องนี้ขณะระบบกลางขัดข้อง ไม่สามารถเก็บไว้ให้ได้ กรุณาจองใหม่",
        "Sorry: the seat you booked on this terminal while offline could not be kept. Please "
        "book again.",
    ),
    "cancel.title": ("ยืนยันการยกเลิก", "Cancel this booking?"),
    "cancel.body": (
        "เมื่อยกเลิกแล้ว ที่นั่งนี้จะถูกปล่อยให้ผู้อื่น และไม่สามารถเรียกคืนได้",
        "Once cancelled, the seat goes to someone else and cannot be given back.",
    ),
    "cancel.keep": ("ไม่ยกเลิก", "Keep my booking"),
    "cancel.yes": ("ยืนยันยกเลิก", "Yes, cancel it"),
    # questions
    "question.title": ("คำถามเกี่ยวกับสุขภาพ", "About your health"),
    "question.work.title": ("ที่ทำงาน", "Where you work"),
    # decision
    "decision.title": ("ผลการตรวจสอบสิทธิ์", "Your eligibility"),
    "decision.book": ("ท่านจองฉีดวัคซีนที่เครื่องนี้ได้", "You can book here"),
    "decision.book-provisional": ("ท่านจองได้ (รอตรวจสอบ)", "You can book (to be checked)"),
    "decision.hospital": ("กรุณาลงทะเบียนที่โรงพยาบาล", "Please register with a hospital"),
    "decision.await-guidance": ("ยังจองไม่ได้ในขณะนี้", "Not open to you yet"),
    "decision.ineligible": ("ท่านจองผ่านโครงการนี้ไม่ได้", "You cannot book in this programme"),
    "decision.next.book": (
        "ขั้นต่อไป: กรอกเบอร์โทรศัพท์ เลือกสถานที่และเวลา",
        "Next: your phone number, then a place and a time",
    ),
    "decision.next.other": (
        "พิมพ์ข้อมูลนี้เก็บไว้ได้ เพื่อใช้ติดต่อหน่วยงานที่เกี่ยวข้อง",
        "You can print this information to take with you.",
    ),
    "decision.start": ("เริ่มจอง", "Start booking"),
    "decision.print": ("พิมพ์ข้อมูลนี้", "Print this"),
    # contact
    "contact.title": ("เบอร์โทรศัพท์และอาชีพ", "Phone and occupation"),
    "contact.phone": ("เบอร์มือถือสำหรับ SMS ยืนยัน", "Mobile number for the SMS"),
    "contact.phone.hint": ("10 หลัก ขึ้นต้นด้วย 06 08 หรือ 09", "10 digits, starting 06, 08 or 09"),
    "contact.phone.ok": ("เบอร์โทรศัพท์ถูกต้อง", "Number OK"),
    "contact.occupation": ("อาชีพ", "Occupation"),
    "contact.other": ("โปรดระบุอาชีพ", "Please type your occupation"),
    "contact.other.done": ("เสร็จ", "Done"),
    "contact.other.edit": ("แตะเพื่อพิมพ์", "Tap to type"),
    "key.clear": ("ล้าง", "Clear"),
    "key.delete": ("ลบ", "Delete"),
    "key.space": ("เว้นวรรค", "Space"),
    "key.shift": ("ตัวบน", "Shift"),
    "key.abc": ("ABC", "ABC"),
    "key.thai": ("ไทย", "ไทย"),
    # site
    "site.title": ("เลือกสถานที่ฉีดวัคซีน", "Choose where to be vaccinated"),
    "site.none_yet": ("ยังไม่ได้เลือกสถานที่", "No place chosen yet"),
    "site.remaining": ("ว่าง {n} ที่", "{n} seats left"),
    "site.full": ("เต็ม", "Full"),
    "site.unknown": ("ดูเวลาที่ว่างในขั้นต่อไป", "See the times next"),
    "site.district": ("เขต{d}", "{d} district"),
    "site.empty": (
        "ขณะนี้ไม่มีข้อมูลสถานที่ กรุณาแจ้งพนักงาน",
        "No places are available right now. Please ask staff.",
    ),
    "site.loading": ("กำลังโหลดรายชื่อสถานที่", "Loading the places"),
    # slot
    "slot.title": ("เลือกวันและเวลา", "Choose a day and time"),
    "slot.at": ("ที่ {site}", "At {site}"),
    "slot.remaining": ("ว่าง {n} ที่", "{n} left"),
    "slot.full": ("เต็ม", "Full"),
    # ended is not full (kiosk/session/availability.py): a slot whose time is over "ended"
    "slot.past": ("หมดเวลาแล้ว", "Ended"),
    "slot.day_full": ("เต็มทั้งวัน", "All full"),
    "slot.day_ended": ("หมดเวลาแล้ว", "Ended"),
    "slot.day_none_left": ("ไม่มีที่ว่าง", "None left"),
    "slot.day_over.full": (
        "เวลาของวันนี้เต็มแล้ว กรุณาเลือกวันอื่น",
        "Every time on this day is taken. Please choose another day.",
    ),
    "slot.day_over.ended": (
        "หมดเวลาจองของวันนี้แล้ว กรุณาเลือกวันอื่น",
        "Booking for this day is over. Please choose another day.",
    ),
    "slot.none_yet": ("ยังไม่ได้เลือกเวลา", "No time chosen yet"),
    # offline, from a seat lease this terminal holds (DESIGN §11)
    "slot.confirm_now": ("ยืนยันได้ทันที", "Confirmed now"),
    "slot.offline.some": (
        "เวลาที่มีคำว่า “ยืนยันได้ทันที” จะได้รับการยืนยันเลย เวลาอื่นจะบันทึกไว้และส่งเข้าระบบเมื่อติดต่อได้ (รอการยืนยัน)",
        "“Confirmed now”: confirmed at once. Other times: saved and sent later, awaiting "
        "confirmation.",
    ),
    "slot.offline.none": (
        "ขณะนี้ยังยืนยันทันทีไม่ได้ การจองจะบันทึกไว้และส่งเข้าระบบเมื่อติดต่อได้ (รอการยืนยัน)",
        "No time can be confirmed at once now: a booking is sent later, awaiting confirmation.",
    ),
    "slot.loading": ("กำลังโหลดเวลาที่ว่าง", "Loading the times"),
    "slot.empty": (
        "สถานที่นี้ไม่มีเวลาว่างในช่วงนี้ กรุณาย้อนกลับไปเลือกสถานที่อื่น",
        "This place has no free times soon. Please go back and choose another place.",
    ),
    # review
    "review.title": ("ตรวจสอบข้อมูลก่อนยืนยัน", "Check before you confirm"),
    "review.change.title": ("ตรวจสอบการเปลี่ยนแปลง", "Check your change"),
    "review.person": ("ผู้จอง", "Person"),
    "review.answers": ("โรคประจำตัว", "Conditions"),
    "review.answers.none": ("ไม่มีโรคเหล่านี้", "None of these"),
    "review.works": ("ทำงานในกรุงเทพฯ", "Works in Bangkok"),
    "review.phone": ("เบอร์โทรศัพท์", "Phone"),
    "review.occupation": ("อาชีพ", "Occupation"),
    "review.site": ("สถานที่", "Place"),
    "review.slot": ("วันและเวลา", "Day and time"),
    "review.old": ("นัดเดิม", "Current appointment"),
    "review.new": ("นัดใหม่", "New appointment"),
    "review.confirm": ("ยืนยันการจอง", "Confirm booking"),
    "review.will": ("เมื่อกดยืนยัน", "When you confirm"),
    "review.will.confirm": (
        "การจองนี้จะได้รับการยืนยันทันที",
        "This booking will be confirmed at once.",
    ),
    "review.will.queue": (
        "การจองนี้จะบันทึกไว้และส่งเข้าระบบเมื่อติดต่อได้ (รอการยืนยัน)",
        "This booking will be saved and sent when the connection is back (awaiting confirmation).",
    ),
    "review.confirm_change": ("ยืนยันการเปลี่ยน", "Confirm the change"),
    "yes": ("ใช่", "Yes"),
    "no": ("ไม่ใช่", "No"),
    # result
    "result.title": ("ผลการจอง", "Your booking"),
    "result.confirmed": ("จองสำเร็จ", "Booked"),
    "result.pending": (
        "ระบบกลางจะตรวจสอบสิทธิ์และแจ้งผลทาง SMS",
        "The central system will check your registration and confirm by SMS.",
    ),
    "result.reference": ("รหัสการจอง", "Booking reference"),
    "result.offline_sms": (
        "ท่านจะได้รับ SMS ที่เบอร์ {phone} เมื่อระบบกลางกลับมาเชื่อมต่อ",
        "An SMS to {phone} follows once the central system is back.",
    ),
    "result.queued": ("บันทึกการจองแล้ว รอส่งเข้าระบบ", "Booking saved, waiting to be sent"),
    "result.queued.next": (
        "ขณะนี้ติดต่อระบบกลางไม่ได้ เครื่องจะส่งการจองให้อัตโนมัติเมื่อติดต่อได้ ท่านไม่ต้องทำอะไรเพิ่ม "
        "เมื่อยืนยันแล้วจะได้รับ SMS ที่เบอร์ {phone} หากที่นั่งเต็มก่อน จะแจ้งทาง SMS "
        "และท่านนำบัตรมาจองใหม่ได้",
        "The central system cannot be reached now. This terminal will send your booking "
        "automatically; you need do nothing more. You will get an SMS at {phone} once it is "
        "confirmed. If the seat goes first, the SMS will say so and you can book again here "
        "with your card.",
    ),
    "result.queued.slip": (
        "ใบนัดนี้ยังไม่ใช่การยืนยัน กรุณาเก็บไว้จนกว่าจะได้รับ SMS",
        "This slip is not yet a confirmation: keep it until the SMS arrives.",
    ),
    "result.rejected": ("จองไม่สำเร็จ", "Not booked"),
    "result.failed": ("ยังไม่ได้จอง", "Nothing was booked"),
    "result.printing": ("กำลังพิมพ์ใบนัด…", "Printing your slip…"),
    "result.print_failed": ("พิมพ์ใบนัดไม่สำเร็จ", "The slip did not print"),
    "result.booking_stands": ("การจองของท่านยังคงอยู่", "Your booking stands"),
    "result.reprint": ("พิมพ์อีกครั้ง", "Print again"),
    "result.other_slot": ("เลือกเวลาอื่น", "Choose another time"),
    "result.other_site": ("เลือกสถานที่อื่น", "Choose another place"),
    "result.show_existing": ("ดูการจองเดิม", "Show my booking"),
    "reason.slot-full": (
        "ที่นั่งในเวลานี้เต็มแล้วระหว่างที่ท่านกำลังจอง กรุณาเลือกเวลาอื่น",
        "This time filled up while you were booking. Please choose another time.",
    ),
    "reason.slot-passed": (
        "เวลานัดนี้ผ่านไปแล้ว กรุณาเลือกเวลาอื่น",
        "That time has already passed. Please choose another time.",
    ),
    "reason.already-booked": (
        "ท่านมีการจองอยู่แล้ว (อาจจองจากช่องทางอื่น) หนึ่งคนจองได้หนึ่งครั้ง",
        "You already have a booking (perhaps made through another channel); one booking per "
        "person.",
    ),
    "reason.outside-hours": (
        "ขณะนี้อยู่นอกเวลารับจอง กรุณากลับมาใหม่ในเวลาทำการ",
        "Bookings are closed at this hour. Please come back during opening hours.",
    ),
    "reason.not-eligible": (
        "ระบบกลางตรวจสอบแล้วว่าท่านไม่มีสิทธิ์ในโครงการนี้",
        "The central system found you are not eligible for this programme.",
    ),
    "reason.other": (
        "ระบบกลางไม่รับการจองนี้ กรุณาแจ้งพนักงาน",
        "The central system refused this booking. Please ask staff.",
    ),
    "error.journal": (
        "เครื่องไม่สามารถบันทึกการจองได้ในขณะนี้ จึงยังไม่ได้จอง กรุณาแจ้งพนักงาน",
        "This terminal cannot save bookings right now, so nothing was booked. "
        "Please tell a member of staff.",
    ),
    "error.central": (
        "ติดต่อระบบกลางไม่ได้ในขณะนี้ กรุณาลองใหม่ภายหลัง",
        "The central system cannot be reached right now. Please try again later.",
    ),
    # printing and goodbye
    "printing.title": ("กรุณารับใบนัด", "Please take your slip"),
    "printing.card": ("และดึงบัตรประชาชนออก", "and remove your ID card"),
    "printing.bring": (
        "นำบัตรประชาชนและใบนัดไปในวันนัด",
        "Bring your ID card and this slip on the day",
    ),
    "printing.info": ("กำลังพิมพ์…", "Printing…"),
    "goodbye.title": ("ขอบคุณที่ใช้บริการ", "Thank you"),
    "goodbye.card": ("อย่าลืมบัตรประชาชนของท่าน", "Don't forget your ID card"),
    "goodbye.wiped": (
        "ข้อมูลของท่านถูกลบออกจากเครื่องแล้ว",
        "Your details have been wiped from this terminal.",
    ),
    # closed and out of service
    "closed.title": ("ขณะนี้ปิดรับจอง", "Bookings are closed now"),
    "closed.hours": (
        "เปิดรับจองที่ร้านทุกวัน {opens}–{closes} น.",
        "Store bookings daily {opens}–{closes}",
    ),
    "closed.other": (
        "ท่านยังจองได้ทางเว็บไซต์ ไทยร่วมใจ.com หรือแอปเป๋าตัง",
        "You can also book on the ไทยร่วมใจ.com website or in the Pao Tang app.",
    ),
    "oos.title": ("เครื่องนี้ปิดให้บริการชั่วคราว", "This terminal is out of service"),
    "oos.staff": ("กรุณาแจ้งพนักงานในร้าน", "Please tell a member of staff"),
    "oos.reader": ("ไม่พบเครื่องอ่านบัตร", "The card reader is missing"),
    "oos.printer": ("เครื่องพิมพ์ไม่พร้อมใช้งาน", "The printer is not ready"),
    "oos.journal": ("ที่บันทึกการจองในเครื่องใช้งานไม่ได้", "The booking store is not usable"),
    # idle
    "idle.title": ("ยังใช้งานอยู่หรือไม่?", "Are you still there?"),
    "idle.body": (
        "ระบบจะเริ่มใหม่และลบข้อมูลของท่านใน {n} วินาที",
        "This will start over and clear your details in {n} seconds.",
    ),
    "idle.more": ("ขอเวลาเพิ่ม", "More time, please"),
    # technician
    "tech.pin": ("รหัสช่างเทคนิค", "Technician PIN"),
    "tech.pin.wrong": ("รหัสไม่ถูกต้อง", "Wrong PIN"),
    "tech.pin.locked": ("ใส่รหัสผิดหลายครั้ง กรุณารอ {n} วินาที", "Too many tries: wait {n} s"),
    "tech.pin.none": (
        "ยังไม่ได้ตั้งรหัส ใช้คำสั่ง kiosk technician set-pin",
        "No PIN is set: use kiosk technician set-pin",
    ),
    "tech.title": ("หน้าจอช่างเทคนิค", "Technician"),
    "tech.sync": ("ส่งข้อมูลตอนนี้", "Sync now"),
    "tech.print_test": ("พิมพ์ทดสอบ", "Print test slip"),
    "tech.exit": ("ออกสู่เดสก์ท็อป", "Exit to desktop"),
    "tech.close": ("กลับหน้าลูกค้า", "Back to customers"),
    "tech.refresh": ("ตรวจสอบอีกครั้ง", "Check again"),
}
T.update(STAFF)
T.update(CHANGE)


def tr(key: str, lang: str, **values: object) -> str:
    th, en = T[key]
    text = th if lang == "th" else en
    return text.format(**values) if values else text


def pick(pair: object, lang: str) -> str:
    """The text of a Thai/English pair from the domain: a `Text`, an error, or a mapping."""
    if pair is None:
        return ""
    if isinstance(pair, dict):
        return str(pair.get(lang) or pair.get("th" if lang == "en" else "en") or "")
    th, en = getattr(pair, "th", ""), getattr(pair, "en", "")
    return str(th if lang == "th" else en or th)


THAI_WEEKDAYS_SHORT = ("จ.", "อ.", "พ.", "พฤ.", "ศ.", "ส.", "อา.")


def day_label(d: date, lang: str) -> str:
    """`พ. 2 มิ.ย.` with `Wed 2 Jun` under it (or the other way round): a day button's face."""
    th = f"{THAI_WEEKDAYS_SHORT[d.weekday()]} {d.day} {dates.THAI_MONTHS_SHORT[d.month - 1]}"
    en = f"{d:%a} {d.day} {dates.EN_MONTHS_SHORT[d.month - 1]}"
    return f"{th}\n{en}" if lang == "th" else f"{en}\n{th}"


def date_line(d: date, lang: str) -> str:
    """One line with both forms: `วันพุธ 2 มิ.ย. 2564 (2 Jun 2021)`."""
    th = f"วัน{dates.THAI_WEEKDAYS[d.weekday()]} {dates.thai(d)}"
    en = f"{d:%A} {dates.gregorian(d)}"
    return f"{th} ({dates.gregorian(d)})" if lang == "th" else f"{en} ({dates.thai(d)})"


def age_text(seconds: float | None, lang: str) -> str:
    if seconds is None:
        return tr("offline.age.unknown", lang)
    minutes = int(seconds // 60)
    if minutes < 1:
        age = tr("age.now", lang)
    elif minutes < 120:
        age = tr("age.minutes", lang, n=minutes)
    elif minutes < 48 * 60:
        age = tr("age.hours", lang, n=minutes // 60)
    else:
        age = tr("age.days", lang, n=minutes // (24 * 60))
    return tr("offline.age", lang, age=age)


def time_range(start: str, end: str, lang: str) -> str:
    """`09:00–10:00 น.`: a no-break space keeps น. (the hour unit) with its time on a line."""
    return f"{start}–{end}\u00a0น." if lang == "th" else f"{start}–{end}"
