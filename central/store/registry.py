"""The social security / programme registry the central re-checks eligibility against."""

from __future__ import annotations

from central.store.connection import Connections


class RegistryStore(Connections):
    def registered(self, citizen_key: str) -> bool:
        row = (
            self._conn()
            .execute("SELECT 1 FROM registry WHERE citizen_key = ?", (citizen_key,))
            .fetchone()
        )
        return row is not None

    def put_registry(self, citizen_key: str, programme: str) -> None:
        with self._write() as c:
            c.execute(
                "INSERT INTO registry VALUES (?, ?) ON CONFLICT(citizen_key) DO UPDATE SET "
                "programme = excluded.programme",
                (citizen_key, programme),
            )
