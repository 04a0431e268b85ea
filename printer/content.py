"""What each slip says: slip data becomes blocks of text, Thai first with English beneath.

The slip is the customer's proof of booking when the SMS is late (DESIGN §1, §7), read later at
home, often by an older person: the reference and the appointment come first and largest; what
to bring and whom to call follow; the terminal and printing time, for staff, come last and small.

The wording lives here, apart from the typesetting in `printer.layout`, so it can be reviewed as
text. Facts that are not ours to decide (the hotline number, Mor Prom's LINE account) are the
constants below and nowhere else.
"""

from __future__ import annotations

import re
from datetime import date, datetime

from kiosk import dates
from printer.layout import Banner, Beside, Block, Gap, Qr, Rule, Text
from printer.slip_data import BookingSlip, Citizen, DecisionSlip, SlipData, Slot, Terminal
from printer.thai_text import WORD_JOINER, bind_words

#: The MOPH Department of Disease Control hotline, which answered COVID-19 vaccination questions
#: in 2021. One place to change it: verify against the programme's current notice before rollout.
HOTLINE = "1422"
#: Mor Prom (หมอพร้อม), MOPH's registration channel for people 60+ and the seven chronic conditions.
MOR_PROM_LINE = "@mohpromt"

PROGRAMME_TH = "ไทยร่วมใจ – กรุงเทพฯ ปลอดภัย"
PROGRAMME_EN = "Thai Ruam Jai – Safe Bangkok"

NBSP = "\u00a0"
#: The staff line of a slip confirmed at the terminal from a seat lease (DESIGN §11).
OFFLINE_NOTE = "ยืนยันโดยเครื่องนี้ขณะออฟไลน์  Confirmed offline by this terminal"
EN_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

#: Why central refused a booking, in words a customer can act on. Unknown codes fall back to a
#: generic line that still names the code for staff.
REJECTION_REASONS: dict[str, tuple[str, str]] = {
    "slot-full": (
        "ช่วงเวลาที่เลือกเต็มแล้ว กรุณาเลือกวันหรือเวลาอื่นที่ตู้นี้",
        "The time you chose is full. Please choose another date or time at this kiosk.",
    ),
    "already-booked": (
        "ท่านมีการจองอยู่แล้ว เสียบบัตรประชาชนที่ตู้นี้เพื่อดูหรือพิมพ์ใบนัดเดิม",
        "You already have a booking. Insert your ID card at this kiosk to see or reprint it.",
    ),
    "not-in-registry": (
        "ไม่พบชื่อท่านในระบบประกันสังคมหรือโครงการของรัฐสำหรับผู้ทำงานในกรุงเทพฯ",
        "You were not found in the social security or government programme records for "
        "people working in Bangkok.",
    ),
    "outside-hours": (
        "ทำรายการนอกเวลาให้บริการ กรุณาจองใหม่ในเวลาทำการ",
        "The booking was made outside booking hours. Please book again during opening hours.",
    ),
}


def slip_blocks(slip: SlipData) -> list[Block]:
    """The blocks of one slip, top to bottom."""
    if isinstance(slip, DecisionSlip):
        return _decision(slip)
    if slip.status == "confirmed":
        return _confirmed(slip)
    if slip.status == "queued":
        return _queued(slip)
    return _rejected(slip)


def _header(subtitle_th: str, subtitle_en: str) -> list[Block]:
    return [
        Text(PROGRAMME_TH, "title", "center"),
        Text(subtitle_th, "body_bold", "center"),
        Text(f"{PROGRAMME_EN}: {subtitle_en}", "subtitle", "center"),
        Gap(6),
    ]


def _banner(icon: str, th: str, en: str) -> list[Block]:
    return [Banner(icon, (Text(th, "banner"), Text(en, "banner_en"))), Gap(6)]  # type: ignore[arg-type]


def _label(th: str, en: str) -> Text:
    return Text(f"{th}  {en}", "label")


def _confirmed(slip: BookingSlip) -> list[Block]:
    assert slip.reference and slip.slot and slip.site
    if slip.pending_verification:  # booked; a registry check may still cancel it (by SMS)
        banner = list(
            _banner("clock", "จองแล้ว รอผลตรวจสิทธิ์ทาง SMS", "Booked; eligibility result by SMS")
        )
    else:
        banner = list(_banner("check", "จองสำเร็จ", "Booking confirmed"))
    return [
        *_header("ใบนัดฉีดวัคซีนโควิด-19", "vaccination appointment"),
        *banner,
        _label("รหัสการจอง", "Booking reference"),
        Text(slip.reference, "reference", "center", fit=True),
        Gap(4),
        # an offline-confirmed slip's QR carries the signed slip code, which a site can check
        # before the terminal reconnects; too big to sit beside the appointment, it stacks
        Beside(Qr(slip.qr_payload or slip.reference), tuple(_appointment(slip.slot))),
        *_site(slip),
        *_person(slip.citizen),
        *_bring(),
        *_footer(slip.terminal, slip.printed_at, offline=slip.offline_confirmed),
    ]


