"""`central.fleet_reads`: the console's terminals page and overview, on both stores.

The overview's every count must be the total of the terminals page with the matching filter
(the console links one to the other); pages must cover the fleet once in the asked order; a
terminal of an unlisted store still lists; a bad query is refused in Thai and English.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta

import pytest

from central import fleet
from central.fleet_reads import (
    REASON_LEVELS,
    SORTS,
    UNKNOWN_DISTRICT,
    BadFleetQuery,
    TerminalQuery,
    overview,
    terminals,
)
from central.store import PostgresStore, SqliteStore
from tests.central.fleet_fixtures import NOW, fresh_store, seed_fleet

N = 40


@pytest.fixture
def fleet_store(new_db: Callable[[], str | None]) -> Iterator[SqliteStore | PostgresStore]:
    with fresh_store(new_db()) as store:
        seed_fleet(store, N)
        yield store


def every_row(store, now, **filters):
    q = TerminalQuery(per_page=7, **filters)
    first = terminals(store, now, q)
    rows = list(first.rows)
    for page in range(2, first.pages + 1):
        rows += terminals(store, now, TerminalQuery(per_page=7, page=page, **filters)).rows
    assert len(rows) == first.total
    return rows


def test_overview_counts_are_the_filtered_lists_totals(fleet_store):
    for now in (NOW, NOW + timedelta(minutes=20)):
        ov = overview(fleet_store, now)
        assert ov.total == terminals(fleet_store, now).total == N
        assert sum(ov.states.values()) == N
        for state, count in ov.states.items():
            assert terminals(fleet_store, now, TerminalQuery(state=state)).total == count, state
        for (reason, level), count in ov.reasons.items():
            q = TerminalQuery(reason=f"{reason}:{level}")
            assert terminals(fleet_store, now, q).total == count, (reason, level)
        for district, count in ov.districts.items():
            assert terminals(fleet_store, now, TerminalQuery(district=district)).total == count
        assert sum(ov.districts.values()) == N
    # the fixture is mixed: every state, and every reason and level, occurs at NOW
    ov = overview(fleet_store, NOW)
    assert all(ov.states.values()), ov.states
    assert all(ov.reasons.values()), ov.reasons
    assert set(ov.reasons) == set(REASON_LEVELS)
    assert ov.districts == {"Bang Sue": 20, "Chatuchak": 10, UNKNOWN_DISTRICT: 10}


def test_a_reason_without_a_level_is_either_level(fleet_store):
    ov = overview(fleet_store, NOW)
    for reason in fleet.REASONS:
        levels = sum(n for (r, _), n in ov.reasons.items() if r == reason)
        assert terminals(fleet_store, NOW, TerminalQuery(reason=reason)).total == levels


def test_states_move_with_the_reading_instant_not_with_writes(fleet_store):
    # k-000 reported 30 s before NOW with a 60 s interval: online until +150 s, stale to 15 min
    def state_of(now):
        (row,) = terminals(fleet_store, now, TerminalQuery(store="s-chatuchak", per_page=1)).rows
        assert row.terminal_id == "k-000"
        return row.state

    assert state_of(NOW) == "online"
    assert state_of(NOW + timedelta(seconds=150)) == "online"
    assert state_of(NOW + timedelta(seconds=151)) == "stale"
    assert state_of(NOW + timedelta(seconds=870)) == "stale"
    assert state_of(NOW + timedelta(seconds=871)) == "offline"


def test_a_row_carries_what_the_console_shows(fleet_store):
    rows = {r.terminal_id: r for r in every_row(fleet_store, NOW)}
    assert "k-revoked" not in rows and "web-1" not in rows
    out = rows["k-001"]  # s-bangsue, printer out of paper, 30 s ago
    assert (out.store, out.district_en, out.district_th) == ("s-bangsue", "Bang Sue", "เขตบางซื่อ")
    assert out.store_name_en == "Bang Sue shop"
    assert (out.state, out.attention) == ("online", [("printer-out-of-paper", "fail")])
    assert (out.printer_state, out.paper, out.rule_set) == (
        "fail",
        "out",
        fleet_store.meta("rule_set"),
    )
    assert out.last_seen == NOW - timedelta(seconds=30)
    old = rows["k-005"]  # queue 4000 s old, reported an hour ago
    assert old.state == "offline"
    assert old.attention == [("offline", "fail"), ("queue-old", "fail")]
    assert (old.queued, old.oldest_age_s) == (9, 4000)
    never = rows["k-003"]  # s-unlisted, never reported
    assert never.state == "never-seen" and never.attention == [] and never.last_seen is None
    assert (never.district_th, never.district_en, never.store_name_en) == (None, None, None)
    assert never.to_json()["queue"] == {"queued": None, "oldest_age_s": None}
    unlisted = every_row(fleet_store, NOW, district=UNKNOWN_DISTRICT)
    assert {r.store for r in unlisted} == {"s-unlisted"} and len(unlisted) == 10
    thai = every_row(fleet_store, NOW, district="เขตบางซื่อ")
    assert {r.store for r in thai} == {"s-bangsue", "s-bangsue-2"}


@pytest.mark.parametrize("sort", SORTS)
@pytest.mark.parametrize("order", ["asc", "desc"])
def test_pages_cover_the_fleet_once_in_order(fleet_store, sort, order):
    rows = every_row(fleet_store, NOW, sort=sort, order=order)
    ids = [r.terminal_id for r in rows]
    assert sorted(ids) == sorted(f"k-{i:03d}" for i in range(N))
    rank = {"fail": 0, "warn": 1, None: 2}
    key = {
        "terminal_id": lambda r: (),
        "store": lambda r: (r.store,),
        "district": lambda r: (r.district_en is None, r.district_en or ""),
        "state": lambda r: (fleet.STATES.index(r.state),),
        "last_seen": lambda r: (r.last_seen is not None, r.last_seen and r.last_seen.timestamp()),
        "attention": lambda r: (rank[r.worst],),
    }[sort]
    keys = [(*key(r), r.terminal_id) for r in rows]
    assert keys == sorted(keys, reverse=order == "desc")
    if sort == "attention" and order == "asc":
        assert rows[0].worst == "fail" and rows[-1].worst is None


def test_the_last_page_and_beyond(fleet_store):
    page = terminals(fleet_store, NOW, TerminalQuery(per_page=15, page=3))
    assert (page.total, page.pages, len(page.rows)) == (N, 3, 10)
    past = terminals(fleet_store, NOW, TerminalQuery(per_page=15, page=4))
    assert (past.total, past.pages, past.rows) == (N, 3, [])
    none = terminals(fleet_store, NOW, TerminalQuery(store="no-such-store"))
    assert (none.total, none.pages, none.rows) == (0, 1, [])


@pytest.mark.parametrize(
    ("field", "value", "says"),
    [
        ("state", "asleep", "unknown state"),
        ("reason", "printer-on-fire", "unknown attention reason"),
        ("reason", "staff-requested:fail", "unknown attention reason"),
        ("sort", "colour", "cannot sort by"),
        ("order", "up", "order must be"),
        ("page", 0, "page must be"),
        ("per_page", 501, "per_page must be"),
        ("per_page", 0, "per_page must be"),
    ],
)
def test_a_bad_query_is_refused_in_both_languages(field, value, says):
    with pytest.raises(ValueError, match=says) as caught:
        TerminalQuery(**{field: value})
    err = caught.value
    assert isinstance(err, BadFleetQuery)
    assert err.status == 400 and err.code == "bad-fleet-query"
    assert says in err.en and err.th and err.th != err.en
