"""Every console page in the browser, in Thai (and a few in English): it loads without a script
error or a missing asset, is one document with a language, a title, one h1 and a main, draws
its Thai in the served Sarabun (the machine has no Thai font of its own), shows no citizen's
data, passes axe-core (no serious or critical violation), and is photographed (shots.py;
the set in docs/screenshots/console/) to be looked at."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from selenium.webdriver.common.by import By

from tests.browser import axe, thai
from tests.browser.fleet_seed import Bookings, Fleet, seed_bookings, seed_fleet
from tests.browser.pages import follow, login, marked, open_page, path, wait_loaded
from tests.browser.served_console import OPERATOR, TECHNICIAN, ConsoleCentral

Opener = Callable[..., None]


@dataclass(frozen=True)
class Page:
    name: str
    open: Opener
    who: tuple[str, str, str] | None = OPERATOR
    full_page: bool = False


def go(target: str) -> Opener:
    def opener(driver, console: ConsoleCentral, fleet: Fleet) -> None:
        open_page(driver, console, target.format(fleet=fleet))

    return opener


def issue_code(driver, console: ConsoleCentral, fleet: Fleet) -> None:
    open_page(driver, console, f"/console/terminals/{fleet.paper_out}")
    follow(driver, driver.find_element(*marked("issue-enrolment-code")))


PAGES = (
    Page("01-login", go("/console/login"), who=None),
    Page("02-overview", go("/console/")),
    Page("03-terminals", go("/console/terminals")),
    Page("04-terminals-offline", go("/console/terminals?state=offline")),
    Page("05-terminals-paper", go("/console/terminals?reason=printer-out-of-paper")),
    Page("06-terminal", go("/console/terminals/{fleet.charted}"), full_page=True),
    Page("07-terminal-html-store", go("/console/terminals/{fleet.html_store}")),
    Page("08-revoke-confirm", go("/console/terminals/{fleet.offline[0]}/revoke"), TECHNICIAN),
    Page("09-enrolment-code", issue_code, TECHNICIAN),
    Page("10-audit", go("/console/audit")),
    Page("11-sites", go("/console/sites"), full_page=True),
    Page("12-site", go("/console/sites/scg-bang-sue"), full_page=True),
    Page("13-bookings", go("/console/bookings?day=2021-06-01"), full_page=True),
    Page("14-leases", go("/console/leases")),
)
ENGLISH = {"01-login", "02-overview", "03-terminals", "06-terminal", "11-sites", "13-bookings"}


@pytest.fixture(scope="module")
def fleet(console: ConsoleCentral) -> Fleet:
    return seed_fleet(console)


@pytest.fixture(scope="module")
def bookings(console: ConsoleCentral) -> Bookings:
    return seed_bookings(console)


def personal(bookings: Bookings) -> set[str]:
    """What no console page may show: the citizens' IDs, phones and names."""
    names = {"สมชาย", "ใจดี", "Jaidee"}  # every seeded citizen has the demo card's name
    return {*bookings.cids, *bookings.phones, *names}


def pages() -> list:
    cases = [pytest.param(p, "th", id=f"{p.name}-th") for p in PAGES]
    cases += [pytest.param(p, "en", id=f"{p.name}-en") for p in PAGES if p.name in ENGLISH]
    return cases


#: the session cookies of each operator signed in once in this module (a sign-in is a scrypt
#: hash and three page loads: once per operator is enough for looking at pages)
_sessions: dict[str, list[dict]] = {}


def sign_in(browser, console: ConsoleCentral, who: tuple[str, str, str], lang: str) -> None:
    key = f"{console.base} {who[0]}"
    if key not in _sessions:
        login(browser, console, who)
        _sessions[key] = [c for c in browser.get_cookies() if "lang" not in c["name"]]
        return
    for cookie in _sessions[key]:
        browser.add_cookie({k: cookie[k] for k in ("name", "value", "path")})
    open_page(browser, console, f"/console/?lang={lang}")
    assert path(browser).startswith("/console/?"), path(browser)


def severe_log(driver) -> list[str]:
    """The browser console's errors since the last call (a script error, a 404 for an asset
    or for the favicon the browser asks for by itself)."""
    return [e["message"] for e in driver.get_log("browser") if e["level"] == "SEVERE"]


@pytest.mark.parametrize(("page", "lang"), pages())
def test_page_loads_reads_and_passes_axe(browser, console, fleet, bookings, screenshot, page, lang):
    open_page(browser, console, f"/console/login?lang={lang}")
    if page.who is not None:
        sign_in(browser, console, page.who, lang)
    severe_log(browser)  # what signing in logged is not this page's
    page.open(browser, console, fleet)
    wait_loaded(browser)
    assert not path(browser).startswith("/console/login") or page.who is None
    html = browser.find_element(By.TAG_NAME, "html")
    assert html.get_attribute("lang") == lang
    assert browser.title.strip()
    assert len(browser.find_elements(By.TAG_NAME, "h1")) == 1
    assert len(browser.find_elements(By.TAG_NAME, "main")) == 1
    assert severe_log(browser) == []  # no script error, no asset answered 404
    screenshot(f"{page.name}-{lang}", full_page=page.full_page)  # before the checks below:
    # a page that fails them is photographed too, to be looked at
    faces = browser.execute_script(
        "return [...document.fonts].filter(f => f.status === 'loaded').map(f => f.family)"
    )
    assert any("Sarabun" in f for f in faces), faces
    text = browser.find_element(By.TAG_NAME, "body").text.replace("-", "")
    source = browser.page_source
    shown = [p for p in personal(bookings) if p in text or p in source]
    assert shown == [], f"personal data on {page.name}: {shown}"
    wrong = thai.wrong_fonts(browser)  # read before axe, which draws on canvases of its own
    axe.assert_accessible(browser, f"{page.name} ({lang})")
    # Thai in any other font is boxes on this machine
    assert not wrong, "Thai not in Sarabun:\n" + "\n".join(f"{t!r} in {f}" for t, f in wrong)
