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

import json
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


#: The health_row columns a batch sends, by field name.
_FIELDS = {"at": 1, "online": 2, "stale": 3, "report": 4, "paper": 6, "queued": 7,
           "oldest": 8, "clock": 9, "rule_set": 10, "staff": 11}  # fmt: skip
# The same rule as `_PUT`, for many reports at once, sent as ONE JSON parameter (serialised
# and parsed in C at both ends: psycopg's array dumpers escape each element in Python, which
# the profile showed costing more than the statement); `n` numbers them from 1, and the answer
# is (n, terminal id) for each report whose token is live.
_BATCH = (
    "WITH r AS (SELECT * FROM json_to_recordset(%s::json) AS r(hash text, at text, "
    "online text, stale text, report text, paper text, queued integer, oldest integer, "
    "clock double precision, rule_set text, staff integer, due text, n integer)), "
    # LATERAL ... LIMIT 1 (the keys are unique): one index lookup per report. The planner
    # guesses 100 rows for a recordset and, with the subquery pulled up, hash-joins against
    # all 13,000 terminals instead (EXPLAIN: 46 ms a batch); LIMIT keeps it a nested loop.
    "t AS (SELECT r.*, k.terminal_id FROM r CROSS JOIN LATERAL (SELECT terminal_id "
    "FROM terminals WHERE token_hash = r.hash LIMIT 1) k), "
    "old AS (SELECT t.terminal_id, h.report, h.history_at FROM t CROSS JOIN LATERAL "
    "(SELECT report, history_at FROM terminal_health WHERE terminal_id = t.terminal_id "
    "LIMIT 1) h), "
    "up AS (INSERT INTO terminal_health(terminal_id, received_at, online_until, stale_until, "
    "report, history_at, paper, queued, queue_oldest_s, clock_offset_s, rule_set, "
    "staff_requested) "
    "SELECT terminal_id, at, online, stale, report, at, paper, queued, oldest, clock, "
    "rule_set, staff FROM t "
    "ON CONFLICT (terminal_id) DO UPDATE SET received_at = excluded.received_at, "
    "online_until = excluded.online_until, stale_until = excluded.stale_until, "
    "report = excluded.report, paper = excluded.paper, queued = excluded.queued, "
    "queue_oldest_s = excluded.queue_oldest_s, clock_offset_s = excluded.clock_offset_s, "
    "rule_set = excluded.rule_set, staff_requested = excluded.staff_requested, "
    "history_at = CASE WHEN terminal_health.report <> excluded.report "
    "OR terminal_health.history_at <= (SELECT t.due FROM t "
    "WHERE t.terminal_id = excluded.terminal_id) THEN excluded.history_at "
    "ELSE terminal_health.history_at END RETURNING 1), "
    "kept AS (INSERT INTO terminal_health_history(terminal_id, received_at, report) "
    "SELECT t.terminal_id, t.at, t.report FROM t WHERE NOT EXISTS (SELECT 1 FROM old "
    "WHERE old.terminal_id = t.terminal_id AND old.report = t.report "
    "AND old.history_at > t.due)) "
    "SELECT t.n, t.terminal_id FROM t"
)


def _runs(
    reports: Sequence[tuple[str, Mapping[str, Any], datetime]],
) -> list[list[tuple[str, Mapping[str, Any], datetime]]]:
    """`reports` cut, in order, into runs in which no token repeats."""
    runs: list[list[tuple[str, Mapping[str, Any], datetime]]] = [[]]
    seen: set[str] = set()
    for item in reports:
        if item[0] in seen:
            runs.append([])
            seen = set()
        runs[-1].append(item)
        seen.add(item[0])
    return [run for run in runs if run]


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
        """Every report of a batch in ONE statement (`_BATCH`: one JSON parameter), so one
        round trip, one statement and one commit for all. A terminal twice in one batch (its
        token twice) cannot be upserted twice by one statement: such a batch goes as runs
        without repeats, in order, in one transaction."""
        out: list[str | None] = []
        with self._connection() as conn, conn.transaction():  # type: ignore[attr-defined]
            for run in _runs(reports):
                batch = []
                for n, (token, report, now) in enumerate(run, start=1):
                    row = health_row("", report, now)
                    item = {k: row[i] for k, i in _FIELDS.items()}
                    item.update(hash=hash_secret(token), due=iso(now - HISTORY_EVERY), n=n)
                    batch.append(item)
                payload = json.dumps(batch, ensure_ascii=False, separators=(",", ":"))
                found = dict(conn.execute(_BATCH, (payload,)).fetchall())
                out += [found.get(n) for n in range(1, len(run) + 1)]
            latest = max(now for _, _, now in reports)
            if self._prune_due(latest):  # type: ignore[attr-defined]
                conn.execute(
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
