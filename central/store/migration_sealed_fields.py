"""Migration 10: the personal data written in clear before sealing at rest, sealed in place.

Rows of `bookings` (card_json, phone, answers_json: the declared health conditions) and of
`notifications` (phone, while a row still has one) whose value lacks the sealed prefix are
sealed under the central's booking-sealing key (central/sealed_fields.py), in batches, inside
the migration's own transaction: a crash leaves the database at version 9 with every row clear,
or at 10 with every row sealed. A row already sealed is left alone, so running it over a
half-converted copy is harmless.

SQLite keeps the bytes of an overwritten row in free pages and in its WAL until they are reused:
`PRAGMA secure_delete` (set on the connection before the migration) zeroes the freed content,
and the store checkpoints the WAL (TRUNCATE) once the migration has committed.
"""

from __future__ import annotations

from typing import Any

from central.errors import StoreError
from central.sealed_fields import PREFIX, FieldSealer

BATCH = 500


def _clear_rows(conn: Any, p: str, sql: str, after: Any) -> list[Any]:
    """The next batch after `after` (`substr` is the same on both backends)."""
    return list(conn.execute(sql.format(p=p, prefix=f"'{PREFIX}'"), (after, BATCH)).fetchall())


def seal_clear_rows(conn: Any, sealer: FieldSealer | None, placeholder: str) -> int:
    """Seal every clear personal value; how many rows changed. `placeholder`: `?` (SQLite)
    or `%s` (psycopg). Refuses (StoreError) when there are clear rows and no key."""
    p = placeholder
    changed = 0
    after: Any = ""
    while True:
        rows = _clear_rows(
            conn,
            p,
            "SELECT booking_id, card_json, phone, answers_json FROM bookings "
            "WHERE booking_id > {p} AND NOT (substr(card_json, 1, 3) = {prefix} "
            "AND substr(phone, 1, 3) = {prefix} AND substr(answers_json, 1, 3) = {prefix}) "
            "ORDER BY booking_id LIMIT {p}",
            after,
        )
        if not rows:
            break
        sealer = _needed(sealer)
        for booking_id, card_json, phone, answers_json in rows:
            conn.execute(
                f"UPDATE bookings SET card_json = {p}, phone = {p}, answers_json = {p} "  # noqa: S608
                f"WHERE booking_id = {p}",
                (
                    _sealed(sealer, booking_id, card_json),
                    _sealed(sealer, booking_id, phone),
                    _sealed(sealer, booking_id, answers_json),
                    booking_id,
                ),
            )
        changed += len(rows)
        after = rows[-1][0]
    after = -1
    while True:
        rows = _clear_rows(
            conn,
            p,
            "SELECT id, event_id, phone FROM notifications WHERE id > {p} AND phone != '' "
            "AND substr(phone, 1, 3) != {prefix} ORDER BY id LIMIT {p}",
            after,
        )
        if not rows:
            break
        sealer = _needed(sealer)
        for row_id, event_id, phone in rows:
            conn.execute(
                f"UPDATE notifications SET phone = {p} WHERE id = {p}",  # noqa: S608
                (sealer.seal(event_id, phone), row_id),
            )
        changed += len(rows)
        after = rows[-1][0]
    return changed


def _sealed(sealer: FieldSealer, row_id: str, value: str) -> str:
    return value if value.startswith(PREFIX) else sealer.seal(row_id, value)


def _needed(sealer: FieldSealer | None) -> FieldSealer:
    if sealer is None:
        raise StoreError(
            "the database holds personal data in clear and this store was opened without the "
            "central's booking-sealing key: open it as the central does (--keys-dir DIR)",
            th="ฐานข้อมูลมีข้อมูลส่วนบุคคลที่ยังไม่เข้ารหัส แต่เปิดโดยไม่มีกุญแจเข้ารหัสของเครื่องกลาง "
            "กรุณาระบุ --keys-dir",
        )
    return sealer
