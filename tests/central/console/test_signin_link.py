"""One-time sign-in links: `kiosk-central operator signin-link` prints one, the console's page
spends it with a POST (CSRF-checked), once, within its minutes."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from central.cli import main
from tests.central.console.conftest import Browser, add_operator, csrf_of


def _link(browser: Browser, capsys, name: str = "presenter", *extra: str) -> str:
    c = browser.c
    argv = ["operator", "signin-link", "--db", str(c.central.settings.db), "--name", name]
    argv += ["--base-url", c.base_url, "--now", c.clock.now.isoformat(), *extra]
    if c.central.settings.keys_dir:
        argv += ["--keys-dir", str(c.central.settings.keys_dir)]
    assert main(argv) == 0
    out = capsys.readouterr().out.strip()
    assert out.startswith(c.base_url + "/console/signin?code=")
    return urlsplit(out).path + "?" + urlsplit(out).query


def test_a_link_signs_in_once(browser: Browser, capsys) -> None:
    add_operator(browser.c, "presenter")
    link = _link(browser, capsys)
    page = browser.get(link)
    assert page.status_code == 200
    assert browser.get("/console/").status_code == 303  # the GET spent nothing, signed nobody
    code = re.search(r'name="code" value="([^"]+)"', page.text).group(1)
    r = browser.post("/console/signin", {"csrf_token": csrf_of(page.text), "code": code})
    assert r.status_code == 303 and r.headers["location"] == "/console/"
    assert browser.get("/console/").status_code == 200
    other = Browser(browser.c, type(browser.session)())
    again = other.get(link)
    r = other.post("/console/signin", {"csrf_token": csrf_of(again.text), "code": code})
    assert r.status_code == 400 and "ใช้ไม่ได้" in r.text
    actions = [a.action for a in browser.c.central.store.audit_page()]
    assert actions[:3] == ["signin-link-refused", "signin-link-used", "signin-link-issued"]
    assert code not in str([a.detail for a in browser.c.central.store.audit_page()])


def test_a_link_expires_and_needs_the_forms_token(browser: Browser, capsys) -> None:
    add_operator(browser.c, "presenter")
    link = _link(browser, capsys, "presenter", "--minutes", "10")
    page = browser.get(link)
    code = re.search(r'name="code" value="([^"]+)"', page.text).group(1)
    assert browser.post("/console/signin", {"code": code}).status_code == 403
    browser.c.clock.advance(minutes=10, seconds=1)
    r = browser.post("/console/signin", {"csrf_token": csrf_of(page.text), "code": code})
    assert r.status_code == 400
    assert browser.get("/console/").status_code == 303


def test_a_link_for_nobody_is_refused(browser: Browser, capsys) -> None:
    c = browser.c
    argv = ["operator", "signin-link", "--db", str(c.central.settings.db), "--name", "ghost"]
    if c.central.settings.keys_dir:
        argv += ["--keys-dir", str(c.central.settings.keys_dir)]
    assert main(argv) == 2
    assert "ไม่พบผู้ใช้ชื่อนี้" in capsys.readouterr().err
