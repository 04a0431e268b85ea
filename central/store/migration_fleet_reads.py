"""Migration 8 (the fleet's read side): kept in a module of its own so `migrations.py` stays
one reader's size; `migrations.MIGRATIONS` lists it like every other step."""

from __future__ import annotations


def to_postgres(statement: str) -> str:
    """As `migrations.to_postgres` (imported there from here would be a cycle)."""
    return statement.rstrip().removesuffix(" STRICT")


# The fleet's read side (DESIGN §13, central/fleet_reads.py). `stores`: what a terminal's `store`
# names (its name and district, for the console's filters), imported from a CSV file; a terminal
# of a store not listed still lists, with no district. The attention inputs of the latest report
# as columns of `terminal_health`, written at PUT time, so the overview counts each reason with
# one comparison in SQL instead of parsing 13,000 JSON reports: the reasons are still decided at
# read time, from the thresholds of central/fleet.py.
V8_FLEET_READS = (
    """CREATE TABLE stores (
    store_id TEXT PRIMARY KEY,
    name_th TEXT NOT NULL,
    name_en TEXT NOT NULL,
    district_th TEXT NOT NULL,
    district_en TEXT NOT NULL
) STRICT""",
    "CREATE INDEX stores_by_district ON stores(district_en)",
    "CREATE INDEX terminals_by_store ON terminals(store)",
    "ALTER TABLE terminal_health ADD COLUMN paper TEXT",
    "ALTER TABLE terminal_health ADD COLUMN queued INTEGER",
    "ALTER TABLE terminal_health ADD COLUMN queue_oldest_s INTEGER",
    "ALTER TABLE terminal_health ADD COLUMN clock_offset_s REAL",
    "ALTER TABLE terminal_health ADD COLUMN rule_set TEXT",
    "ALTER TABLE terminal_health ADD COLUMN staff_requested INTEGER NOT NULL DEFAULT 0",
    """UPDATE terminal_health SET
    paper = json_extract(report, '$.printer.paper'),
    queued = json_extract(report, '$.queue.queued'),
    queue_oldest_s = json_extract(report, '$.queue.oldest_age_s'),
    clock_offset_s = json_extract(report, '$.clock_offset_s'),
    rule_set = json_extract(report, '$.rule_set'),
    staff_requested = coalesce(json_extract(report, '$.staff.requested'), 0)""",
)


def pg_v8() -> tuple[str, ...]:
    # PostgreSQL reads JSON with its own operators; the rest is common SQL.
    update = """UPDATE terminal_health SET
    paper = report::jsonb -> 'printer' ->> 'paper',
    queued = (report::jsonb -> 'queue' ->> 'queued')::integer,
    queue_oldest_s = (report::jsonb -> 'queue' ->> 'oldest_age_s')::integer,
    clock_offset_s = (report::jsonb ->> 'clock_offset_s')::double precision,
    rule_set = report::jsonb ->> 'rule_set',
    staff_requested = CASE WHEN (report::jsonb -> 'staff' ->> 'requested') = 'true'
        THEN 1 ELSE 0 END"""
    # REAL is 4 bytes there: a clock offset is a double, as in SQLite.
    ddl = (to_postgres(s).replace(" REAL", " DOUBLE PRECISION") for s in V8_FLEET_READS[:-1])
    return (*ddl, update)
