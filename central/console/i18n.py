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
    "signin.explain": {
        "th": "ลิงก์นี้ใช้เข้าสู่ระบบได้ครั้งเดียว กดปุ่มเพื่อเข้าสู่ระบบ",
        "en": "This link signs you in once. Press the button to sign in.",
    },
    "signin.password": {"th": "เข้าสู่ระบบด้วยรหัสผ่าน", "en": "Sign in with a password"},
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
    "overview.districts": {"th": "ตามเขต", "en": "By district"},
    "overview.none": {"th": "ไม่มีเครื่องที่ต้องดูแล", "en": "No terminal needs attention."},
    "overview.at": {"th": "ข้อมูล ณ เวลา", "en": "As of"},
    # the terminals list
    "terminals.title": {"th": "เครื่องคีออสก์", "en": "Terminals"},
    "terminals.filter.state": {"th": "สถานะ", "en": "State"},
    "terminals.filter.reason": {"th": "สิ่งที่ต้องดูแล", "en": "Attention reason"},
    "terminals.filter.store": {"th": "ร้าน", "en": "Store"},
    "terminals.filter.district": {"th": "เขต", "en": "District"},
    "terminals.filter.any": {"th": "ทั้งหมด", "en": "Any"},
    "terminals.filter.apply": {"th": "กรอง", "en": "Filter"},
    "terminals.filter.clear": {"th": "ล้างตัวกรอง", "en": "Clear filters"},
    "terminals.per.page": {"th": "แถวต่อหน้า", "en": "Rows per page"},
    "terminals.count": {
        "th": "แสดงเครื่องที่ {first}–{last} จากทั้งหมด {total} เครื่อง",
        "en": "Terminals {first}–{last} of {total}",
    },
    "terminals.col.terminal": {"th": "รหัสเครื่อง", "en": "Terminal"},
    "terminals.col.store": {"th": "ร้าน", "en": "Store"},
    "terminals.col.district": {"th": "เขต", "en": "District"},
    "terminals.col.state": {"th": "สถานะ", "en": "State"},
    "terminals.col.last.seen": {"th": "รายงานล่าสุด", "en": "Last seen"},
    "terminals.col.attention": {"th": "สิ่งที่ต้องดูแล", "en": "Attention"},
    "terminals.none": {"th": "ไม่มีเครื่องที่ตรงกับตัวกรอง", "en": "No terminal matches."},
    "terminals.pages": {"th": "หน้า", "en": "Pages"},
    "terminals.prev": {"th": "ก่อนหน้า", "en": "Previous"},
    "terminals.next": {"th": "ถัดไป", "en": "Next"},
    "terminals.page.of": {"th": "หน้า {page} จาก {pages}", "en": "Page {page} of {pages}"},
    "error.bad.filter": {
        "th": "ตัวกรองในที่อยู่หน้าเว็บไม่ถูกต้อง กรุณาเลือกจากแบบฟอร์ม",
        "en": "A filter in the address is not one the list knows; choose from the form.",
    },
    "error.no.terminal": {"th": "ไม่พบเครื่องนี้", "en": "There is no such terminal."},
    # one terminal
    "terminal.title": {"th": "เครื่อง {id}", "en": "Terminal {id}"},
    "terminal.now": {"th": "ขณะนี้", "en": "Now"},
    "terminal.token": {"th": "โทเค็นของเครื่อง", "en": "Terminal token"},
    "terminal.token.live": {"th": "ใช้งานได้", "en": "live"},
    "terminal.token.revoked": {"th": "ถูกเพิกถอนเมื่อ {at}", "en": "revoked at {at}"},
    "terminal.history": {"th": "7 วันที่ผ่านมา", "en": "The last 7 days"},
    "terminal.chart.title": {
        "th": "สถานะและจำนวนการจองที่ค้างส่ง",
        "en": "State and queued bookings",
    },
    "terminal.chart.time": {"th": "เวลา (กรุงเทพฯ)", "en": "Time (Bangkok)"},
    "terminal.chart.queued": {"th": "การจองค้างส่ง", "en": "Queued bookings"},
    "terminal.chart.state": {"th": "สถานะ", "en": "State"},
    "terminal.reports": {"th": "รายงานล่าสุด", "en": "Recent reports"},
    "terminal.reports.kept": {
        "th": "เก็บรายงาน 7 วัน: {count} รายการ (รายงานที่ไม่เปลี่ยนเก็บทุก 15 นาที)",
        "en": "{count} reports kept over 7 days (an unchanged report every 15 min)",
    },
    "terminal.report.at": {"th": "ได้รับเมื่อ", "en": "Received"},
    "terminal.report.versions": {"th": "ซอฟต์แวร์ / ชุดเกณฑ์", "en": "Software / rule set"},
    "terminal.report.checks": {"th": "การตรวจ", "en": "Checks"},
    "terminal.report.printer": {"th": "เครื่องพิมพ์", "en": "Printer"},
    "terminal.report.queue": {"th": "คิว", "en": "Queue"},
    "terminal.report.other": {"th": "อื่น ๆ", "en": "Other"},
    "terminal.paper": {"th": "กระดาษ", "en": "paper"},
    "terminal.queue.line": {
        "th": "ค้าง {queued} กำลังส่ง {sending}",
        "en": "{queued} queued, {sending} sending",
    },
    "terminal.queue.oldest": {"th": "เก่าสุด {seconds} วินาที", "en": "oldest {seconds} s"},
    "terminal.reader": {"th": "เครื่องอ่านบัตร", "en": "reader"},
    "terminal.leases": {
        "th": "ที่นั่งล่วงหน้า {held} ใช้แล้ว {spent}",
        "en": "leases {held} held, {spent} spent",
    },
    "terminal.clock": {"th": "นาฬิกาต่าง {seconds} วินาที", "en": "clock off by {seconds} s"},
    "terminal.no.reports": {"th": "ยังไม่มีรายงาน", "en": "No report yet."},
    "terminal.actions": {"th": "การดำเนินการ", "en": "Actions"},
    "terminal.actions.technicians": {
        "th": "เฉพาะช่างเทคนิคเท่านั้นที่ทำรายการเหล่านี้ได้",
        "en": "Only technicians may do these.",
    },
    "terminal.enrol.explain": {
        "th": "ออกรหัสลงทะเบียนใช้ครั้งเดียวสำหรับร้าน {store} (ใช้ได้ 24 ชั่วโมง)",
        "en": "Issue a one-time enrolment code for store {store} (valid 24 hours).",
    },
    "terminal.enrol.button": {"th": "ออกรหัสลงทะเบียน", "en": "Issue an enrolment code"},
    "terminal.revoke.button": {
        "th": "เพิกถอนโทเค็นของเครื่องนี้…",
        "en": "Revoke this terminal's token…",
    },
    "terminal.revoked": {"th": "เพิกถอนโทเค็นแล้ว", "en": "The token is revoked."},
    "terminal.already.revoked": {
        "th": "เครื่องนี้ไม่มีโทเค็นที่ใช้งานได้อยู่แล้ว",
        "en": "This terminal had no live token.",
    },
    "revoke.title": {"th": "เพิกถอนโทเค็นของ {id}", "en": "Revoke the token of {id}"},
    "revoke.explain": {
        "th": "เครื่อง {id} ของร้าน {store} จะเชื่อมต่อระบบกลางไม่ได้ทันที จนกว่าจะลงทะเบียนใหม่ด้วยรหัสลงทะเบียน",
        "en": "Terminal {id} of store {store} stops reaching the central at once, "
        "until it is enrolled again with an enrolment code.",
    },
    "revoke.confirm": {"th": "ยืนยันการเพิกถอน", "en": "Revoke the token"},
    "revoke.cancel": {"th": "ยกเลิก", "en": "Cancel"},
    "enrol.title": {"th": "รหัสลงทะเบียน", "en": "Enrolment code"},
    "enrol.for": {"th": "สำหรับร้าน {store}", "en": "For store {store}"},
    "enrol.expires": {"th": "ใช้ได้ถึง {at} (เวลากรุงเทพฯ)", "en": "Valid until {at} (Bangkok)"},
    "enrol.once": {
        "th": "รหัสนี้แสดงเพียงครั้งเดียวและใช้ได้ครั้งเดียว กรุณาจดไว้ตอนนี้",
        "en": "This code is shown only now and works once: note it down now.",
    },
    "enrol.back": {"th": "กลับไปที่เครื่อง {id}", "en": "Back to terminal {id}"},
    # the audit log
    "audit.title": {"th": "บันทึกการใช้งาน", "en": "Audit log"},
    "audit.at": {"th": "เวลา", "en": "When"},
    "audit.operator": {"th": "ผู้ใช้", "en": "Operator"},
    "audit.action": {"th": "การกระทำ", "en": "Action"},
    "audit.target": {"th": "เป้าหมาย", "en": "Target"},
    "audit.detail": {"th": "รายละเอียด", "en": "Detail"},
    "audit.source": {"th": "ที่อยู่ต้นทาง", "en": "Source address"},
    "audit.none": {"th": "ไม่มีรายการ", "en": "Nothing recorded."},
    "audit.newest": {"th": "ล่าสุด", "en": "Newest"},
    "audit.older": {"th": "เก่ากว่า", "en": "Older"},
    "chart.table": {"th": "ข้อมูลของกราฟเป็นตาราง", "en": "The chart's data as a table"},
}

