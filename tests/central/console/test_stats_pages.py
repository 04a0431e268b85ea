"""The sites, bookings-per-hour and leases pages over real HTTP, signed in through the console's
login, on both stores: every figure shown is checked against the store's own rows."""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta
from html.parser import HTMLParser

import pytest
import requests

from kiosk.dates import BANGKOK
from tests.central.conftest import booking_body, citizen, lease_booking, refresh_leases
from tests.central.console.conftest import Browser, add_operator

DAY3 = [("scg-bang-sue", "2021-06-03")]


class Tables(HTMLParser):
    """Every table of a page by id: rows of cell texts (th and td), thead/tbody/tfoot alike."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self._stack: list[str] = []
        self._row: list[str] | None = None
        self._cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self._stack.append(dict(attrs).get("id", ""))
            self.tables[self._stack[-1]] = []
        elif tag == "tr" and self._stack:
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []

    def handle_endtag(self, tag):
        if tag == "table" and self._stack:
            self._stack.pop()
        elif tag == "tr" and self._row is not None and self._stack:
            self.tables[self._stack[-1]].append(self._row)
            self._row = None
        elif tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def tables(html: str) -> dict[str, list[list[str]]]:
    parser = Tables()
    parser.feed(html)
    return parser.tables


def chart_data(html: str, chart_id: str) -> dict:
    found = re.search(
        rf'<script type="application/json" id="{chart_id}-data">(.*?)</script>', html, re.S
    )
    assert found, f"no data for {chart_id}"
    return json.loads(found.group(1))


def _plain(c, n, terminal="kiosk-1", channel="kiosk"):
    now = c.clock.now
    confirmed = datetime(now.year, now.month, now.day, 10, tzinfo=BANGKOK) - timedelta(days=1)
    body = booking_body(citizen(n), c.slot_id(days=2), channel=channel, confirmed_at=confirmed)
    r = c.book(body, terminal)
    assert r.status_code == 201, r.text
    return r.json()


def test_every_stats_page_asks_for_a_sign_in_first(browser):
    for path in ("/console/sites", "/console/sites/scg-bang-sue", "/console/bookings",
                 "/console/leases", "/console/bookings?day=nonsense"):  # fmt: skip
        r = browser.get(path)
        assert r.status_code == 303, path
        assert r.headers["location"].startswith("/console/login?next=")


def test_the_sites_page_shows_each_site_and_the_fill_by_day_of_the_store(signed_in):
    c = signed_in.c
    for n in range(5):
        _plain(c, 10 + n)
    refresh_leases(c, recent=DAY3)
    r = signed_in.get("/console/sites?lang=en")
    assert r.status_code == 200, r.text[:300]
    page = tables(r.text)
    store = c.central.store
    first, last = c.clock.now.date() - timedelta(days=1), c.clock.now.date() + timedelta(days=13)
    days = store.fill_by_day(first, last)
    # the day table: one row per day, then the total; figures as the store counts them
    fill = page["table-site-fill"]
    assert fill[0][0] == "Day" and len(fill) == 1 + 15 + 1
    for row in fill[1:-1]:
        iso = datetime.strptime(row[0], "%d %b %Y").date().isoformat()
        mine = [d for d in days if d.date == iso]
        assert [int(v) for v in row[1:5]] == [
            sum(d.slots for d in mine),
            sum(d.capacity for d in mine),
            sum(d.booked for d in mine),
            sum(d.held for d in mine),
        ], row
    total = fill[-1]
    rows = (
        store._conn()
        .execute(
            "SELECT sum(capacity), sum(booked), sum(held) FROM slots WHERE date BETWEEN ? AND ?",
            (first.isoformat(), last.isoformat()),
        )
        .fetchone()
    )
    assert [int(v) for v in total[2:5]] == [int(rows[0]), int(rows[1]), int(rows[2])]
    assert int(total[3]) == 5 + 1  # five booked here and the demo's seeded booking
    assert int(total[4]) > 0
    # the chart carries the same percentages as the table
    data = chart_data(r.text, "chart-site-fill")
    booked = data["series"][0]["values"]
    assert [("–" if v is None else f"{v:.1f} %") for v in booked] == [x[5] for x in fill[1:-1]]
    assert data["x_labels"][0] == fill[1][0]
    # the sites table: every site, with today's counts
    sites = page["table-sites"]
    assert len(sites) == 2 + len(store.sites())
    today = store.fill_by_day(c.clock.now.date(), c.clock.now.date())
    bang_sue = next(row for row in sites if row[0] == store.site("scg-bang-sue").name_en)
    mine = [d for d in today if d.site_id == "scg-bang-sue"]
    assert int(bang_sue[2]) == sum(d.capacity for d in mine)
    assert 'id="chart-site-fill"' in r.text and 'id="table-site-fill"' in r.text


def test_one_site_page_and_a_thai_page(signed_in):
    c = signed_in.c
    _plain(c, 30)
    r = signed_in.get("/console/sites/scg-bang-sue?from=2021-06-02&to=2021-06-04")
    assert r.status_code == 200
    assert '<html lang="th">' in r.text
    fill = tables(r.text)["table-site-fill"]
    assert [row[0] for row in fill[1:-1]] == ["2 มิ.ย. 2564", "3 มิ.ย. 2564", "4 มิ.ย. 2564"]
    slots = c.central.store.slots(
        "scg-bang-sue", datetime(2021, 6, 2).date(), datetime(2021, 6, 4).date()
    )
    assert int(fill[-1][3]) == sum(s.booked for s in slots) >= 1
    assert int(fill[-1][2]) == sum(s.capacity for s in slots)
    assert signed_in.get("/console/sites/no-such-site").status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "/console/sites?from=2021-13-01",
        "/console/sites?from=2021-06-05&to=2021-06-01",
        "/console/sites?from=2021-01-01&to=2021-12-31",
        "/console/sites/scg-bang-sue?to=tomorrow",
        "/console/bookings?day=01/06/2021",
        "/console/bookings?day=%3Cscript%3E",
    ],
)
def test_a_bad_date_is_a_400_page_in_thai_and_in_english(signed_in, path):
    th = signed_in.get(path + "&lang=th" if "?" in path else path)
    assert th.status_code == 400, th.text[:300]
    assert 'id="refusal"' in th.text and "วันที่" in th.text
    en = signed_in.get(path + "&lang=en")
    assert en.status_code == 400
    assert "Not a usable date" in en.text
    assert "<script>" not in en.text.split("<main", 1)[1].split("</main>")[0]


def test_bookings_per_hour_match_the_store_and_cancelled_ones_are_apart(signed_in):
    c = signed_in.c
    store = c.central.store
    at = c.clock.now.replace(hour=9, minute=30)
    c.clock.now = at
    _plain(c, 40)
    _plain(c, 41, terminal="web-1", channel="web")
    c.clock.now = at.replace(hour=14, minute=0)
    _plain(c, 42)
    gone = _plain(c, 43, terminal="web-1", channel="web")
    booking = store.booking_by_reference(gone["reference"])
    store.cancel(booking.reference, booking.citizen_key, None, c.clock.now)
    c.clock.now = at.replace(hour=23, minute=59)  # the page's day stays the clock's day
    assert signed_in.login("tech").status_code == 303  # the morning's session has idled out

    r = signed_in.get("/console/bookings?lang=en")
    assert r.status_code == 200
    table = tables(r.text)["table-bookings-hour"]
    head = table[0]
    assert head[:5] == ["Hour", "Kiosk, online", "Kiosk, replayed from queue", "Web", "App"]
    assert head[-2:] == ["Total", "Cancelled since"]
    body = {row[0][:2]: [int(v) for v in row[1:]] for row in table[1:-1]}
    assert len(body) == 24
    want = {(h.hour, h.series, h.cancelled): h.count for h in store.bookings_by_hour(at.date())}
    for hour, values in body.items():
        h = int(hour)
        per = [want.get((h, s, False), 0) for s in ("kiosk-online", "kiosk-replayed", "web", "app")]
        assert values == [*per, sum(per), sum(n for k, n in want.items() if k[0] == h and k[2])]
    assert body["09"] == [1, 0, 1, 0, 2, 0]
    assert body["14"] == [1, 0, 0, 0, 1, 1]
    assert body["10"][2] == 1  # the demo's seeded web booking, written at 10:00
    assert [int(v) for v in table[-1][1:]] == [2, 0, 2, 0, 4, 1]
    data = chart_data(r.text, "chart-bookings-hour")
    assert [s["label"] for s in data["series"]] == head[1:5]
    assert [sum(s["values"]) for s in data["series"]] == [2, 0, 2, 0]
    assert 'id="chart-bookings-hour"' in r.text
    # nothing personal on the page, in either language
    card = citizen(40).card
    for html in (r.text, signed_in.get("/console/bookings?lang=th").text):
        for secret in (card["cid"], "0812345678", "081-234-5678", card["name_th"]["first"],
                       card["name_en"]["first"], card["name_en"]["last"]):  # fmt: skip
            assert secret not in html
    # another day, from the URL: nothing booked then
    other = tables(signed_in.get("/console/bookings?day=2021-05-20").text)["table-bookings-hour"]
    assert [int(v) for v in other[-1][1:]] == [0, 0, 0, 0, 0, 0]


def test_the_leases_page_shows_what_each_terminal_holds_and_a_revoked_one_as_revoked(make_central):
    c = make_central(demo_capacity=20, lease_share=0.5)
    add_operator(c, "op", role="operator")
    b = Browser(c, requests.Session())
    assert b.login("op").status_code == 303
    empty = tables(b.get("/console/leases?lang=en").text)["table-leases"]
    assert len(empty) == 2 and "No seat is held now." in empty[1][0]

    one = refresh_leases(c, recent=DAY3).json()["leases"]
    refresh_leases(c, "kiosk-2", recent=DAY3)
    assert c.book(lease_booking(booking_body(citizen(60), "x"), one[0])).status_code == 201
    store = c.central.store
    assert store.revoke("kiosk-2", c.clock.now)

    r = b.get("/console/leases?lang=en")
    assert r.status_code == 200
    page = tables(r.text)
    rows = {row[0]: row for row in page["table-leases"][1:]}
    report = {t["terminal_id"]: t for t in store.lease_report(c.clock.now)["terminals"]}
    assert set(rows) == set(report) == {"kiosk-1", "kiosk-2"}
    for tid, row in rows.items():
        assert int(row[3]) == report[tid]["leases"]
        assert int(row[4]) + int(row[5]) == report[tid]["seats"]
    assert rows["kiosk-2"][2] == "✖ revoked 2021-06-01 10:00" and rows["kiosk-1"][2] == "● active"
    assert 'data-terminal="kiosk-2" class="revoked"' in r.text
    held = sum(s.held for s in store.site_leases(c.clock.now))
    capacity = sum(s.capacity for s in store.site_leases(c.clock.now))
    summary = dict(re.findall(r'<dd [^>]*data-key="([a-z-]+)">([^<]+)', r.text))
    assert int(summary["terminals"]) == 2 and int(summary["revoked"]) == 1
    assert int(summary["held"]) + int(summary["spent"]) == held
    assert summary["share"].strip() == f"{100 * held / capacity:.1f} %"
    site_rows = page["table-leases-sites"][1:]
    assert sum(int(row[3]) for row in site_rows) == held


def test_stats_pages_have_a_language_a_title_one_h1_and_main(signed_in):
    for lang in ("th", "en"):
        for path, status in (
            ("/console/sites", 200),
            ("/console/sites/scg-bang-sue", 200),
            ("/console/bookings", 200),
            ("/console/leases", 200),
            ("/console/bookings?day=x", 400),
        ):
            joined = f"{path}{'&' if '?' in path else '?'}lang={lang}"
            r = signed_in.get(joined)
            assert r.status_code == status, joined
            page = r.text
            assert f'<html lang="{lang}">' in page, joined
            assert page.count("<h1>") == 1 and "<title>" in page and "<main" in page, joined


def test_a_store_name_with_html_is_shown_as_text_on_the_leases_page(signed_in):
    c = signed_in.c
    evil = '<img src=x onerror="alert(1)">'
    c.tokens["kiosk-evil"] = c.central.store.issue_token("kiosk-evil", evil, "kiosk", c.clock.now)
    assert refresh_leases(c, "kiosk-evil", recent=DAY3).json()["leases"]
    r = signed_in.get("/console/leases?lang=en")
    assert r.status_code == 200
    assert evil not in r.text
    assert "&lt;img src=x onerror=&#34;alert(1)&#34;&gt;" in r.text
    row = {row[0]: row for row in tables(r.text)["table-leases"][1:]}["kiosk-evil"]
    assert row[1] == evil  # the text, as written, once the browser unescapes it


def test_the_leases_table_names_the_store_in_the_page_language(signed_in):
    from central.store.stores import StoreInfo

    c = signed_in.c
    store_id = c.central.store.terminal_for_token(c.tokens["kiosk-1"]).store
    c.central.store.put_stores(
        [StoreInfo(store_id, "สาขาบางซื่อ", "Bang Sue branch", "บางซื่อ", "Bang Sue")]
    )
    assert refresh_leases(c, recent=DAY3).json()["leases"]
    for lang, name in (("th", "สาขาบางซื่อ"), ("en", "Bang Sue branch")):
        row = {r[0]: r for r in tables(signed_in.get(f"/console/leases?lang={lang}").text)[
            "table-leases"][1:]}["kiosk-1"]  # fmt: skip
        assert row[1].startswith(store_id) and row[1].endswith(name), row


def test_the_leases_table_is_paged_and_a_bad_page_number_is_a_400(signed_in, monkeypatch):
    from central.console import stats

    c = signed_in.c
    assert refresh_leases(c, recent=DAY3).json()["leases"]
    assert refresh_leases(c, "kiosk-2", recent=DAY3).json()["leases"]
    monkeypatch.setattr(stats, "LEASES_PER_PAGE", 1)
    first = signed_in.get("/console/leases?lang=en")
    second = signed_in.get("/console/leases?page=2&lang=en")
    beyond = signed_in.get("/console/leases?page=9&lang=en")  # the last page
    ids = [[row[0] for row in tables(r.text)["table-leases"][1:]] for r in (first, second, beyond)]
    assert ids == [["kiosk-1"], ["kiosk-2"], ["kiosk-2"]]
    assert "Page 1 of 2" in first.text and 'href="?page=2"' in first.text
    # the summary counts every terminal, whatever the page
    assert re.search(r'data-key="terminals">2<', second.text)
    for bad in ("0", "-1", "x", "1.5", "٣", "9999999"):
        r = signed_in.get(f"/console/leases?page={bad}&lang=en")
        assert r.status_code == 400, bad
        assert "Not a usable page number" in r.text and "whole number" in r.text
    th = signed_in.get("/console/leases?page=x&lang=th")
    assert th.status_code == 400 and "หมายเลขหน้า" in th.text
