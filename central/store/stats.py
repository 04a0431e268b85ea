"""The console's counts (DESIGN §13): sites' fill by day, bookings per hour by channel, leases.

Read-only aggregates over the booking tables, in SQL both databases take (no date functions:
instants are Bangkok ISO 8601 text, `connection.iso`, so an hour is `substr(created_at, 12, 2)`
and a day is a range of text). Each method reads once; the console turns the rows into pages
(central/console/stats.py). No personal data leaves these queries: no citizen key, name, phone
or card column is selected.

Which kiosk bookings were replayed from a terminal's queue: the bookings table has no column
for it, but two rows written in the booking's own transaction say so. A booking made from a
lease seat (`lease_seats.state = 'booked'` naming the booking) was confirmed offline and
replayed; a kiosk booking whose creation wrote an SMS outbox row of event `confirmed` or
`pending` was sealed in the journal and replayed (`notifications.creation_event`: an ordinary
online kiosk booking writes none). Demo data seeded with `announce=False` counts as online.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from central.store.connection import Connections, iso
from central.store.records import slot_key
from kiosk.dates import BANGKOK

#: The series of the bookings-per-hour chart, in the order they are stacked.
SERIES = ("kiosk-online", "kiosk-replayed", "web", "app")

#: The statements, named for bench/console_stats.py, which EXPLAINs them on PostgreSQL.
_FILL = (
    "SELECT site_id, date, count(*) AS slots, sum(capacity) AS capacity, "
    "sum(booked) AS booked, sum(held) AS held FROM slots WHERE date BETWEEN :first AND :last"
)
_BY_SITE_DAY = " GROUP BY site_id, date ORDER BY site_id, date"
FILL_SQL = _FILL + _BY_SITE_DAY
FILL_ONE_SQL = _FILL + " AND site_id = :site" + _BY_SITE_DAY
# Bookings per hour in two statements over one snapshot: every booking of the day by hour,
# channel and status (from `bookings_by_created` alone), and the day's kiosk bookings that were
# replayed, reached from the few rows that say so. One statement testing each booking for
# those rows took 5-10 times as long on 100,000 bookings of one day (bench/console_stats.py).
_MADE = "CASE WHEN b.status = 'cancelled' THEN 1 ELSE 0 END"
_OF_THE_DAY = "b.channel = 'kiosk' AND b.created_at >= :start AND b.created_at < :end"
HOURS_SQL = (
    "SELECT substr(b.created_at, 12, 2) AS hour, b.channel, "  # noqa: S608
    f"{_MADE} AS cancelled, count(*) AS n FROM bookings b "
    "WHERE b.created_at >= :start AND b.created_at < :end "
    "GROUP BY substr(b.created_at, 12, 2), b.channel, " + _MADE
)
REPLAYED_SQL = (
    "SELECT hour, cancelled, count(*) AS n FROM ("  # noqa: S608
    f"SELECT b.booking_id, substr(b.created_at, 12, 2) AS hour, {_MADE} AS cancelled "
    "FROM notifications n JOIN bookings b ON b.reference = n.reference "
    f"WHERE n.event IN ('confirmed', 'pending') AND {_OF_THE_DAY} "
    f"UNION SELECT b.booking_id, substr(b.created_at, 12, 2) AS hour, {_MADE} AS cancelled "
    "FROM lease_seats ls JOIN bookings b ON b.booking_id = ls.booking_id "
    f"WHERE ls.state = 'booked' AND {_OF_THE_DAY}) AS replayed GROUP BY hour, cancelled"
)
TERMINAL_LEASES_SQL = (
    "SELECT t.terminal_id, t.store, t.revoked_at, st.name_th, st.name_en, "
    "count(DISTINCT l.lease_id) AS leases, "
    "sum(CASE WHEN ls.state = 'held' THEN 1 ELSE 0 END) AS held, "
    "sum(CASE WHEN ls.state = 'spent' THEN 1 ELSE 0 END) AS spent, "
    "count(DISTINCT CASE WHEN l.use_until <= :now THEN l.lease_id END) AS expired, "
    "count(DISTINCT CASE WHEN l.use_until > :now AND l.use_until <= :soon "
    "THEN l.lease_id END) AS expiring, "
    "min(l.use_until) AS next_until "
    "FROM lease_seats ls JOIN slots s ON s.slot_id = ls.slot_id "
    "JOIN leases l ON l.lease_id = ls.lease_id "
    "JOIN terminals t ON t.terminal_id = ls.terminal_id "
    "LEFT JOIN stores st ON st.store_id = t.store "
    "WHERE ls.state IN ('held', 'spent') AND s.date || 'T' || s.start > :started_by "
    "GROUP BY t.terminal_id, t.store, t.revoked_at, st.name_th, st.name_en "
    "ORDER BY t.terminal_id"
)
SITE_LEASES_SQL = (
    "SELECT site_id, count(*) AS slots, sum(capacity) AS capacity, "
    "sum(held) AS held, max(CAST(held AS REAL) / capacity) AS max_share "
    "FROM slots WHERE held > 0 AND capacity > 0 AND date || 'T' || start > :started_by "
    "GROUP BY site_id ORDER BY site_id"
)


@dataclass(frozen=True)
class SiteDay:
    """One site's slots on one day, summed."""

    site_id: str
    date: str
    slots: int
    capacity: int
    booked: int
    held: int


