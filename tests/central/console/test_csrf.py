"""CSRF: every console POST needs the form's token; without it, or with a wrong one, 403 with a
Thai and English page, nothing done, and an audit row of the refusal."""

from __future__ import annotations

import pytest

from tests.central.console.conftest import PASSWORD, Browser, add_operator, csrf_of


@pytest.mark.parametrize("token", [None, "", "forged-token"])
def test_sign_in_without_the_forms_token_is_refused(browser: Browser, token: str | None) -> None:
    add_operator(browser.c, "alice")
    browser.get("/console/login")  # the pre-session cookie is set
    data = {"username": "alice", "password": PASSWORD}
    if token is not None:
        data["csrf_token"] = token
    r = browser.post("/console/login", data)
    assert r.status_code == 403
    assert "ไม่ได้ทำรายการใด ๆ" in r.text
    assert "console_session" not in browser.session.cookies
    refusals = [a for a in browser.c.central.store.audit_page() if a.action == "csrf-refused"]
    assert len(refusals) == 1
    assert refusals[0].target == "/console/login"
    assert refusals[0].detail["reason"] == ("missing" if not token else "wrong")
    assert refusals[0].source_ip == "127.0.0.1"


def test_the_sign_in_token_is_bound_to_its_own_cookie(browser: Browser) -> None:
    """A token read from one browser's form does not work with another browser's cookie."""
    add_operator(browser.c, "alice")
    token = csrf_of(browser.get("/console/login").text)
    other = Browser(browser.c, type(browser.session)())
    other.get("/console/login")
    r = other.post(
        "/console/login", {"csrf_token": token, "username": "alice", "password": PASSWORD}
    )
    assert r.status_code == 403
    # and with no cookie at all
    bare = Browser(browser.c, type(browser.session)())
    r = bare.post(
        "/console/login", {"csrf_token": token, "username": "alice", "password": PASSWORD}
    )
    assert r.status_code == 403


def test_logout_without_the_sessions_token_is_refused_and_changes_nothing(
    signed_in: Browser,
) -> None:
    r = signed_in.post("/console/logout", {"csrf_token": "wrong"})
    assert r.status_code == 403
    assert '<html lang="th">' in r.text and "<h1>" in r.text and "<title>" in r.text
    assert "แบบฟอร์มนี้หมดอายุ" in r.text
    assert signed_in.get("/console/").status_code == 200  # still signed in
    r = signed_in.post("/console/logout", {}, params={"lang": "en"})
    assert r.status_code == 403 and "nothing was done" in r.text
    refusals = [a for a in signed_in.c.central.store.audit_page() if a.action == "csrf-refused"]
    assert [a.operator for a in refusals] == ["tech", "tech"]
    assert [a.detail["reason"] for a in refusals] == ["missing", "wrong"]


def test_the_sign_in_pages_token_is_not_a_sessions_token(signed_in: Browser) -> None:
    """After sign-in the forms carry the session's token; the pre-session one is refused."""
    fresh = Browser(signed_in.c, type(signed_in.session)())
    pre = csrf_of(fresh.get("/console/login").text)
    signed_in.session.cookies.set(
        "console_pre", fresh.session.cookies["console_pre"], path="/console"
    )
    assert signed_in.post("/console/logout", {"csrf_token": pre}).status_code == 403
    assert signed_in.get("/console/").status_code == 200
