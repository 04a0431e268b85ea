"""Every string the console shows, in Thai and English (Thai is the default).

A small dict rather than gettext: the console has a few hundred strings and one reader should
see both languages of a string side by side. `translator(lang)` is the `t` of every template;
an unknown key raises, and tests/central/console/test_i18n.py renders every page in both
languages and checks every key used by a template is here in both, so no page shows a key.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

LANGS = ("th", "en")
DEFAULT_LANG = "th"

MESSAGES: dict[str, dict[str, str]] = {
    "app.name": {"th": "คอนโซลปฏิบัติการ ไทยร่วมใจ", "en": "Thai Ruam Jai operations console"},
    "nav.label": {"th": "เมนูหลัก", "en": "Main menu"},
    "nav.overview": {"th": "ภาพรวม", "en": "Overview"},
    "nav.terminals": {"th": "เครื่องคีออสก์", "en": "Terminals"},
    "nav.sites": {"th": "จุดฉีดวัคซีน", "en": "Sites"},
    "nav.bookings": {"th": "การจอง", "en": "Bookings"},
    "nav.leases": {"th": "ที่นั่งที่จองไว้ล่วงหน้า", "en": "Leases"},
    "nav.audit": {"th": "บันทึกการใช้งาน", "en": "Audit"},
    "lang.switch": {"th": "ภาษา", "en": "Language"},
    "lang.th": {"th": "ไทย", "en": "ไทย (Thai)"},
    "lang.en": {"th": "English (อังกฤษ)", "en": "English"},
    "skip.content": {"th": "ข้ามไปยังเนื้อหา", "en": "Skip to content"},
    "signed.in.as": {"th": "เข้าสู่ระบบในชื่อ", "en": "Signed in as"},
    "role.operator": {"th": "เจ้าหน้าที่ปฏิบัติการ", "en": "operator"},
    "role.technician": {"th": "ช่างเทคนิค", "en": "technician"},
    "logout": {"th": "ออกจากระบบ", "en": "Sign out"},
    # sign-in
    "login.title": {"th": "เข้าสู่ระบบ", "en": "Sign in"},
    "login.username": {"th": "ชื่อผู้ใช้", "en": "User name"},
    "login.password": {"th": "รหัสผ่าน", "en": "Password"},
    "login.submit": {"th": "เข้าสู่ระบบ", "en": "Sign in"},
    "login.failed": {
        "th": "ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง",
        "en": "The user name or the password is not correct.",
    },
    "login.locked": {
        "th": "ลองเข้าสู่ระบบผิดหลายครั้งเกินไป กรุณารอ {seconds} วินาทีแล้วลองใหม่",
        "en": "Too many failed sign-ins. Wait {seconds} seconds and try again.",
    },
    "login.expired": {
        "th": "หมดเวลาการใช้งาน กรุณาเข้าสู่ระบบอีกครั้ง",
        "en": "Your session has ended. Please sign in again.",
    },
    "login.signed.out": {"th": "ออกจากระบบแล้ว", "en": "You are signed out."},
    "signin.refused": {
        "th": "ลิงก์เข้าสู่ระบบนี้ใช้ไม่ได้ (หมดอายุหรือถูกใช้ไปแล้ว)",
        "en": "This sign-in link cannot be used (it has expired or was already used).",
    },
    # refusals
    "error.title": {"th": "ทำรายการไม่ได้", "en": "Not done"},
    "error.csrf": {
        "th": "แบบฟอร์มนี้หมดอายุหรือไม่ได้มาจากคอนโซล จึงไม่ได้ทำรายการใด ๆ "
        "กรุณากลับไปหน้าเดิม โหลดใหม่ แล้วลองอีกครั้ง",
        "en": "This form has expired or did not come from the console, so nothing was done. "
        "Go back, reload the page and try again.",
    },
    "error.forbidden.role": {
        "th": "เฉพาะช่างเทคนิคเท่านั้นที่ทำรายการนี้ได้ ไม่ได้ทำรายการใด ๆ",
        "en": "Only a technician may do this; nothing was done.",
    },
    "error.not.found": {"th": "ไม่พบหน้าที่ต้องการ", "en": "There is no such page."},
    "error.back": {"th": "กลับไปหน้าภาพรวม", "en": "Back to the overview"},
    # states and attention
    "state.online": {"th": "ออนไลน์", "en": "online"},
    "state.stale": {"th": "ขาดการติดต่อชั่วคราว", "en": "stale"},
    "state.offline": {"th": "ออฟไลน์", "en": "offline"},
    "state.never-seen": {"th": "ยังไม่เคยรายงาน", "en": "never seen"},
    "level.warn": {"th": "เตือน", "en": "warning"},
    "level.fail": {"th": "ขัดข้อง", "en": "failure"},
    "reason.offline": {"th": "ไม่มีรายงานเกิน 15 นาที", "en": "no report for over 15 minutes"},
    "reason.printer-out-of-paper": {"th": "เครื่องพิมพ์กระดาษหมด", "en": "printer out of paper"},
    "reason.printer-paper-near-end": {
        "th": "กระดาษเครื่องพิมพ์ใกล้หมด",
        "en": "printer paper near its end",
    },
    "reason.queue-old": {
        "th": "มีการจองค้างส่งนานเกิน 15 นาที (เตือน) / 60 นาที (ขัดข้อง)",
        "en": "a queued booking older than 15 min (warning) / 60 min (failure)",
    },
    "reason.clock-skew": {
        "th": "นาฬิกาเครื่องคลาดเคลื่อนเกิน 1 นาที (เตือน) / 5 นาที (ขัดข้อง)",
        "en": "the terminal's clock is off by over 1 min (warning) / 5 min (failure)",
    },
    "reason.rule-set-not-current": {
        "th": "ใช้ชุดเกณฑ์ที่ไม่ใช่ชุดปัจจุบัน",
        "en": "runs a rule set other than the current one",
    },
    "reason.staff-requested": {
        "th": "ลูกค้าเรียกพนักงานและยังไม่มีผู้ตอบ",
        "en": "a customer called for a clerk and is waiting",
    },
    # overview
    "overview.title": {"th": "ภาพรวมเครื่องคีออสก์", "en": "Fleet overview"},
    "overview.total": {"th": "เครื่องทั้งหมด", "en": "All terminals"},
    "overview.states": {"th": "สถานะ", "en": "States"},
    "overview.attention": {"th": "สิ่งที่ต้องดูแล", "en": "Needs attention"},
    "overview.state": {"th": "สถานะ", "en": "State"},
    "overview.reason": {"th": "เหตุ", "en": "Reason"},
    "overview.level": {"th": "ระดับ", "en": "Level"},
    "overview.count": {"th": "จำนวนเครื่อง", "en": "Terminals"},
    "overview.none": {"th": "ไม่มีเครื่องที่ต้องดูแล", "en": "No terminal needs attention."},
    "overview.at": {"th": "ข้อมูล ณ เวลา", "en": "As of"},
    "chart.table": {"th": "ข้อมูลของกราฟเป็นตาราง", "en": "The chart's data as a table"},
}


def translator(lang: str) -> Callable[..., str]:
    """`t(key, **values)`: the string in `lang`, with `{name}` filled from `values`."""
    if lang not in LANGS:
        lang = DEFAULT_LANG

    def t(key: str, **values: Any) -> str:
        text = MESSAGES[key][lang]
        return text.format(**values) if values else text

    return t


def both(key: str, **values: Any) -> str:
    """Thai, then English: for the few places that speak before a language is chosen."""
    return " / ".join(translator(lang)(key, **values) for lang in LANGS)
