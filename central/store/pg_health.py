"""A health report on PostgreSQL in one statement: the token check, the latest report, and the
history row when one is kept, in one round trip and one (autocommit) transaction.

13,000 terminals report every 60 s (217/s, DESIGN §9: under 20 % of one core, the API and the
database together). The general path (health.py) is a transaction of four round trips after a
token check of its own, where each round trip costs the server process and a backend their
share of CPU; here the statement's CTEs do it all. `old` reads the terminal's previous report in
the statement's snapshot, before `up` replaces it, so the history keeps a report on exactly the
rule of health.py: new, different from the latest, or `HISTORY_EVERY` after the last one kept.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from central.store.connection import Connections, hash_secret, iso
from central.store.health import HISTORY_EVERY, HISTORY_KEPT, health_row

# `t` names the terminal: by its token's hash or by its id (the parameter `who`, `{who}`).
_PUT = (
    "WITH t AS ({who}), "
    "old AS (SELECT h.report, h.history_at FROM terminal_health h "
    "JOIN t ON h.terminal_id = t.terminal_id), "
    "up AS (INSERT INTO terminal_health(terminal_id, received_at, online_until, stale_until, "
    "report, history_at, paper, queued, queue_oldest_s, clock_offset_s, rule_set, "
    "staff_requested) "
    "SELECT t.terminal_id, %(at)s, %(online)s, %(stale)s, %(report)s, %(at)s, %(paper)s, "
    "%(queued)s::integer, %(oldest)s::integer, %(offset)s::double precision, %(rule_set)s, "
    "%(staff)s::integer FROM t "
    "ON CONFLICT (terminal_id) DO UPDATE SET received_at = excluded.received_at, "
    "online_until = excluded.online_until, stale_until = excluded.stale_until, "
    "report = excluded.report, paper = excluded.paper, queued = excluded.queued, "
    "queue_oldest_s = excluded.queue_oldest_s, clock_offset_s = excluded.clock_offset_s, "
    "rule_set = excluded.rule_set, staff_requested = excluded.staff_requested, "
    "history_at = CASE WHEN terminal_health.report <> excluded.report "
    "OR terminal_health.history_at <= %(due)s THEN excluded.history_at "
    "ELSE terminal_health.history_at END RETURNING terminal_id), "
    "kept AS (INSERT INTO terminal_health_history(terminal_id, received_at, report) "
    "SELECT up.terminal_id, %(at)s, %(report)s FROM up WHERE NOT EXISTS "
    "(SELECT 1 FROM old WHERE old.report = %(report)s AND old.history_at > %(due)s)) "
    "SELECT terminal_id FROM up"
)
_BY_TOKEN = _PUT.replace("{who}", "SELECT terminal_id FROM terminals WHERE token_hash = %(who)s")
_BY_ID = _PUT.replace("{who}", "SELECT %(who)s::text AS terminal_id")


class PgHealthWrites(Connections):
    def put_health(self, terminal_id: str, report: Mapping[str, Any], now: datetime) -> None:
        self._put_one(_BY_ID, terminal_id, terminal_id, report, now)

    def put_health_for_token(
        self, token: str, report: Mapping[str, Any], now: datetime
    ) -> str | None:
        return self._put_one(_BY_TOKEN, hash_secret(token), "", report, now)

    def put_health_batch(
        self, reports: Sequence[tuple[str, Mapping[str, Any], datetime]]
    ) -> list[str | None]:
        """The one statement for each report, pipelined in one transaction: one round trip
        and one commit (one WAL flush) for a whole batch."""
        if not reports:
            return []
        params = [_params(hash_secret(t), health_row("", r, now), now) for t, r, now in reports]
        out: list[str | None] = []
        with self._connection() as conn, conn.transaction():  # type: ignore[attr-defined]
            cur = conn.cursor()
            cur.executemany(_BY_TOKEN, params, returning=True)
            while True:
                found = cur.fetchone()
                out.append(None if found is None else found[0])
                if not cur.nextset():
                    break
            latest = max(now for _, _, now in reports)
            if self._prune_due(latest):  # type: ignore[attr-defined]
                cur.execute(
                    "DELETE FROM terminal_health_history WHERE received_at < %s",
                    (iso(latest - HISTORY_KEPT),),
                )
        return out

    def _put_one(
        self, sql: str, who: str, terminal_id: str, report: Mapping[str, Any], now: datetime
    ) -> str | None:
        params = _params(who, health_row(terminal_id, report, now), now)
        with self._connection() as conn:  # type: ignore[attr-defined]
            found = conn.execute(sql, params).fetchone()
            if self._prune_due(now):  # type: ignore[attr-defined]
                conn.execute(
                    "DELETE FROM terminal_health_history WHERE received_at < %s",
                    (iso(now - HISTORY_KEPT),),
                )
        return None if found is None else found[0]


def _params(who: str, row: tuple[Any, ...], now: datetime) -> dict[str, Any]:
    return {
        "who": who,
        "at": row[1],
        "online": row[2],
        "stale": row[3],
        "report": row[4],
        "paper": row[6],
        "queued": row[7],
        "oldest": row[8],
        "offset": row[9],
        "rule_set": row[10],
        "staff": row[11],
        "due": iso(now - HISTORY_EVERY),
    }