def _queued(slip: BookingSlip) -> list[Block]:
    assert slip.slot and slip.site
    return [
        *_header("ใบนัดฉีดวัคซีนโควิด-19 (ชั่วคราว)", "provisional booking"),
        *_banner("clock", "รอยืนยันการจอง", "Awaiting confirmation"),
        Text("บันทึกการจองแล้ว รอยืนยันทาง SMS กรุณาเก็บใบนี้ไว้", "body_bold"),
        Text("Recorded; confirmation will follow by SMS. Keep this slip.", "en"),
        Text(f"เลขที่รายการ  Record no.  {_record_no(slip.booking_id)}", "heading"),
        Gap(4),
        *_appointment(slip.slot, requested=True),
        *_site(slip),
        *_person(slip.citizen),
        *_bring(),
        *_footer(slip.terminal, slip.printed_at),
    ]


def _rejected(slip: BookingSlip) -> list[Block]:
    th, en = REJECTION_REASONS.get(
        slip.code or "",
        (
            f"ระบบไม่สามารถยืนยันการจองได้ (รหัส {slip.code or '-'})",
            f"The booking could not be confirmed (code {slip.code or '-'}).",
        ),
    )
    blocks: list[Block] = [
        *_header("ผลการจองฉีดวัคซีนโควิด-19", "booking result"),
        *_banner("cross", "จองไม่สำเร็จ", "Not booked"),
        Text(th, "body_bold"),
        Text(en, "en"),
        Gap(6),
        Text(f"สอบถามเพิ่มเติม โทร {HOTLINE}", "body"),
        Text(f"Questions: call {HOTLINE}", "en"),
    ]
    if slip.slot is not None:
        blocks += [Rule(), *_appointment(slip.slot, requested=True)]
    if slip.site is not None:
        blocks += _site(slip)
    return [
        *blocks,
        *_person(slip.citizen),
        *_footer(slip.terminal, slip.printed_at, hotline=False),
    ]


def _decision(slip: DecisionSlip) -> list[Block]:
    d = slip.decision
    if d.route == "hospital":
        banner = _banner("info", "กรุณาลงทะเบียนผ่าน หมอพร้อม", "Please register with Mor Prom")
        advice: list[Block] = [
            _label("วิธีลงทะเบียน", "How to register"),
            Text(f"LINE หมอพร้อม: เพิ่มเพื่อน {MOR_PROM_LINE}", "body", bullet="•"),
            Text(f"Mor Prom on LINE: add {MOR_PROM_LINE}", "en", bullet=" "),
            Text("แอปพลิเคชัน หมอพร้อม", "body", bullet="•"),
            Text("The Mor Prom app", "en", bullet=" "),
            Text("หรือติดต่อโรงพยาบาลใกล้บ้าน หรือ อสม. ในพื้นที่", "body", bullet="•"),
            Text("Or ask your nearest hospital or village health volunteer", "en", bullet=" "),
        ]
    elif d.route == "await-guidance":
        banner = _banner(
            "info", "กรุณารอแนวทางจากกระทรวงสาธารณสุข", "Please wait for guidance from MOPH"
        )
        advice = [
            Text(
                "การฉีดวัคซีนสำหรับผู้ที่ไม่มีสัญชาติไทยจะเป็นไปตามแนวทางที่กระทรวงสาธารณสุขจะประกาศ "
                "กรุณาติดตามประกาศ",
                "body",
            ),
            Text(
                "Vaccination for foreign nationals will follow the Ministry of Public Health's "
                "guidance, still to be announced. Please watch for its announcements.",
                "en",
            ),
        ]
    else:
        banner = _banner("cross", "ไม่สามารถจองผ่านโครงการนี้ได้", "This programme cannot book you")
        advice = [
            Text("หากข้อมูลนี้ไม่ถูกต้อง กรุณาติดต่อพนักงาน", "body"),
            Text("If this seems wrong, please ask staff.", "en"),
        ]
    return [
        *_header("ข้อมูลการฉีดวัคซีนโควิด-19", "vaccination information"),
        *banner,
        _label("ผลการตรวจสอบสิทธิ์", "Result"),
        Text(d.message_th, "body_bold"),
        Text(d.message_en, "en"),
        Gap(8),
        *advice,
        *_person(slip.citizen),
        Text(f"{d.rule_set} · {d.code}", "small"),
        *_footer(slip.terminal, slip.printed_at),
    ]