@dataclass(frozen=True)
class HourCount:
    """Bookings made in one Bangkok hour of a day: `series` is one of SERIES (or a channel
    the central does not know, by its own name); `cancelled` whether they are cancelled now."""

    hour: int
    series: str
    cancelled: bool
    count: int


@dataclass(frozen=True)
class TerminalLeases:
    """What one terminal holds now: seats of its leases counting in `slots.held`."""

    terminal_id: str
    store: str
    revoked_at: str | None
    leases: int
    held: int
    spent: int
    #: Leases whose `use_until` has passed: their held seats go back at the next refresh.
    expired: int
    #: Leases whose `use_until` comes within the next hour.
    expiring: int
    #: The earliest `use_until` among them (Bangkok ISO 8601).
    next_until: str
    #: The store's name from `kiosk-central stores import`, if it was imported.
    store_name_th: str | None = None
    store_name_en: str | None = None


@dataclass(frozen=True)
class SiteLeases:
    """Held seats per site, over the slots not yet started that hold any."""

    site_id: str
    slots: int
    capacity: int
    held: int
    #: The largest share of one slot's capacity held (the policy caps it at 10 %).
    max_slot_share: float


def day_bounds(day: date) -> tuple[str, str]:
    """The instants [start, end) of a Bangkok day as the text `created_at` is stored as."""
    start = datetime(day.year, day.month, day.day, tzinfo=BANGKOK)
    return iso(start), iso(start + timedelta(days=1))


class StatsStore(Connections):
    def fill_by_day(self, first: date, last: date, site_id: str | None = None) -> list[SiteDay]:
        """Capacity, booked and held per site and day from `first` to `last` (inclusive)."""
        params = {"first": first.isoformat(), "last": last.isoformat(), "site": site_id}
        sql = FILL_SQL if site_id is None else FILL_ONE_SQL
        rows = self._conn().execute(sql, params).fetchall()
        return [
            SiteDay(
                r["site_id"],
                r["date"],
                int(r["slots"]),
                int(r["capacity"]),
                int(r["booked"]),
                int(r["held"]),
            )
            for r in rows
        ]

    def bookings_by_hour(self, day: date) -> list[HourCount]:
        """Bookings the central received on the Bangkok `day`, per hour and series."""
        params = dict(zip(("start", "end"), day_bounds(day), strict=True))
        with self._snapshot() as c:
            made = c.execute(HOURS_SQL, params).fetchall()
            replayed = {
                (int(r["hour"]), bool(r["cancelled"])): int(r["n"])
                for r in c.execute(REPLAYED_SQL, params).fetchall()
            }
        out = []
        for r in made:
            hour, cancelled, n = int(r["hour"]), bool(r["cancelled"]), int(r["n"])
            if r["channel"] != "kiosk":
                out.append(HourCount(hour, r["channel"], cancelled, n))
                continue
            again = replayed.get((hour, cancelled), 0)
            for series, count in (("kiosk-online", n - again), ("kiosk-replayed", again)):
                if count:
                    out.append(HourCount(hour, series, cancelled, count))
        return out

    def terminal_leases(self, now: datetime) -> list[TerminalLeases]:
        """Every terminal holding lease seats that count now (held or spent, slot not started),
        revoked ones included."""
        rows = (
            self._conn()
            .execute(
                TERMINAL_LEASES_SQL,
                {
                    "now": iso(now),
                    "soon": iso(now + timedelta(hours=1)),
                    "started_by": slot_key(now),
                },
            )
            .fetchall()
        )
        return [
            TerminalLeases(
                r["terminal_id"],
                r["store"],
                r["revoked_at"],
                int(r["leases"]),
                int(r["held"]),
                int(r["spent"]),
                int(r["expired"]),
                int(r["expiring"]),
                r["next_until"],
                r["name_th"],
                r["name_en"],
            )
            for r in rows
        ]

    def site_leases(self, now: datetime) -> list[SiteLeases]:
        """Held seats per site over its slots not yet started that hold any (`slots.held`)."""
        rows = (
            self._conn()
            .execute(
                SITE_LEASES_SQL,
                {"started_by": slot_key(now)},
            )
            .fetchall()
        )
        return [
            SiteLeases(
                r["site_id"],
                int(r["slots"]),
                int(r["capacity"]),
                int(r["held"]),
                float(r["max_share"]),
            )
            for r in rows
        ]
