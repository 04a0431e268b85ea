"""The overview, the terminals list and one terminal's page, over HTTP on a real central with
terminals reporting their health through PUT /v1/terminals/me/health."""

from __future__ import annotations

import html
import re

from tests.central.conftest import RunningCentral
from tests.central.console.conftest import Browser
from tests.central.test_health_api import put, report


def enrol(c: RunningCentral, terminal: str, store: str) -> None:
    c.tokens[terminal] = c.central.store.issue_token(terminal, store, "kiosk", c.clock.now)


def rows_of(page: str) -> list[tuple[str, str]]:
    """(terminal id, state) of each row of the terminals table."""
    return re.findall(r'<tr data-terminal="([^"]+)" data-state="([^"]+)"', page)


def count_of(page: str, testid: str) -> int:
    found = re.search(rf'data-testid="{re.escape(testid)}"><span class="n">(\d+)</span>', page)
    assert found, testid
    return int(found.group(1))


def test_the_overview_counts_link_to_the_filtered_list(signed_in: Browser) -> None:
    c = signed_in.c
    assert put(c, report(), "kiosk-1").status_code == 204
    assert put(c, report(printer={"state": "fail", "paper": "out"}), "kiosk-2").status_code == 204
    enrol(c, "kiosk-3", "store-3")  # never reports
    page = signed_in.get("/console/?lang=en")
    assert page.status_code == 200
    text = page.text
    assert count_of(text, "count-all") == 3
    assert count_of(text, "count-state-online") == 2
    assert count_of(text, "count-state-never-seen") == 1
    assert count_of(text, "count-state-offline") == 0
    assert 'href="/console/terminals?state=online"' in text
    assert 'data-testid="count-reason-printer-out-of-paper-fail">1</a>' in text
    link = re.search(r'href="([^"]+)" data-testid="count-reason-printer-out-of-paper-fail"', text)
    listed = signed_in.get(html.unescape(link.group(1))).text
    assert rows_of(listed) == [("kiosk-2", "online")]
    assert 'data-total="1"' in listed
    # the clock moves: nobody reports for 16 minutes, both turn offline
    c.clock.advance(minutes=16)
    text = signed_in.get("/console/").text
    assert count_of(text, "count-state-offline") == 2
    assert 'data-testid="count-reason-offline-fail">2</a>' in text
    offline = signed_in.get("/console/terminals?state=offline").text
    assert [r[0] for r in rows_of(offline)] == ["kiosk-1", "kiosk-2"]


def test_filters_sorting_and_pages(signed_in: Browser) -> None:
    c = signed_in.c
    for n in range(3, 63):
        enrol(c, f"t-{n:03d}", f"store-{n % 3}")
    for n in range(3, 13):
        assert put(c, report(), f"t-{n:03d}").status_code == 204
    first = signed_in.get("/console/terminals?per_page=25").text
    assert 'data-total="62"' in first
    assert len(rows_of(first)) == 25
    assert rows_of(first)[0][0] == "kiosk-1"
    assert 'href="/console/terminals?page=2&amp;per_page=25"' in first
    third = signed_in.get("/console/terminals?per_page=25&page=3").text
    assert len(rows_of(third)) == 12
    everyone = [
        r[0]
        for p in (1, 2, 3)
        for r in rows_of(signed_in.get(f"/console/terminals?per_page=25&page={p}").text)
    ]
    assert len(everyone) == len(set(everyone)) == 62 and everyone == sorted(everyone)
    backwards = rows_of(signed_in.get("/console/terminals?sort=terminal_id&order=desc").text)
    assert backwards[0][0] == "t-062"
    store_1 = rows_of(signed_in.get("/console/terminals?store=store-1&per_page=100").text)
    assert len(store_1) == 20 + 1  # t-004, t-007, ... and kiosk-1
    by_state = rows_of(signed_in.get("/console/terminals?sort=state&per_page=100").text)
    states = [s for _, s in by_state]
    assert states == sorted(states, key=["online", "stale", "offline", "never-seen"].index)
    online_store_1 = rows_of(signed_in.get("/console/terminals?state=online&store=store-1").text)
    assert all(s == "online" for _, s in online_store_1) and online_store_1


def test_an_unknown_console_page_is_the_consoles_404(signed_in: Browser, browser: Browser) -> None:
    r = signed_in.get("/console/no/such/page?lang=en")
    assert r.status_code == 404 and "There is no such page." in r.text
    assert r.headers["content-type"].startswith("text/html")
    assert browser.get("/console/no/such/page").status_code == 303  # signed out: sign in first
    assert browser.get("/console/static/nothing.js").status_code == 404


def test_the_language_links_keep_the_filters(signed_in: Browser) -> None:
    page = signed_in.get("/console/terminals?state=online&store=a%26b").text
    assert 'href="/console/terminals?state=online&amp;store=a%26b&amp;lang=en"' in page
    english = signed_in.get("/console/terminals?state=online&store=a%26b&lang=en")
    assert '<html lang="en">' in english.text
    assert signed_in.session.cookies["console_lang"] == "en"
    assert '<html lang="en">' in signed_in.get("/console/").text  # remembered


