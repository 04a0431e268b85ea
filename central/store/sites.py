"""Vaccination sites and their time slots: what can be booked, and the nearest alternatives."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from central.store.connection import Connections
from central.store.records import Site, Slot
from kiosk.dates import BANGKOK


class SitesStore(Connections):
    def is_empty(self) -> bool:
        return self._conn().execute("SELECT count(*) FROM sites").fetchone()[0] == 0

    def put_sites(self, sites: Sequence[Site], slots: Sequence[Slot], version: str) -> None:
        with self._write() as c:
            c.executemany(
                "INSERT INTO sites VALUES (?,?,?,?,?,?,?,?) ON CONFLICT(site_id) DO UPDATE SET "
                "name_th=excluded.name_th, name_en=excluded.name_en, "
                "address_th=excluded.address_th, address_en=excluded.address_en, "
                "district_th=excluded.district_th, district_en=excluded.district_en, "
                "position=excluded.position",
                [
                    (
                        s.site_id,
                        s.name_th,
                        s.name_en,
                        s.address_th,
                        s.address_en,
                        s.district_th,
                        s.district_en,
                        s.position,
                    )
                    for s in sites
                ],
            )
            c.executemany(
                'INSERT INTO slots(slot_id, site_id, date, start, "end", capacity, booked) '
                "VALUES (?,?,?,?,?,?,0) ON CONFLICT(slot_id) DO NOTHING",
                [(s.slot_id, s.site_id, s.date, s.start, s.end, s.capacity) for s in slots],
            )
            c.execute(
                "INSERT INTO meta(key, value) VALUES ('sites_version', ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (version,),
            )

    def sites(self) -> list[Site]:
        rows = self._conn().execute("SELECT * FROM sites ORDER BY position, site_id").fetchall()
        return [site_row(r) for r in rows]

    def site(self, site_id: str) -> Site | None:
        row = self._conn().execute("SELECT * FROM sites WHERE site_id = ?", (site_id,)).fetchone()
        return None if row is None else site_row(row)

    def slot(self, slot_id: str) -> Slot | None:
        row = self._conn().execute("SELECT * FROM slots WHERE slot_id = ?", (slot_id,)).fetchone()
        return None if row is None else slot_row(row)

    def slots(self, site_id: str, first: date, last: date) -> list[Slot]:
        rows = (
            self._conn()
            .execute(
                "SELECT * FROM slots WHERE site_id = ? AND date BETWEEN ? AND ? "
                "ORDER BY date, start",
                (site_id, first.isoformat(), last.isoformat()),
            )
            .fetchall()
        )
        return [slot_row(r) for r in rows]

    def alternatives(self, slot: Slot, now: datetime, limit: int = 3) -> list[dict[str, Any]]:
        """Open slots nearest in time to `slot`: first at the same site, then one per other site.

        A customer turned away from a full slot is shown a few choices at once instead of
        starting the search over; nearest in time comes first because people pick a time that
        fits their day.
        """
        local = now.astimezone(BANGKOK)
        today, hhmm = local.date().isoformat(), local.strftime("%H:%M")
        distance = (
            f"abs({self._days_between('s.date', ':date')} * 24 * 60 "
            "+ (cast(substr(s.start, 1, 2) AS INTEGER) * 60 "
            "+ cast(substr(s.start, 4, 2) AS INTEGER))"
            " - :minutes)"
        )
        hh, mm = slot.start.split(":")
        params = {
            "site": slot.site_id,
            "date": slot.date,
            "minutes": int(hh) * 60 + int(mm),
            "today": today,
            "hhmm": hhmm,
            "limit": limit,
        }
        future = "(s.date > :today OR (s.date = :today AND s.start > :hhmm))"
        same = (
            self._conn()
            .execute(
                f"SELECT s.*, {distance} AS dist FROM slots s "  # noqa: S608
                f"WHERE s.site_id = :site AND s.booked + s.held < s.capacity AND {future} "
                "ORDER BY dist, s.date, s.start LIMIT :limit",
                params,
            )
            .fetchall()
        )
        others = (
            self._conn()
            .execute(
                "SELECT * FROM (SELECT s.*, st.position AS pos, "  # noqa: S608
                f"{distance} AS dist, row_number() OVER (PARTITION BY s.site_id "
                f"ORDER BY {distance}, s.date, s.start) AS rn FROM slots s JOIN sites st "
                "ON st.site_id = s.site_id WHERE s.site_id != :site "
                "AND s.booked + s.held < s.capacity "
                f"AND {future}) AS ranked WHERE rn = 1 ORDER BY dist, pos LIMIT :limit",
                params,
            )
            .fetchall()
        )
        return [slot_row(r).to_json(now) for r in (*same, *others)]


def site_row(r: sqlite3.Row) -> Site:
    return Site(
        r["site_id"],
        r["name_th"],
        r["name_en"],
        r["address_th"],
        r["address_en"],
        r["district_th"],
        r["district_en"],
        r["position"],
    )


def slot_row(r: sqlite3.Row) -> Slot:
    return Slot(
        r["slot_id"],
        r["site_id"],
        r["date"],
        r["start"],
        r["end"],
        r["capacity"],
        r["booked"],
        r["held"],
    )