def _appointment(slot: Slot, *, requested: bool = False) -> list[Block]:
    label = ("วันและเวลาที่ขอจอง", "Requested") if requested else ("วันนัด", "Appointment")
    time_range = f"{slot.start:%H:%M}–{slot.end:%H:%M}{NBSP}น."
    return [
        _label(*label),
        Text(_thai_date(slot.date), "big"),
        Text(_english_date(slot.date), "big_en"),
        Text(time_range, "big"),
    ]


def _site(slip: BookingSlip) -> list[Block]:
    site = slip.site
    assert site is not None
    # the district is often part of the address already; print it once
    th, en = site.address_th, site.address_en
    if site.district_th and site.district_th not in th:
        th = f"{th} {site.district_th}"
    if site.district_en and site.district_en not in en:
        en = f"{en}, {site.district_en}"
    lines = [
        Text(_bind_prefixes(site.name_th or site.name_en or site.id), "heading"),
        Text(site.name_en, "en") if site.name_th and site.name_en else None,
        Text(_bind_prefixes(th), "body") if th else None,
        Text(en, "en") if en else None,
    ]
    return [
        Rule(),
        _label("สถานที่ฉีดวัคซีน", "Vaccination site"),
        *(line for line in lines if line is not None),
    ]


def _person(citizen: Citizen) -> list[Block]:
    # a name breaks only between its parts, never inside one (it is no dictionary word)
    names = [Text(bind_words(citizen.name_th), "heading")] if citizen.name_th else []
    if citizen.name_en:
        names.append(Text(citizen.name_en, "en"))
    return [
        Rule(),
        _label("ผู้รับวัคซีน", "Name"),
        *names,
        Text(f"เลขประจำตัวประชาชน  ID  {citizen.masked_cid}", "small"),
    ]


def _bring() -> list[Block]:
    return [
        Rule(),
        _label("กรุณานำมาในวันนัด", "Please bring"),
        Text("บัตรประจำตัวประชาชนตัวจริง", "body", bullet="•"),
        Text("Your Thai national ID card", "en", bullet=" "),
        Text("ใบนัดนี้ หรือรหัสการจอง และสวมหน้ากากอนามัย", "body", bullet="•"),
        Text("This slip or your booking reference; wear a face mask", "en", bullet=" "),
    ]


def _footer(
    terminal: Terminal, printed_at: datetime, *, hotline: bool = True, offline: bool = False
) -> list[Block]:
    blocks: list[Block] = [Rule()]
    if hotline:
        blocks += [
            Text(f"สอบถามเพิ่มเติม โทร {HOTLINE}", "heading"),
            Text(f"Questions: call {HOTLINE}", "en"),
            Gap(4),
        ]
    blocks += [
        Text(f"พิมพ์ {_thai_time(printed_at)}  Printed{NBSP}{_english_time(printed_at)}", "small"),
        Text(f"เครื่อง  Terminal  {terminal.id} · {_bind_prefixes(terminal.store)}", "small"),
    ]
    if offline:  # for staff: why this QR code is long, and that it can be checked
        blocks.append(Text(OFFLINE_NOTE, "small"))
    return blocks


def _record_no(booking_id: str) -> str:
    """A short handle on a queued booking for staff and the hotline: the booking id's start."""
    compact = "".join(ch for ch in booking_id if ch.isalnum()).upper()[:8]
    return f"{compact[:4]}-{compact[4:]}" if len(compact) > 4 else compact


#: Thai address and branch prefixes: never left at the end of a line apart from their name.
_PREFIXES = re.compile(r"(แขวง|เขต|ตำบล|อำเภอ|จังหวัด|ถนน|ซอย|สาขา)(?=[\u0e01-\u0e4f])")


def _bind_prefixes(text: str) -> str:
    return _PREFIXES.sub(lambda m: m.group(1) + WORD_JOINER, text)


def _bind(text: str) -> str:
    """Join with no-break spaces: a date or a time must never be split across lines."""
    return text.replace(" ", NBSP)


def _thai_date(d: date) -> str:
    return _bind(f"{dates.THAI_WEEKDAYS[d.weekday()]} {dates.thai(d)}")


def _english_date(d: date) -> str:
    return _bind(f"{EN_WEEKDAYS[d.weekday()]} {dates.gregorian(d)}")


def _thai_time(t: datetime) -> str:
    t = t.astimezone(dates.BANGKOK)
    return _bind(f"{dates.thai(t.date())} {t:%H:%M} น.")


def _english_time(t: datetime) -> str:
    t = t.astimezone(dates.BANGKOK)
    return _bind(f"{dates.gregorian(t.date())} {t:%H:%M}")