#: What each audit action is called on the audit page (the code stays beside it, exact).
AUDIT_ACTIONS: dict[str, dict[str, str]] = {
    "login": {"th": "เข้าสู่ระบบ", "en": "Signed in"},
    "login-failed": {"th": "เข้าสู่ระบบไม่สำเร็จ", "en": "Sign-in failed"},
    "login-refused-locked": {"th": "ถูกพักการเข้าสู่ระบบชั่วคราว", "en": "Sign-in refused: locked"},
    "logout": {"th": "ออกจากระบบ", "en": "Signed out"},
    "csrf-refused": {"th": "ปฏิเสธคำขอ (CSRF ไม่ถูกต้อง)", "en": "Request refused (CSRF)"},
    "refused-role": {"th": "ปฏิเสธ: ไม่มีสิทธิ์", "en": "Refused: not allowed"},
    "terminal-revoked": {"th": "เพิกถอนโทเค็นของเครื่อง", "en": "Terminal token revoked"},
    "enrolment-code-issued": {"th": "ออกรหัสลงทะเบียน", "en": "Enrolment code issued"},
    "operator-added": {"th": "เพิ่มผู้ใช้", "en": "Operator added"},
    "operator-removed": {"th": "ลบผู้ใช้", "en": "Operator removed"},
    "operator-disabled": {"th": "ระงับผู้ใช้", "en": "Operator disabled"},
    "operator-enabled": {"th": "เปิดใช้ผู้ใช้อีกครั้ง", "en": "Operator enabled"},
    "operator-password-set": {"th": "ตั้งรหัสผ่านใหม่", "en": "Password replaced"},
    "signin-link-issued": {"th": "ออกลิงก์เข้าสู่ระบบครั้งเดียว", "en": "Sign-in link issued"},
    "signin-link-used": {"th": "ใช้ลิงก์เข้าสู่ระบบ", "en": "Sign-in link used"},
    "signin-link-refused": {"th": "ลิงก์เข้าสู่ระบบใช้ไม่ได้", "en": "Sign-in link refused"},
}
MESSAGES.update({f"audit.act.{code}": text for code, text in AUDIT_ACTIONS.items()})


def action_label(t: Callable[..., str], code: str) -> str:
    """An audit action's name in the page's language; an action this build does not know (a
    newer central's, in a shared database) is shown as its code."""
    return t(f"audit.act.{code}") if code in AUDIT_ACTIONS else code


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


# The sites, bookings and leases pages' strings (helper "stats"), kept in their own module.
from central.console.stats_i18n import MESSAGES as _STATS  # noqa: E402

MESSAGES.update(_STATS)
