"""Signing in and out over HTTP: sessions in the database, one answer for any wrong sign-in,
the redirect of a page without a session, expiry on the central's clock."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import requests

from central.console import sessions
from tests.central.console.conftest import PASSWORD, Browser, add_operator


def test_a_page_without_a_session_redirects_to_the_sign_in_page(browser: Browser) -> None:
    r = browser.get("/console/?lang=en&x=1")
    assert r.status_code == 303
    where = urlsplit(r.headers["location"])
    assert where.path == "/console/login"
    assert parse_qs(where.query)["next"] == ["/console/?lang=en&x=1"]
    r = browser.get("/console/")
    assert r.status_code == 303


def test_sign_in_sets_a_strict_http_only_cookie_and_goes_to_next(browser: Browser) -> None:
    add_operator(browser.c, "alice", "operator")
    r = browser.login("alice", next_path="/console/?lang=en")
    assert r.status_code == 303
    assert r.headers["location"] == "/console/?lang=en"
    cookie = next(h for h in r.raw.headers.getlist("set-cookie") if "console_session" in h)
    lowered = cookie.lower()
    assert "httponly" in lowered and "samesite=strict" in lowered and "path=/console" in lowered
    assert "secure" not in lowered  # plain http on loopback; https sets Secure
    page = browser.get("/console/?lang=en")
    assert page.status_code == 200
    assert '<html lang="en">' in page.text and "<h1>Fleet overview</h1>" in page.text
    assert "alice" in page.text
    # the token is stored hashed only
    token = browser.session.cookies["console_session"]
    rows = browser.c.central.store._conn().execute("SELECT token_hash FROM console_sessions")
    stored = [r[0] for r in rows]
    assert token not in stored and len(stored) == 1


def test_next_outside_the_console_is_not_followed(browser: Browser) -> None:
    add_operator(browser.c, "alice")
    for bad in ("https://evil.example/", "//evil.example/x", "/v1/config", "/consoleX", "/\\evil"):
        browser.session.cookies.clear()
        r = browser.login("alice", next_path=bad)
        assert r.status_code == 303
        assert r.headers["location"] == "/console/", bad


def test_a_wrong_password_and_an_unknown_name_get_the_same_answer(browser: Browser) -> None:
    add_operator(browser.c, "alice")
    wrong = browser.login("alice", "not the password")
    unknown = browser.login("nobody", PASSWORD)
    assert wrong.status_code == unknown.status_code == 401
    for r in (wrong, unknown):
        assert "ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง" in r.text
        assert "console_session" not in r.headers.get("set-cookie", "")
    en = browser.session.get(browser.c.url("/console/login?lang=en"), timeout=30)
    assert en.status_code == 200
    r = browser.login("alice", "still wrong")
    assert "The user name or the password is not correct." in r.text
    assert browser.get("/console/").status_code == 303
    actions = [(a.action, a.target) for a in browser.c.central.store.audit_page()]
    # the unknown name is not kept (it may be a password typed in the wrong field)
    assert actions.count(("login-failed", "alice")) == 2
    assert ("login-failed", None) in actions
    assert all(a.target != "nobody" for a in browser.c.central.store.audit_page())


def test_logout_ends_the_session_in_the_database(signed_in: Browser) -> None:
    token = signed_in.session.cookies["console_session"]
    r = signed_in.form_post("/console/", "/console/logout", {})
    assert r.status_code == 303 and r.headers["location"].startswith("/console/login")
    assert signed_in.get("/console/").status_code == 303
    # the old cookie, replayed, opens nothing
    replay = requests.get(
        signed_in.c.url("/console/"),
        cookies={"console_session": token},
        allow_redirects=False,
        timeout=30,
    )
    assert replay.status_code == 303
    actions = [a.action for a in signed_in.c.central.store.audit_page()]
    assert actions[:2] == ["logout", "login"]


def test_a_session_ends_after_idle_time_and_after_its_lifetime(signed_in: Browser) -> None:
    clock = signed_in.c.clock
    clock.advance(seconds=sessions.IDLE.total_seconds() - 60)
    assert signed_in.get("/console/").status_code == 200  # used: idle expiry moves on
    clock.advance(seconds=sessions.IDLE.total_seconds() - 60)
    assert signed_in.get("/console/").status_code == 200
    clock.advance(seconds=sessions.IDLE.total_seconds() + 1)
    r = signed_in.get("/console/")
    assert r.status_code == 303 and "expired=1" in r.headers["location"]
    # absolute: kept busy, it still ends LIFETIME after sign-in
    assert signed_in.login("tech").status_code == 303
    kept = signed_in.c.central.store._conn().execute("SELECT count(*) FROM console_sessions")
    assert next(iter(kept))[0] == 1  # the ended session was pruned at this sign-in
    step = sessions.IDLE.total_seconds() / 2
    used = 0.0
    while used + step < sessions.LIFETIME.total_seconds():
        clock.advance(seconds=step)
        used += step
        assert signed_in.get("/console/").status_code == 200, used
    clock.advance(seconds=step)
    assert signed_in.get("/console/").status_code == 303


def test_removing_an_operator_ends_their_sessions(signed_in: Browser) -> None:
    assert signed_in.get("/console/").status_code == 200
    assert signed_in.c.central.store.remove_operator("tech")
    assert signed_in.get("/console/").status_code == 303


def test_a_disabled_operator_is_signed_out_and_cannot_sign_in(signed_in: Browser) -> None:
    store = signed_in.c.central.store
    assert signed_in.get("/console/").status_code == 200
    assert store.set_operator_disabled("tech", True)
    assert signed_in.get("/console/").status_code == 303
    signed_in.session.cookies.clear()
    assert signed_in.login("tech").status_code == 401  # the right password, the same answer
    assert store.set_operator_disabled("tech", False)
    assert signed_in.login("tech").status_code == 303
