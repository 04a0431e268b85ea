"""Stores: what a terminal's `store` names, with its name and district (DESIGN §13).

A terminal is enrolled for a store id (`terminals.store`); this table says which shop that is
and in which district, so the console can filter and count the fleet per district. It is
imported from a CSV file (`kiosk-central stores import`), all rows in one transaction: a file
with one bad row changes nothing. A terminal whose store is not listed here still lists, with
no district: the fleet must never hide a terminal because its paperwork is late.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass

from central.store.connection import Connections


@dataclass(frozen=True)
class StoreInfo:
    store_id: str
    name_th: str
    name_en: str
    district_th: str
    district_en: str

    def to_json(self) -> dict[str, str]:
        return asdict(self)


class StoresStore(Connections):
    def put_stores(self, stores: Sequence[StoreInfo]) -> int:
        """Add or replace these stores (by id), all or none; how many were written."""
        with self._write() as c:
            c.executemany(
                "INSERT INTO stores(store_id, name_th, name_en, district_th, district_en) "
                "VALUES (?,?,?,?,?) ON CONFLICT(store_id) DO UPDATE SET "
                "name_th = excluded.name_th, name_en = excluded.name_en, "
                "district_th = excluded.district_th, district_en = excluded.district_en",
                [(s.store_id, s.name_th, s.name_en, s.district_th, s.district_en) for s in stores],
            )
        return len(stores)

    def stores(self) -> list[StoreInfo]:
        """Every store, by id."""
        rows = self._conn().execute(
            "SELECT store_id, name_th, name_en, district_th, district_en FROM stores "
            "ORDER BY store_id"
        )
        return [StoreInfo(*(r[i] for i in range(5))) for r in rows]
