"""Migration 8 (stores, the attention columns) on a database that already holds health reports:
the columns are filled from each stored report, on both stores."""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest

from central.store import PostgresStore, SqliteStore, migrations
from central.store.connection import iso
from tests.central.fleet_fixtures import NOW, report

BEFORE = 5


def test_reports_stored_before_migration_8_get_their_attention_columns(
    new_db: Callable[[], str | None], monkeypatch: pytest.MonkeyPatch
):
    url = new_db()
    with tempfile.TemporaryDirectory() as tmp:
        if url is not None:  # the template is migrated already: start from an empty database
            store = PostgresStore(url)
            with store._write() as c:
                c.execute("DROP SCHEMA public CASCADE")
                c.execute("CREATE SCHEMA public")
            store.close()
        target = url or str(Path(tmp) / "c.db")
        opener = PostgresStore if url is not None else SqliteStore
        with monkeypatch.context() as m:
            m.setattr(migrations, "MIGRATIONS", migrations.MIGRATIONS[:BEFORE])
            m.setattr(migrations, "LATEST", BEFORE)
            old = opener(target)
            assert old.schema_version == BEFORE
            old.issue_token("k-1", "s-1", "kiosk", NOW)
            old.issue_token("k-2", "s-1", "kiosk", NOW)
            one = report(
                printer={"state": "fail", "paper": "out"},
                queue={"queued": 4, "sending": 0, "oldest_age_s": 1200},
                clock_offset_s=-75.5,
                rule_set="bkk-older",
                staff={"requested": True, "paused": False},
            )
            two = report(rule_set=None, clock_offset_s=None)
            with old._write() as c:  # what migration 5's put_health wrote: no columns
                for tid, r in (("k-1", one), ("k-2", two)):
                    c.execute(
                        "INSERT INTO terminal_health(terminal_id, received_at, online_until, "
                        "stale_until, report, history_at) VALUES (?,?,?,?,?,?)",
                        (tid, iso(NOW), iso(NOW), iso(NOW), json.dumps(r), iso(NOW)),
                    )
            old.close()
        store = opener(target)
        try:
            assert store.schema_version == migrations.LATEST
            rows = {
                r[0]: tuple(r[i] for i in range(1, 7))
                for r in store._conn().execute(
                    "SELECT terminal_id, paper, queued, queue_oldest_s, clock_offset_s, "
                    "rule_set, staff_requested FROM terminal_health"
                )
            }
            assert rows == {
                "k-1": ("out", 4, 1200, -75.5, "bkk-older", 1),
                "k-2": ("ok", 0, None, None, None, 0),
            }
            assert store.stores() == []
        finally:
            store.close()
