"""What the console's sites, bookings and leases pages show, from the store's counts.

Pure functions from `central.store.stats` rows (and the URL's dates) to the figures a page
renders: the routes (`stats_routes`) only read the store and fill the templates, so what a page
says is testable without a browser. Every chart gets the same numbers as its table (a chart is
never the only place a figure is).

Decisions where the issue is silent:
- Fill % is booked / capacity. Held (lease) seats are shown beside it, not inside it: they are
  not bookings, and they go back to the slot when their lease ends unspent.
- Bookings per hour count a booking in the Bangkok hour the central received it (`created_at`):
  that is the load the central carried, and a queued booking replayed at night is counted at
  night (its own series, "kiosk, replayed"). Cancelled bookings are counted apart (one column,
  every channel), never inside a channel's count: the chart shows what stands.
- Dates come from the URL (`?from=&to=`, `?day=`) as YYYY-MM-DD; anything else is a 400 page
  in Thai and English, and a range is at most MAX_DAYS days.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from central.console.charts import Chart, Series
from central.console.i18n import translator
from central.errors import BadRequest
from central.store.records import Site
from central.store.stats import SERIES, HourCount, SiteDay, SiteLeases, TerminalLeases
from kiosk.dates import BANGKOK, gregorian, thai

#: The longest range the sites pages take (a quarter: 92 points on a chart still read).
MAX_DAYS = 92

#: The labels of SERIES, Thai and English (a channel not named here is shown by its name).
SERIES_LABELS: dict[str, tuple[str, str]] = {
    "kiosk-online": ("ตู้บริการ ออนไลน์", "Kiosk, online"),
    "kiosk-replayed": ("ตู้บริการ ส่งจากคิว", "Kiosk, replayed from queue"),
    "web": ("เว็บไซต์", "Web"),
    "app": ("แอป", "App"),
}
#: Exactly YYYY-MM-DD (`date.fromisoformat` alone also takes 20210601 and 2021-W22-2).
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)


class BadDate(BadRequest):
    """A date in the URL the console cannot use (400)."""

    code = "bad-date"
    #: The 400 page's heading (an i18n key).
    title_key = "stats.bad.date.title"

    def __init__(self, en: str, th: str) -> None:
        super().__init__(en, th=th, code=self.code)


class BadPage(BadDate):
    """A page number in the URL the console cannot use (400)."""

    code = "bad-page"
    title_key = "stats.bad.page.title"


def parse_day(text: str | None, default: date, name: str = "day") -> date:
    """`text` (YYYY-MM-DD) as a date, or `default` when absent or empty."""
    if text is None or text == "":
        return default
    try:
        if not _ISO_DATE.fullmatch(text):
            raise ValueError(text)
        return date.fromisoformat(text)
    except ValueError:
        raise BadDate(
            f"{name}={text[:40]!r} is not a date: write it as YYYY-MM-DD, e.g. 2021-06-01.",
            f"วันที่ใน {name} ไม่ถูกต้อง กรุณาเขียนเป็น ปปปป-ดด-วว (ค.ศ.) เช่น 2021-06-01",
        ) from None


def parse_range(first: str | None, last: str | None, today: date) -> tuple[date, date]:
    """`?from=&to=`: default yesterday to 13 days ahead (the booking window and one day back)."""
    start = parse_day(first, today - timedelta(days=1), "from")
    end = parse_day(last, start + timedelta(days=14), "to")
    if end < start:
        raise BadDate(
            f"to={end.isoformat()} is before from={start.isoformat()}.",
            "วันที่สิ้นสุด (to) อยู่ก่อนวันที่เริ่มต้น (from)",
        )
    if (end - start).days + 1 > MAX_DAYS:
        raise BadDate(
            f"The range is {(end - start).days + 1} days; at most {MAX_DAYS} days are shown.",
            f"ช่วงวันที่ยาวเกินไป แสดงได้ไม่เกิน {MAX_DAYS} วัน",
        )
    return start, end


def both_dates(d: date) -> dict[str, str]:
    """A date in the Thai Buddhist-Era form and the Gregorian form (DESIGN §10)."""
    return {"iso": d.isoformat(), "th": thai(d), "en": gregorian(d)}


def percent(part: int, whole: int) -> float | None:
    return None if whole <= 0 else round(100.0 * part / whole, 1)


# --- sites -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class FillRow:
    day: dict[str, str]
    slots: int
    capacity: int
    booked: int
    held: int
    fill: float | None
    held_share: float | None


def fill_rows(days: Iterable[SiteDay], first: date, last: date) -> list[FillRow]:
    """One row per day from `first` to `last`, all given sites summed (a day without slots
    is a row of zeros, so the chart's axis has no gaps)."""
    by_day: dict[str, list[SiteDay]] = {}
    for d in days:
        by_day.setdefault(d.date, []).append(d)
    out = []
    for n in range((last - first).days + 1):
        day = first + timedelta(days=n)
        out.append(_summed(both_dates(day), by_day.get(day.isoformat(), [])))
    return out


def fill_chart(rows: Sequence[FillRow], title: str, lang: str) -> Chart:
    """The chart of `rows`: booked and held as % of capacity, by Bangkok day."""
    t = translator(lang)
    return Chart(
        id="chart-site-fill",
        title=title,
        x_label=t("stats.day"),
        x=[_midnight(r.day["iso"]) for r in rows],
        x_labels=[r.day[lang] for r in rows],
        series=[
            Series(t("sites.series.booked"), [r.fill for r in rows]),
            Series(t("sites.series.held"), [r.held_share for r in rows]),
        ],
        y_label="%",
    )


def _midnight(day: str) -> int:
    d = date.fromisoformat(day)
    return int(datetime(d.year, d.month, d.day, tzinfo=BANGKOK).timestamp())


@dataclass(frozen=True)
class SiteSummary:
    site_id: str
    name_th: str
    name_en: str
    district_th: str
    district_en: str
    today: FillRow
    period: FillRow


def site_summaries(
    sites: Sequence[Site],
    days: Sequence[SiteDay],
    today_days: Sequence[SiteDay],
    today: date,
    first: date,
    last: date,
) -> list[SiteSummary]:
    """Each site's fill today (`today_days`) and over the range (`days`), sites in their
    listed order."""
    by_site: dict[str, list[SiteDay]] = {}
    for d in days:
        by_site.setdefault(d.site_id, []).append(d)
    out = []
    for s in sites:
        mine = by_site.get(s.site_id, [])
        today_row = _summed(both_dates(today), [d for d in today_days if d.site_id == s.site_id])
        period = _summed({"iso": f"{first.isoformat()}/{last.isoformat()}"}, mine)
        out.append(
            SiteSummary(
                s.site_id, s.name_th, s.name_en, s.district_th, s.district_en, today_row, period
            )
        )
    return out


def total_row(rows: Sequence[FillRow]) -> FillRow:
    """The sum of `rows` (the tables' last line)."""
    capacity = sum(r.capacity for r in rows)
    booked = sum(r.booked for r in rows)
    held = sum(r.held for r in rows)
    return FillRow(
        {"iso": "total"},
        sum(r.slots for r in rows),
        capacity,
        booked,
        held,
        percent(booked, capacity),
        percent(held, capacity),
    )


def _summed(day: dict[str, str], days: Sequence[SiteDay]) -> FillRow:
    capacity = sum(d.capacity for d in days)
    booked = sum(d.booked for d in days)
    held = sum(d.held for d in days)
    return FillRow(
        day,
        sum(d.slots for d in days),
        capacity,
        booked,
        held,
        percent(booked, capacity),
        percent(held, capacity),
    )


# --- bookings per hour -------------------------------------------------------------------


@dataclass(frozen=True)
class HourRow:
    hour: int
    label: str
    counts: dict[str, int]
    total: int
    cancelled: int


def hour_rows(counts: Iterable[HourCount]) -> tuple[list[str], list[HourRow], HourRow]:
    """(series shown, 24 rows, the day's totals). A channel the central does not name in
    SERIES still gets its own column (it is data the operator should see, not drop)."""
    series = list(SERIES)
    table: dict[int, dict[str, int]] = {h: {} for h in range(24)}
    cancelled = dict.fromkeys(range(24), 0)
    for c in counts:
        if c.cancelled:
            cancelled[c.hour] += c.count
            continue
        if c.series not in series:
            series.append(c.series)
        table[c.hour][c.series] = table[c.hour].get(c.series, 0) + c.count
    rows = []
    for h in range(24):
        per = {s: table[h].get(s, 0) for s in series}
        rows.append(HourRow(h, f"{h:02d}:00–{h:02d}:59", per, sum(per.values()), cancelled[h]))
    totals = {s: sum(r.counts[s] for r in rows) for s in series}
    total = HourRow(-1, "", totals, sum(totals.values()), sum(cancelled.values()))
    return series, rows, total


def hour_chart(series: Sequence[str], rows: Sequence[HourRow], title: str, lang: str) -> Chart:
    """Bookings per hour, one line per series (cancelled ones are in the table only)."""
    t = translator(lang)
    return Chart(
        id="chart-bookings-hour",
        title=title,
        x_label=t("bookings.hour"),
        x=[r.hour for r in rows],
        x_labels=[r.label for r in rows],
        series=[Series(series_label(s, lang), [r.counts[s] for r in rows]) for s in series],
        time=False,
    )


def series_label(key: str, lang: str) -> str:
    th, en = SERIES_LABELS.get(key, (key, key))
    return th if lang == "th" else en


# --- leases ------------------------------------------------------------------------------


@dataclass(frozen=True)
class LeaseSummary:
    terminals: int
    revoked_terminals: int
    leases: int
    held: int
    spent: int
    expired: int
    expiring: int
    slots: int
    capacity: int
    #: Held seats as % of the capacity of the slots that hold any (DESIGN §9: under 10 %).
    share: float | None
    #: The largest share of one slot's capacity held, in %.
    max_slot_share: float | None
    within_budget: bool


#: DESIGN §9: under 10 % of capacity held in leases.
HELD_BUDGET = 10.0


def lease_summary(terminals: Sequence[TerminalLeases], sites: Sequence[SiteLeases]) -> LeaseSummary:
    capacity = sum(s.capacity for s in sites)
    held = sum(s.held for s in sites)
    share = percent(held, capacity)
    top = max((s.max_slot_share for s in sites), default=None)
    return LeaseSummary(
        terminals=len(terminals),
        revoked_terminals=sum(1 for t in terminals if t.revoked_at is not None),
        leases=sum(t.leases for t in terminals),
        held=sum(t.held for t in terminals),
        spent=sum(t.spent for t in terminals),
        expired=sum(t.expired for t in terminals),
        expiring=sum(t.expiring for t in terminals),
        slots=sum(s.slots for s in sites),
        capacity=capacity,
        share=share,
        max_slot_share=None if top is None else round(100.0 * top, 1),
        within_budget=share is None or share < HELD_BUDGET,
    )


#: Terminals per page of the leases table (13,000 terminals could all hold leases).
LEASES_PER_PAGE = 200


def parse_page(text: str | None) -> int:
    """`?page=`: a whole number from 1 (absent: 1)."""
    if text is None or text == "":
        return 1
    if not text.isascii() or not text.isdigit() or int(text) < 1 or len(text) > 6:
        raise BadPage(
            f"page={text[:20]!r} is not a page number: a whole number from 1.",
            "หมายเลขหน้า (page) ไม่ถูกต้อง ต้องเป็นจำนวนเต็มตั้งแต่ 1",
        )
    return int(text)


def until_text(value: str | None) -> str:
    """A `use_until` instant as the console shows it: Bangkok date and time."""
    if not value:
        return "–"
    return datetime.fromisoformat(value).strftime("%Y-%m-%d %H:%M")
