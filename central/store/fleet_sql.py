"""The fleet's states and attention reasons as SQL over the latest reports' columns (DESIGN §13).

`central.fleet` is the rule; this is the same rule written as SQL so that the console's
overview counts 13,000 terminals in one scan and its terminals page filters, sorts and pages in
the database, instead of parsing every JSON report in Python. The thresholds are read from
`central.fleet` (one source), passed as parameters; a property test holds the two equal on
random reports and instants (tests/central/test_fleet_reads_sql.py).

Instants are ISO 8601 text in one offset (Asia/Bangkok, whole seconds), so they compare as
text. The stored deadlines are whole seconds; `now` may not be: for a whole-second deadline D,
`now <= D` exactly when `ceil(now) <= D`, so `now` is rounded up to the second once, here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from central import fleet
from central.store.connection import Connections, iso

#: The columns of a terminal's row: everything the console shows of it.
_ROW = (
    "t.terminal_id, t.store, s.name_th, s.name_en, s.district_th, s.district_en, "
    "h.received_at, h.online_until, h.stale_until, h.report"
)
_FROM = (
    "FROM terminals t LEFT JOIN terminal_health h ON h.terminal_id = t.terminal_id "
    "LEFT JOIN stores s ON s.store_id = t.store "
    "WHERE t.token_hash IS NOT NULL AND t.channel = 'kiosk'"
)


def reading_instant(now: datetime) -> str:
    """`now` rounded up to the whole second, as stored instants are written."""
    up = now if now.microsecond == 0 else now + timedelta(microseconds=1_000_000 - now.microsecond)
    return iso(up)


@dataclass(frozen=True)
class Classifier:
    """The SQL of each state and each (reason, level) at one instant, with its parameters.
    Every expression is a condition on the row of `_FROM`; `?` are bound in order."""

    at: str
    current_rule_set: str | None

    def state(self, name: str) -> tuple[str, list[Any]]:
        if name == "never-seen":
            return "h.terminal_id IS NULL", []
        if name == "online":
            return "h.online_until >= ?", [self.at]
        if name == "stale":
            return "(h.online_until < ? AND h.stale_until >= ?)", [self.at, self.at]
        if name == "offline":
            return "h.stale_until < ?", [self.at]
        raise ValueError(name)

    def reason(self, name: str, level: str | None = None) -> tuple[str, list[Any]]:
        """The condition that the terminal has `name` at `level` (any level when None)."""
        if level is None:
            parts = [self.reason(n, lv) for n, lv in REASON_LEVELS if n == name]
            return "(" + " OR ".join(p[0] for p in parts) + ")", [x for p in parts for x in p[1]]
        queue_warn, queue_fail = fleet.QUEUE_WARN.total_seconds(), fleet.QUEUE_FAIL.total_seconds()
        skew_warn, skew_fail = fleet.SKEW_WARN.total_seconds(), fleet.SKEW_FAIL.total_seconds()
        match name, level:
            case "offline", "fail":
                return self.state("offline")
            case "printer-out-of-paper", "fail":
                return "h.paper = 'out'", []
            case "printer-paper-near-end", "warn":
                return "h.paper = 'near-end'", []
            case "queue-old", "fail":
                return "h.queue_oldest_s > ?", [queue_fail]
            case "queue-old", "warn":
                return "(h.queue_oldest_s > ? AND h.queue_oldest_s <= ?)", [queue_warn, queue_fail]
            case "clock-skew", "fail":
                return "abs(h.clock_offset_s) > ?", [skew_fail]
            case "clock-skew", "warn":
                return "(abs(h.clock_offset_s) > ? AND abs(h.clock_offset_s) <= ?)", [
                    skew_warn,
                    skew_fail,
                ]
            case "rule-set-not-current", "warn":
                if not self.current_rule_set:
                    return "1 = 0", []
                return "(h.terminal_id IS NOT NULL AND (h.rule_set IS NULL OR h.rule_set <> ?))", [
                    self.current_rule_set
                ]
            case "staff-requested", "warn":
                return "h.staff_requested = 1", []
        raise ValueError((name, level))

    def worst_rank(self) -> tuple[str, list[Any]]:
        """0 with a fail reason, 1 with only warnings, 2 with none (the attention sort)."""
        fails = [self.reason(n, lv) for n, lv in REASON_LEVELS if lv == "fail"]
        warns = [self.reason(n, lv) for n, lv in REASON_LEVELS if lv == "warn"]
        sql = (
            "CASE WHEN " + " OR ".join(f[0] for f in fails) + " THEN 0 WHEN "
            + " OR ".join(w[0] for w in warns) + " THEN 1 ELSE 2 END"
        )  # fmt: skip
        return sql, [x for p in fails + warns for x in p[1]]


#: Every (reason, level) an attention list can hold, in `central.fleet.attention`'s order.
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


@dataclass(frozen=True)
class FleetFilter:
    state: str | None = None
    reason: str | None = None
    level: str | None = None
    store: str | None = None
    #: A district's Thai or English name; `unlisted` selects terminals of stores not listed.
    district: str | None = None
    unlisted: bool = False


@dataclass(frozen=True)
class SqlRow:
    values: tuple[Any, ...]
    #: The (reason, level) pairs that hold, in REASON_LEVELS order.
    attention: list[tuple[str, str]]
    state: str


class FleetReadsStore(Connections):
    def _c_order(self) -> str:
        """Text sorts byte-wise on both stores (PostgreSQL's default collation is the
        cluster's locale, which would sort `k-10` and `K-1` otherwise than SQLite)."""
        return ' COLLATE "C"' if self.path.startswith(("postgresql://", "postgres://")) else ""

    def _where(self, k: Classifier, f: FleetFilter) -> tuple[str, list[Any]]:
        sql, params = [_FROM], []
        if f.state is not None:
            cond, p = k.state(f.state)
            sql.append(cond)
            params += p
        if f.reason is not None:
            cond, p = k.reason(f.reason, f.level)
            sql.append(cond)
            params += p
        if f.store is not None:
            sql.append("t.store = ?")
            params.append(f.store)
        if f.unlisted:
            sql.append("s.store_id IS NULL")
        elif f.district is not None:
            sql.append("(s.district_en = ? OR s.district_th = ?)")
            params += [f.district, f.district]
        return " AND ".join(sql), params

    def _order(self, k: Classifier, sort: str, order: str) -> tuple[str, list[Any]]:
        c, d = self._c_order(), " DESC" if order == "desc" else ""
        params: list[Any] = []
        if sort == "store":
            keys = [f"t.store{c}"]
        elif sort == "district":
            keys = ["(s.district_en IS NULL)", f"s.district_en{c}"]
        elif sort == "state":
            cases = []
            for i, name in enumerate(fleet.STATES):
                cond, p = k.state(name)
                cases.append(f"WHEN {cond} THEN {i}")
                params += p
            keys = ["CASE " + " ".join(cases) + " END"]
        elif sort == "last_seen":
            keys = ["(h.received_at IS NOT NULL)", "h.received_at"]
        elif sort == "attention":
            rank, params = k.worst_rank()
            keys = [rank]
        else:
            keys = []
        keys.append(f"t.terminal_id{c}")
        return " ORDER BY " + ", ".join(key + d for key in keys), params

    def _flags(self, k: Classifier) -> tuple[str, list[Any]]:
        """A 0/1 column per state and per (reason, level)."""
        parts = [k.state(s) for s in fleet.STATES] + [k.reason(n, lv) for n, lv in REASON_LEVELS]
        sql = ", ".join(f"CASE WHEN {cond} THEN 1 ELSE 0 END" for cond, _ in parts)
        return sql, [x for _, p in parts for x in p]

    def fleet_rows(
        self,
        now: datetime,
        current_rule_set: str | None,
        f: FleetFilter,
        *,
        sort: str = "terminal_id",
        order: str = "asc",
        limit: int = 50,
        offset: int = 0,
    ) -> tuple[list[SqlRow], int]:
        """One page of terminals matching `f` at `now`, and how many match in all."""
        k = Classifier(reading_instant(now), current_rule_set)
        flags, flag_params = self._flags(k)
        where, where_params = self._where(k, f)
        order_by, order_params = self._order(k, sort, order)
        conn = self._conn()
        total = conn.execute("SELECT count(*) " + where, where_params).fetchone()[0]
        if total == 0 or offset >= total:
            return [], int(total)
        rows = conn.execute(
            f"SELECT {_ROW}, {flags} {where}{order_by} LIMIT ? OFFSET ?",
            [*flag_params, *where_params, *order_params, limit, offset],
        )
        return [_sql_row(r) for r in rows], int(total)

    def fleet_counts(
        self, now: datetime, current_rule_set: str | None
    ) -> list[tuple[str | None, int, dict[str, int], dict[tuple[str, str], int]]]:
        """Per district (English name; None for stores not listed): terminals, per state and
        per (reason, level), at `now`. One scan of the fleet."""
        k = Classifier(reading_instant(now), current_rule_set)
        parts = [k.state(s) for s in fleet.STATES] + [k.reason(n, lv) for n, lv in REASON_LEVELS]
        sums = ", ".join(f"sum(CASE WHEN {cond} THEN 1 ELSE 0 END)" for cond, _ in parts)
        params = [x for _, p in parts for x in p]
        rows = self._conn().execute(
            f"SELECT s.district_en, count(*), {sums} {_FROM} GROUP BY s.district_en", params
        )
        out = []
        n_states = len(fleet.STATES)
        for r in rows:
            values = [int(r[i] or 0) for i in range(1, 2 + len(parts))]
            states = dict(zip(fleet.STATES, values[1 : 1 + n_states], strict=True))
            reasons = dict(zip(REASON_LEVELS, values[1 + n_states :], strict=True))
            out.append((r[0], values[0], states, reasons))
        return out


def _sql_row(r: Any) -> SqlRow:
    n_states = len(fleet.STATES)
    values = tuple(r[i] for i in range(10))
    flags = [r[i] for i in range(10, 10 + n_states + len(REASON_LEVELS))]
    (state,) = [s for s, on in zip(fleet.STATES, flags[:n_states], strict=True) if on]
    attention = [p for p, on in zip(REASON_LEVELS, flags[n_states:], strict=True) if on]
    return SqlRow(values, attention, state)