def test_a_bad_filter_is_a_clear_400(signed_in: Browser) -> None:
    for query in (
        "state=asleep",
        "sort=password",
        "page=0",
        "page=x",
        "per_page=13000",
        "reason=unknown",
    ):
        r = signed_in.get(f"/console/terminals?{query}&lang=en")
        assert r.status_code == 400, query
        assert "not one the list knows" in r.text


def test_a_store_name_with_html_is_shown_escaped(signed_in: Browser) -> None:
    c = signed_in.c
    evil = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    enrol(c, "kiosk-evil", evil)
    assert (
        put(
            c,
            report(
                checks=[{"name": "printer", "status": "warn", "detail": "<b>bold</b></script>"}]
            ),
            "kiosk-evil",
        ).status_code
        == 204
    )
    for path in (
        "/console/terminals?per_page=100",
        "/console/terminals/kiosk-evil",
        "/console/terminals/kiosk-evil/revoke",
    ):
        page = signed_in.get(path).text
        assert "<script>alert" not in page and "<img src=x" not in page, path
        assert html.escape(evil, quote=False) in page or "&lt;script&gt;" in page, path
    detail = signed_in.get("/console/terminals/kiosk-evil").text
    assert "<b>bold</b>" not in detail and "&lt;b&gt;bold&lt;/b&gt;" in detail
    # the chart's JSON cannot close its script element either
    data = re.search(
        r'<script type="application/json" id="terminal-history-data">(.*?)</script>', detail, re.S
    )
    assert data and "</" not in data.group(1)


def test_one_terminals_page_has_its_chart_data_and_recent_reports(signed_in: Browser) -> None:
    c = signed_in.c
    assert put(c, report(queue={"queued": 2, "sending": 0, "oldest_age_s": 30})).status_code == 204
    c.clock.advance(minutes=5)
    assert put(c, report(queue={"queued": 5, "sending": 1, "oldest_age_s": 400})).status_code == 204
    c.clock.advance(minutes=40)  # silent: stale, then offline
    assert signed_in.login("tech").status_code == 303  # the session was idle as long
    page = signed_in.get("/console/terminals/kiosk-1?lang=en")
    assert page.status_code == 200
    text = page.text
    assert "<h1>Terminal kiosk-1</h1>" in text and 'data-state="offline"' in text
    table = re.search(r'<table id="terminal-history-table".*?</table>', text, re.S).group(0)
    cells = re.findall(r'<td class="num">([^<]*)</td>', table)
    # queued at each report, the state at each change: online, online, stale, offline, now
    assert cells == ["2", "online", "5", "online", "-", "stale", "-", "offline", "-", "offline"]
    reports = re.search(r'<table id="terminal-reports".*?</table>', text, re.S).group(0)
    assert "5 queued, 1 sending" in reports and "2 queued, 0 sending" in reports
    assert reports.index("5 queued") < reports.index("2 queued")  # newest first
    assert signed_in.get("/console/terminals/no-such-one").status_code == 404


def test_pages_have_a_language_a_title_one_h1_and_main(signed_in: Browser) -> None:
    assert put(signed_in.c, report()).status_code == 204
    for lang in ("th", "en"):
        for path in (
            "/console/",
            "/console/terminals",
            "/console/terminals/kiosk-1",
            "/console/terminals/kiosk-1/revoke",
            "/console/audit",
            "/console/login",
        ):
            r = signed_in.get(f"{path}?lang={lang}")
            assert r.status_code == 200, path
            page = r.text
            assert f'<html lang="{lang}">' in page, path
            assert page.count("<h1>") == 1 and "<main" in page, path
            title = re.findall(r"<title>(.*?)</title>", page, re.S)
            assert len(title) == 1 and "<" not in title[0] and title[0].strip(), path


def test_districts_from_the_stores_list_count_filter_and_show(signed_in: Browser) -> None:
    from central.store.stores import StoreInfo

    c = signed_in.c
    c.central.store.put_stores(
        [
            StoreInfo("store-1", "ร้านบางซื่อ", "Bang Sue shop", "เขตบางซื่อ", "Bang Sue"),
            StoreInfo("store-2", "ร้าน <จตุจักร>", "Chatuchak <shop>", "เขตจตุจักร", "Chatuchak"),
        ]
    )
    enrol(c, "kiosk-3", "store-1")
    overview = signed_in.get("/console/?lang=en").text
    counts = dict(
        re.findall(
            r"<tr><td>([^<]+)</td><td class=\"num\"><a href=\"[^\"]+\" "
            r"data-testid=\"count-district\">(\d+)</a>",
            overview,
        )
    )
    assert counts == {"Bang Sue": "2", "Chatuchak": "1"}
    thai_overview = signed_in.get("/console/?lang=th").text
    assert "<tr><td>เขตบางซื่อ</td>" in thai_overview and "<tr><td>Bang Sue</td>" not in thai_overview
    link = re.search(r'href="(/console/terminals\?district=Bang%20Sue)"', overview).group(1)
    listed = signed_in.get(link + "&lang=en").text
    assert [t for t, _ in rows_of(listed)] == ["kiosk-1", "kiosk-3"]
    assert "Bang Sue shop" in listed
    thai = signed_in.get("/console/terminals?district=เขตจตุจักร&lang=th").text
    assert [t for t, _ in rows_of(thai)] == ["kiosk-2"]
    assert "ร้าน &lt;จตุจักร&gt;" in thai and "<จตุจักร>" not in thai
