"""A journal written by the schema-3 kiosk itself (its sync/journal.py from git history), for the
migration-4 tests: the old code in its own process, with the masked CID and HMAC key it kept."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
#: The last commit of journal schema 3 (main before issue 16).
SCHEMA_3 = "023510e"


def write_schema_3_journal(tmp: Path, path: Path, rows: list[dict[str, Any]]) -> None:
    """Each row: booking_id, masked_cid, cid_key, sealed, and `then`: None (queued), "sending",
    "confirmed", "conflict" (not seen) or "rejected-seen"; written by the schema-3 code."""
    old = subprocess.run(
        ["git", "-C", str(ROOT), "show", f"{SCHEMA_3}:sync/journal.py"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "masked_cid TEXT NOT NULL" in old and "journal_privacy" not in old
    (tmp / "journal_v3.py").write_text(old)
    (tmp / "rows.json").write_text(json.dumps(rows))
    script = textwrap.dedent(
        f"""
        import json, sys
        sys.path[:0] = [{str(tmp)!r}, {str(ROOT)!r}]
        from datetime import UTC, datetime
        from types import SimpleNamespace
        from journal_v3 import MIGRATIONS, SqliteJournal
        assert len(MIGRATIONS) == 3
        j = SqliteJournal({str(path)!r})
        for r in json.load(open({str(tmp / "rows.json")!r})):
            b = r["booking_id"]
            j.add(SimpleNamespace(booking_id=b, finalized_at=datetime.now(UTC),
                  site_id=r.get("site_id", "s1"), slot_id=r.get("slot_id", "s1-0900"),
                  slot_date="2021-06-01", slot_start="09:00", slot_end="10:00",
                  masked_cid=r["masked_cid"], cid_key=r["cid_key"], sealed=r["sealed"],
                  slip={{"site": {{"id": "s1"}}}}))
            then = r.get("then")
            if then:
                j.claim(b, 30)
            if then == "confirmed":
                j.confirm(b, "TRJ-OLD0-" + b[-4:], "confirmed")
            elif then == "conflict":
                j.settle(b, "conflict", "already-booked", "x", {{"reference": "R"}})
            elif then == "rejected-seen":
                j.settle(b, "rejected", "slot-full", "x", {{}}, seen=True)
        assert j.db.conn.execute("PRAGMA user_version").fetchone()[0] == 3
        j.close()
        """
    )
    subprocess.run([sys.executable, "-c", script], check=True)
