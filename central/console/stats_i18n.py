"""The strings of the sites, bookings and leases pages, Thai and English (merged into
`i18n.MESSAGES`, where tests/central/console/test_i18n.py checks them like every other)."""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    "stats.from": {"th": "ตั้งแต่วันที่", "en": "From"},
    "stats.to": {"th": "ถึงวันที่", "en": "To"},
    "stats.day": {"th": "วันที่", "en": "Day"},
    "stats.show": {"th": "แสดง", "en": "Show"},
    "stats.at": {"th": "ข้อมูล ณ เวลา", "en": "As of"},
    "stats.date.help": {
        "th": "วันที่แบบ ค.ศ. ปปปป-ดด-วว เช่น 2021-06-01",
        "en": "Gregorian date, YYYY-MM-DD, e.g. 2021-06-01",
    },
    "stats.bad.date.title": {"th": "วันที่ไม่ถูกต้อง", "en": "Not a usable date"},
    "stats.bad.page.title": {"th": "หมายเลขหน้าไม่ถูกต้อง", "en": "Not a usable page number"},
    "stats.chart.table": {"th": "ตัวเลขชุดเดียวกันในตาราง", "en": "the same figures as a table"},
    "stats.none": {"th": "ไม่มีข้อมูล", "en": "Nothing to show."},
    # sites
    "sites.title": {"th": "จุดฉีดวัคซีน: ที่นั่งที่จองแล้วรายวัน", "en": "Sites: fill by day"},
    "sites.note": {
        "th": "ร้อยละที่จองแล้ว = ที่นั่งที่จองแล้ว ÷ ที่นั่งทั้งหมด ที่นั่งที่กันไว้ให้ตู้บริการ"
        "ใช้ยืนยันแบบออฟไลน์ (ลีส) แสดงแยก ไม่นับรวมในที่จองแล้ว",
        "en": "Fill = booked seats ÷ capacity. Seats held by terminals' leases (for offline "
        "confirmation) are shown apart, not counted as booked.",
    },
    "sites.all": {"th": "ทุกจุด", "en": "All sites"},
    "sites.list": {"th": "แต่ละจุด", "en": "Each site"},
    "sites.site": {"th": "จุดฉีด", "en": "Site"},
    "sites.district": {"th": "เขต", "en": "District"},
    "sites.today": {"th": "วันนี้", "en": "Today"},
    "sites.period": {"th": "ทั้งช่วงวันที่", "en": "Whole range"},
    "sites.slots": {"th": "รอบ", "en": "Slots"},
    "sites.capacity": {"th": "ที่นั่ง", "en": "Capacity"},
    "sites.booked": {"th": "จองแล้ว", "en": "Booked"},
    "sites.held": {"th": "กันไว้ให้ตู้", "en": "Held (leases)"},
    "sites.fill": {"th": "ร้อยละที่จองแล้ว", "en": "Fill %"},
    "sites.held.share": {"th": "ร้อยละที่กันไว้", "en": "Held %"},
    "sites.chart.all": {
        "th": "ร้อยละที่จองแล้วรายวัน ทุกจุด",
        "en": "Fill by day, all sites",
    },
    "sites.chart.one": {"th": "ร้อยละที่จองแล้วรายวัน: {name}", "en": "Fill by day: {name}"},
    "sites.series.booked": {"th": "จองแล้ว (%)", "en": "Booked (%)"},
    "sites.series.held": {"th": "กันไว้ให้ตู้ (%)", "en": "Held by leases (%)"},
    "sites.total": {"th": "รวม", "en": "Total"},
    "sites.back": {"th": "กลับไปที่ทุกจุด", "en": "Back to all sites"},
    # bookings per hour
    "bookings.title": {"th": "การจองรายชั่วโมงตามช่องทาง", "en": "Bookings per hour by channel"},
    "bookings.note": {
        "th": "นับตามชั่วโมง (เวลากรุงเทพฯ) ที่ระบบกลางได้รับการจอง การจองจากตู้ที่ส่งจากคิว"
        "หลังออฟไลน์ (รวมที่ยืนยันด้วยลีส) แยกเป็นอีกชุด การจองที่ยกเลิกแล้วไม่นับในช่องทาง "
        "แสดงแยกในคอลัมน์ยกเลิกแล้ว",
        "en": "Counted in the Bangkok hour the central received each booking. Kiosk bookings "
        "replayed from a terminal's queue after it was offline (lease-backed ones included) "
        "are their own series. Bookings cancelled since are not in any channel's count; "
        "they are shown apart, in the cancelled column.",
    },
    "bookings.chart": {"th": "การจองรายชั่วโมง {day}", "en": "Bookings per hour, {day}"},
    "bookings.hour": {"th": "ชั่วโมง", "en": "Hour"},
    "bookings.total": {"th": "รวม", "en": "Total"},
    "bookings.cancelled": {"th": "ยกเลิกแล้ว", "en": "Cancelled since"},
    "bookings.day.total": {"th": "ทั้งวัน", "en": "Whole day"},
    "bookings.prev": {"th": "วันก่อนหน้า", "en": "Previous day"},
    "bookings.next": {"th": "วันถัดไป", "en": "Next day"},
    # leases
    "leases.title": {"th": "ที่นั่งที่กันไว้ให้ตู้บริการ (ลีส)", "en": "Seat leases"},
    "leases.note": {
        "th": "ที่นั่งที่นับ: ที่กันไว้หรือใช้แล้วแต่ยังไม่ส่งการจอง ในรอบที่ยังไม่เริ่ม เป้าหมายคือกันไว้ไม่ถึงร้อยละ 10 ของที่นั่ง",
        "en": "Counted: seats held, or spent and not yet booked, in slots that have not "
        "started. The budget is under 10 % of capacity held.",
    },
    "leases.summary": {"th": "สรุป", "en": "Summary"},
    "leases.terminals": {"th": "ตู้ที่ถือลีส", "en": "Terminals holding leases"},
    "leases.revoked.terminals": {"th": "ในนั้นถูกเพิกถอนแล้ว", "en": "of them revoked"},
    "leases.leases": {"th": "ลีส", "en": "Leases"},
    "leases.held": {"th": "ที่นั่งที่กันไว้", "en": "Seats held"},
    "leases.spent": {"th": "ใช้แล้ว รอส่งการจอง", "en": "Spent, booking not yet received"},
    "leases.expired": {"th": "ลีสหมดเวลาใช้ รอคืนที่นั่ง", "en": "Leases past use-until"},
    "leases.expiring": {"th": "ลีสจะหมดเวลาใช้ใน 1 ชั่วโมง", "en": "Leases ending within 1 h"},
    "leases.share": {
        "th": "ร้อยละของที่นั่งที่กันไว้ (ในรอบที่มีลีส)",
        "en": "Share of capacity held (in slots with leases)",
    },
    "leases.max.slot": {"th": "สูงสุดในรอบเดียว", "en": "Highest in one slot"},
    "leases.budget.ok": {"th": "ต่ำกว่าร้อยละ 10 ตามเป้า", "en": "under the 10 % budget"},
    "leases.budget.over": {"th": "ไม่ต่ำกว่าร้อยละ 10: เกินเป้า", "en": "not under 10 %: over budget"},
    "leases.per.terminal": {"th": "แต่ละตู้", "en": "Per terminal"},
    "leases.per.site": {"th": "แต่ละจุดฉีด", "en": "Per site"},
    "leases.terminal": {"th": "ตู้", "en": "Terminal"},
    "leases.store": {"th": "ร้าน", "en": "Store"},
    "leases.status": {"th": "สถานะ", "en": "Status"},
    "leases.active": {"th": "ใช้งาน", "en": "active"},
    "leases.revoked": {"th": "ถูกเพิกถอน", "en": "revoked"},
    "leases.next.until": {"th": "หมดเวลาใช้เร็วที่สุด", "en": "Earliest use-until"},
    "leases.slots": {"th": "รอบที่มีลีส", "en": "Slots with leases"},
    "leases.none": {"th": "ตอนนี้ไม่มีที่นั่งที่กันไว้", "en": "No seat is held now."},
}
