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

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from central import fleet
from central.errors import CentralError
from central.fleet_view import current_rule_set
from central.store.fleet_sql import REASON_LEVELS, FleetFilter, SqlRow

__all__ = ["REASON_LEVELS", "TerminalPage", "TerminalQuery", "overview", "terminals"]

SORTS = ("terminal_id", "store", "district", "state", "last_seen", "attention")
ORDERS = ("asc", "desc")
MAX_PER_PAGE = 500
#: What the console shows, and what `district=` selects, for a terminal of a store not listed.
UNKNOWN_DISTRICT = "—"


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


def _row(r: SqlRow) -> TerminalRow:
    (tid, store, name_th, name_en, district_th, district_en, received, _, _, text) = r.values
    report = json.loads(text) if text is not None else {}
    queue = report.get("queue") or {}
    printer = report.get("printer") or {}
    return TerminalRow(
        terminal_id=tid,
        store=store,
        store_name_th=name_th,
        store_name_en=name_en,
        district_th=district_th,
        district_en=district_en,
        state=r.state,
        last_seen=None if received is None else datetime.fromisoformat(received),
        attention=r.attention,
        queued=queue.get("queued"),
        oldest_age_s=queue.get("oldest_age_s"),
        printer_state=printer.get("state"),
        paper=printer.get("paper"),
        rule_set=report.get("rule_set"),
    )


def _filter(q: TerminalQuery) -> FleetFilter:
    unlisted = q.district == UNKNOWN_DISTRICT
    return FleetFilter(
        state=q.state,
        reason=q.reason_name,
        level=q.reason_level,
        store=q.store,
        district=None if unlisted else q.district,
        unlisted=unlisted,
    )


def terminals(store: Any, now: datetime, query: TerminalQuery | None = None) -> TerminalPage:
    """One page of the enrolled kiosk terminals matching `query`, at `now`. Ties in the sort
    are broken by terminal id (in the same direction), so pages never overlap. Filtered,
    sorted, counted and paged in the database (central/store/fleet_sql.py)."""
    q = query or TerminalQuery()
    rows, total = store.fleet_rows(
        now,
        current_rule_set(store),
        _filter(q),
        sort=q.sort,
        order=q.order,
        limit=q.per_page,
        offset=(q.page - 1) * q.per_page,
    )
    pages = max(1, -(-total // q.per_page))
    return TerminalPage([_row(r) for r in rows], total, q.page, pages, q)


def overview(store: Any, now: datetime) -> Overview:
    """How many terminals there are in each state, with each attention reason and level, and
    in each district, at `now`: one scan of the fleet in the database."""
    states = dict.fromkeys(fleet.STATES, 0)
    reasons = dict.fromkeys(REASON_LEVELS, 0)
    districts: dict[str, int] = {}
    total = 0
    for district, n, by_state, by_reason in store.fleet_counts(now, current_rule_set(store)):
        total += n
        key = district if district is not None else UNKNOWN_DISTRICT
        districts[key] = districts.get(key, 0) + n
        for k, v in by_state.items():
            states[k] += v
        for k, v in by_reason.items():
            reasons[k] += v
    return Overview(total, states, reasons, dict(sorted(districts.items())))
