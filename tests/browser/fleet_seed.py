"""A fleet for the console's pages to show: terminals of many stores in every state and with
every attention reason, one terminal with 7 days of history (for its chart), and a store whose
name is HTML (it must show as text).

Reports go straight into the store (as the API keeps them, `ConsoleCentral.seed`), at instants
before the central's clock, so the states come out of the same read-time rule the console uses.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta

from kiosk.dates import BANGKOK
from tests.browser.served_console import ConsoleCentral

#: a store name a terminal was enrolled with, full of markup (it must be shown, not run)
HTML_STORE = '<img src=x onerror="window.__pwned=1"><b>ร้าน</b> & <script>window.__pwned=2</script>'

STORES = (
    "7-Eleven สาขาบางซื่อ",
    "7-Eleven สาขาลาดพร้าว 71",
    "Lotus's สาขาบางกะปิ",
    "Big C สาขาพระราม 4",
    "Tops สาขาสีลม",
    "FamilyMart สาขาอโศก",
)


@dataclass(frozen=True)
class Fleet:
    """What was seeded: terminal ids by what they should show."""

    online: tuple[str, ...]
    stale: tuple[str, ...]
    offline: tuple[str, ...]
    never_seen: tuple[str, ...]
    paper_out: str
    queue_old: str
    clock_skew: str
    staff: str
    old_rules: str
    html_store: str
    charted: str
    #: the charted terminal's reports, oldest first: (quarter hours before now, queued)
    history: tuple[tuple[int, int], ...]


def seed_fleet(console: ConsoleCentral) -> Fleet:
    now = console.now
    ids = [f"T-{n:04d}" for n in range(1, 25)]
    for i, terminal in enumerate(ids):
        console.enrol(terminal, STORES[i % len(STORES)])
    online, stale, offline, never = ids[:12], ids[12:16], ids[16:20], ids[20:22]
    with console.at(now - timedelta(seconds=30)):
        for terminal in online:
            console.seed(terminal)
    with console.at(now - timedelta(minutes=5)):
        for terminal in stale:
            console.seed(terminal)
    with console.at(now - timedelta(hours=3)):
        for terminal in offline:
            console.seed(terminal)
    reasons = {
        "paper_out": ids[1],
        "queue_old": ids[2],
        "clock_skew": ids[3],
        "staff": ids[4],
        "old_rules": ids[5],
    }
    with console.at(now - timedelta(seconds=20)):
        console.seed(reasons["paper_out"], printer={"state": "ok", "paper": "out"})
        console.seed(reasons["queue_old"], queue={"queued": 4, "sending": 1, "oldest_age_s": 4000})
        console.seed(reasons["clock_skew"], clock_offset_s=400.0)
        console.seed(reasons["staff"], staff={"requested": True, "paused": False})
        console.seed(reasons["old_rules"], rule_set="bkk-thairuamjai-2021-05-01")
    html_terminal = ids[22]
    console.enrol(html_terminal, HTML_STORE)
    with console.at(now - timedelta(seconds=10)):
        console.seed(html_terminal)
    charted = ids[23]
    console.enrol(charted, STORES[0])
    history = []
    # a report every 15 minutes (what the history keeps of a terminal reporting every 60 s)
    # for 7 days, silent for 6 hours on day 3; the queue rises and falls with the hour
    for quarter in range(7 * 24 * 4 - 1, -1, -1):
        if 3 * 96 <= quarter < 3 * 96 + 24:
            continue
        queued = max(0, 3 - abs((quarter // 4) % 24 - 12) // 3)
        with console.at(now - timedelta(minutes=15 * quarter)):
            console.seed(charted, queue={"queued": queued, "sending": 0,
                                         "oldest_age_s": 60 * queued or None})  # fmt: skip
        history.append((quarter, queued))
    return Fleet(
        online=tuple(online), stale=tuple(stale), offline=tuple(offline),
        never_seen=tuple(never), html_store=html_terminal, charted=charted,
        history=tuple(history), **reasons,
    )  # fmt: skip


SITES = ("scg-bang-sue", "central-lardprao", "mall-bangkapi")


@dataclass(frozen=True)
class Bookings:
    """What was booked: per (Bangkok hour, channel) the count, and every citizen ID used (none
    may appear on a console page)."""

    per_hour: dict[tuple[int, str], int]
    #: bookings per site, all for tomorrow
    per_site: dict[str, int]
    cids: tuple[str, ...]
    phones: tuple[str, ...]


def seed_bookings(console: ConsoleCentral, count: int = 30) -> Bookings:
    """`count` bookings through the real API, made between 09:00 and 15:00 today (the clock
    moved to each instant and back), alternately from a kiosk and the web front end, for
    tomorrow's slots; then kiosk-1 takes its seat leases."""
    from tests.central.conftest import booking_body, citizen, refresh_leases

    start = console.now.replace(hour=9, minute=5, second=0, microsecond=0)
    cids, phones = [], []
    for n in range(count):
        at = start + timedelta(minutes=(6 * 60 - 10) * n // count)
        channel, terminal = ("kiosk", "kiosk-1") if n % 3 else ("web", "web-1")
        person = citizen(50_000 + n)
        phone = f"08{n:08d}"
        with console.at(at):
            slot = console.running.slot_id(SITES[n % 3], days=1, hour=9 + n % 6)
            body = booking_body(person, slot, channel=channel, confirmed_at=at, phone=phone)
            r = console.running.book(body, terminal=terminal)
            assert r.status_code == 201, r.text
        cids.append(person.card["cid"])
        phones.append(phone)
    r = refresh_leases(console.running, "kiosk-1")
    assert r.status_code == 200, r.text
    return Bookings(*direct_counts(console, count), tuple(cids), tuple(phones))


def direct_counts(
    console: ConsoleCentral, seeded: int
) -> tuple[dict[tuple[int, str], int], dict[str, int]]:
    """Confirmed bookings per (Bangkok hour made, channel) today and per site tomorrow,
    counted in SQL straight from the database file (the demo data's booking included), not
    through the console's own reads."""
    tomorrow = (console.now + timedelta(days=1)).strftime("%Y%m%d")
    with sqlite3.connect(console.db) as db:
        rows = db.execute(
            "SELECT slot_id, channel, created_at FROM bookings WHERE status = 'confirmed'"
        ).fetchall()
    assert len(rows) >= seeded
    per_hour: dict[tuple[int, str], int] = {}
    per_site: dict[str, int] = {}
    for slot, channel, created in rows:
        made = datetime.fromisoformat(created).astimezone(BANGKOK)
        if made.date() == console.now.date():
            per_hour[(made.hour, channel)] = per_hour.get((made.hour, channel), 0) + 1
        site, day, _hour = slot.rsplit("-", 2)
        if day == tomorrow:
            per_site[site] = per_site.get(site, 0) + 1
    return per_hour, per_site
