"""The fleet as the operations console reads it: one page of terminals, and the overview's counts.

Both are computed at one instant `now` with the rules of `central.fleet` (states and attention
reasons are decided when somebody reads, never stored). The overview's counts are, by
construction, the totals of `terminals()` with the matching filter: the console links each count
to that filtered list, and an operator who clicks "12 out of paper" must find 12 rows.

A filter or sort the console cannot honour is refused with `BadFleetQuery` (a 400 problem with
Thai and English text, and a `ValueError`), never silently ignored: a list that quietly shows
everything while the URL says "offline" is worse than an error.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from central import fleet
from central.errors import CentralError
from central.fleet_view import current_rule_set, entry
from central.store.stores import StoreInfo

SORTS = ("terminal_id", "store", "district", "state", "last_seen", "attention")
ORDERS = ("asc", "desc")
MAX_PER_PAGE = 500
#: What the console shows, and what `district=` selects, for a terminal of a store not listed.
UNKNOWN_DISTRICT = "—"
#: Every (reason, level) an attention list can hold, in the order the overview shows them.
REASON_LEVELS: tuple[tuple[str, str], ...] = (
    ("offline", "fail"),
    ("printer-out-of-paper", "fail"),
    ("queue-old", "fail"),
    ("clock-skew", "fail"),
    ("printer-paper-near-end", "warn"),
    ("queue-old", "warn"),
    ("clock-skew", "warn"),
    ("rule-set-not-current", "warn"),
    ("staff-requested", "warn"),
)
_LEVEL_RANK = {"fail": 0, "warn": 1, None: 2}


class BadFleetQuery(CentralError, ValueError):
    status = 400
    code = "bad-fleet-query"
    title = "Bad fleet query"

    def __init__(self, en: str, th: str) -> None:
        super().__init__(th, en)


@dataclass
class TerminalQuery:
    """Which terminals, in which order, which page. `reason` is a reason (any level) or
    `reason:level` (one overview count); `district` matches a district's Thai or English
    name, or `UNKNOWN_DISTRICT` for terminals of stores not listed."""

    state: str | None = None
    reason: str | None = None
    store: str | None = None
    district: str | None = None
    sort: str = "terminal_id"
    order: str = "asc"
    page: int = 1
    per_page: int = 50

    def __post_init__(self) -> None:
        if self.state is not None and self.state not in fleet.STATES:
            raise BadFleetQuery(
                f"unknown state {self.state!r}; one of {', '.join(fleet.STATES)}",
                f"ไม่รู้จักสถานะ {self.state!r} (ใช้ได้: {', '.join(fleet.STATES)})",
            )
        if self.reason is not None:
            name, _, level = self.reason.partition(":")
            if name not in fleet.REASONS or (level and (name, level) not in REASON_LEVELS):
                raise BadFleetQuery(
                    f"unknown attention reason {self.reason!r}; one of "
                    f"{', '.join(fleet.REASONS)} (optionally :warn or :fail)",
                    f"ไม่รู้จักเหตุที่ต้องดูแล {self.reason!r}",
                )
        if self.sort not in SORTS:
            raise BadFleetQuery(
                f"cannot sort by {self.sort!r}; one of {', '.join(SORTS)}",
                f"เรียงตาม {self.sort!r} ไม่ได้ (ใช้ได้: {', '.join(SORTS)})",
            )
        if self.order not in ORDERS:
            raise BadFleetQuery(
                f"order must be asc or desc, not {self.order!r}",
                f"ลำดับต้องเป็น asc หรือ desc ไม่ใช่ {self.order!r}",
            )
        if not isinstance(self.page, int) or self.page < 1:
            raise BadFleetQuery(
                f"page must be a whole number from 1, not {self.page!r}",
                "หมายเลขหน้าต้องเป็นจำนวนเต็มตั้งแต่ 1",
            )
        if not isinstance(self.per_page, int) or not 1 <= self.per_page <= MAX_PER_PAGE:
            raise BadFleetQuery(
                f"per_page must be from 1 to {MAX_PER_PAGE}, not {self.per_page!r}",
                f"จำนวนต่อหน้าต้องอยู่ระหว่าง 1 ถึง {MAX_PER_PAGE}",
            )

    @property
    def reason_name(self) -> str | None:
        return None if self.reason is None else self.reason.partition(":")[0]

    @property
    def reason_level(self) -> str | None:
        return None if self.reason is None else (self.reason.partition(":")[2] or None)


@dataclass(frozen=True)
class TerminalRow:
    terminal_id: str
    store: str
    store_name_th: str | None
    store_name_en: str | None
    district_th: str | None
    district_en: str | None
    state: str
    last_seen: datetime | None
    attention: list[tuple[str, str]]
    queued: int | None
    oldest_age_s: int | None
    printer_state: str | None
    paper: str | None
    rule_set: str | None

    @property
    def worst(self) -> str | None:
        levels = {level for _, level in self.attention}
        return "fail" if "fail" in levels else ("warn" if levels else None)

    def to_json(self) -> dict[str, Any]:
        return {
            "terminal_id": self.terminal_id,
            "store": self.store,
            "store_name_th": self.store_name_th,
            "store_name_en": self.store_name_en,
            "district_th": self.district_th,
            "district_en": self.district_en,
            "state": self.state,
            "last_seen": None if self.last_seen is None else self.last_seen.isoformat(),
            "attention": [{"reason": r, "level": lv} for r, lv in self.attention],
            "queue": {"queued": self.queued, "oldest_age_s": self.oldest_age_s},
            "printer": {"state": self.printer_state, "paper": self.paper},
            "rule_set": self.rule_set,
        }


@dataclass(frozen=True)
class TerminalPage:
    rows: list[TerminalRow]
    total: int
    page: int
    pages: int
    query: TerminalQuery


@dataclass(frozen=True)
class Overview:
    total: int
    states: dict[str, int]
    reasons: dict[tuple[str, str], int]
    #: Terminals per district (English name; `UNKNOWN_DISTRICT` for stores not listed).
    districts: dict[str, int] = field(default_factory=dict)


def _row(entry: Any, report: dict[str, Any] | None, info: StoreInfo | None) -> TerminalRow:
    queue = (report or {}).get("queue") or {}
    printer = (report or {}).get("printer") or {}
    return TerminalRow(
        terminal_id=entry.terminal_id,
        store=entry.store,
        store_name_th=info.name_th if info else None,
        store_name_en=info.name_en if info else None,
        district_th=info.district_th if info else None,
        district_en=info.district_en if info else None,
        state=entry.state,
        last_seen=entry.last_seen,
        attention=[(r.reason, r.level) for r in entry.attention],
        queued=queue.get("queued"),
        oldest_age_s=queue.get("oldest_age_s"),
        printer_state=printer.get("state"),
        paper=printer.get("paper"),
        rule_set=(report or {}).get("rule_set"),
    )


def _all_rows(store: Any, now: datetime) -> list[TerminalRow]:
    rule_set = current_rule_set(store)
    directory = {s.store_id: s for s in store.stores()}
    out = []
    for r in store.fleet(now):
        e = entry(r, now, rule_set)
        out.append(_row(e, r.report, directory.get(r.store)))
    return out


def _matches(row: TerminalRow, q: TerminalQuery) -> bool:
    if q.state is not None and row.state != q.state:
        return False
    if q.store is not None and row.store != q.store:
        return False
    if q.district is not None:
        if q.district == UNKNOWN_DISTRICT:
            if row.district_en is not None:
                return False
        elif q.district not in (row.district_en, row.district_th):
            return False
    if q.reason is not None:
        name, level = q.reason_name, q.reason_level
        if not any(r == name and (level is None or lv == level) for r, lv in row.attention):
            return False
    return True


def _key(row: TerminalRow, sort: str) -> tuple[Any, ...]:
    if sort == "store":
        primary: tuple[Any, ...] = (row.store,)
    elif sort == "district":
        primary = (row.district_en is None, row.district_en or "")
    elif sort == "state":
        primary = (fleet.STATES.index(row.state),)
    elif sort == "last_seen":
        primary = (row.last_seen is not None, row.last_seen or datetime.min)
    elif sort == "attention":
        primary = (_LEVEL_RANK[row.worst],)
    else:
        primary = ()
    return (*primary, row.terminal_id)


def terminals(store: Any, now: datetime, query: TerminalQuery | None = None) -> TerminalPage:
    """One page of the enrolled kiosk terminals matching `query`, at `now`. Ties in the sort
    are broken by terminal id (in the same direction), so pages never overlap."""
    q = query or TerminalQuery()
    rows = [r for r in _all_rows(store, now) if _matches(r, q)]
    rows.sort(key=lambda r: _key(r, q.sort), reverse=q.order == "desc")
    total = len(rows)
    pages = max(1, -(-total // q.per_page))
    start = (q.page - 1) * q.per_page
    return TerminalPage(rows[start : start + q.per_page], total, q.page, pages, q)


def overview(store: Any, now: datetime) -> Overview:
    """How many terminals there are in each state, with each attention reason and level, and
    in each district, at `now`."""
    rows = _all_rows(store, now)
    states = dict.fromkeys(fleet.STATES, 0)
    reasons = dict.fromkeys(REASON_LEVELS, 0)
    districts: dict[str, int] = {}
    for r in rows:
        states[r.state] += 1
        for pair in set(r.attention):
            reasons[pair] += 1
        d = r.district_en if r.district_en is not None else UNKNOWN_DISTRICT
        districts[d] = districts.get(d, 0) + 1
    return Overview(len(rows), states, reasons, dict(sorted(districts.items())))
