"""A technician's actions from a terminal's page: revoke its token, issue an enrolment code;
each needs the CSRF token, is refused to an operator, and is audited."""

from __future__ import annotations

import re

import requests

from tests.central.console.conftest import Browser, add_operator, csrf_of
from tests.central.test_health_api import put, report


def _health(c, terminal: str = "kiosk-1") -> int:
    return put(c, report(), terminal).status_code


def test_revoke_without_the_token_or_with_a_wrong_one_revokes_nothing(signed_in: Browser) -> None:
    c = signed_in.c
    for data in ({"confirm": "yes"}, {"confirm": "yes", "csrf_token": "not-it"}):
        r = signed_in.post("/console/terminals/kiosk-1/revoke", data)
        assert r.status_code == 403
        assert "แบบฟอร์มนี้หมดอายุ" in r.text
    assert _health(c) == 204  # the terminal still works
    refusals = signed_in.c.central.store.audit_page(action="csrf-refused")
    assert [(a.operator, a.target) for a in refusals] == [
        ("tech", "/console/terminals/kiosk-1/revoke")
    ] * 2
    assert signed_in.c.central.store.audit_page(action="terminal-revoked") == []


def test_revoke_with_the_token_after_the_confirmation_page(signed_in: Browser) -> None:
    c = signed_in.c
    assert _health(c) == 204
    detail = signed_in.get("/console/terminals/kiosk-1").text
    assert 'href="/console/terminals/kiosk-1/revoke"' in detail
    confirm = signed_in.get("/console/terminals/kiosk-1/revoke")
    assert confirm.status_code == 200 and 'id="revoke-confirm"' in confirm.text
    # a POST without the confirmation goes back to the confirmation page, nothing done
    r = signed_in.post("/console/terminals/kiosk-1/revoke", {"csrf_token": csrf_of(confirm.text)})
    assert r.status_code == 303 and r.headers["location"].endswith("/revoke")
    assert _health(c) == 204
    r = signed_in.post(
        "/console/terminals/kiosk-1/revoke",
        {"csrf_token": csrf_of(confirm.text), "confirm": "yes"},
    )
    assert r.status_code == 303 and r.headers["location"].endswith("?done=revoked")
    assert _health(c) == 401  # the token is refused at once
    r = requests.get(c.url("/v1/config"), headers=c.auth("kiosk-1"), timeout=10)
    assert r.status_code == 401
    assert _health(c, "kiosk-2") == 204  # only that one
    page = signed_in.get("/console/terminals/kiosk-1?done=revoked&lang=en").text
    assert "The token is revoked." in page and "revoked at" in page
    rows = c.central.store.audit_page(action="terminal-revoked")
    assert [(a.operator, a.target, a.detail) for a in rows] == [
        ("tech", "kiosk-1", {"revoked": True})
    ]


def test_an_operator_may_look_but_not_act(central) -> None:
    add_operator(central, "olga", "operator")
    b = Browser(central, requests.Session())
    assert b.login("olga").status_code == 303
    page = b.get("/console/terminals/kiosk-1")
    assert page.status_code == 200
    token = csrf_of(page.text)
    r = b.post("/console/terminals/kiosk-1/revoke", {"csrf_token": token, "confirm": "yes"})
    assert r.status_code == 403 and "เฉพาะช่างเทคนิค" in r.text
    r = b.post("/console/terminals/kiosk-1/enrolment-code", {"csrf_token": token})
    assert r.status_code == 403
    assert _health(central) == 204
    refused = central.central.store.audit_page(action="refused-role")
    assert [a.detail["wanted"] for a in refused] == ["enrolment-code-issued", "terminal-revoked"]


def test_an_enrolment_code_is_shown_once_and_enrols_once(signed_in: Browser) -> None:
    c = signed_in.c
    r = signed_in.form_post(
        "/console/terminals/kiosk-2", "/console/terminals/kiosk-2/enrolment-code", {}
    )
    assert r.status_code == 200
    assert r.headers["cache-control"] == "no-store"
    code = re.search(r'data-testid="enrolment-code">([^<]+)<', r.text).group(1)
    assert re.fullmatch(r"[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}", code), code
    body = {"enrolment_code": code, "terminal_id": "kiosk-new", "store": "store-2"}
    first = requests.post(c.url("/v1/terminals"), json=body, timeout=10)
    assert first.status_code == 201 and first.json()["store"] == "store-2"
    again = requests.post(c.url("/v1/terminals"), json={**body, "terminal_id": "x"}, timeout=10)
    assert again.status_code == 403 and again.json()["code"] == "enrolment-code-used"
    rows = c.central.store.audit_page(action="enrolment-code-issued")
    assert len(rows) == 1 and rows[0].target == "kiosk-2"
    assert rows[0].detail["store"] == "store-2" and "expires_at" in rows[0].detail
    # the code itself is nowhere in the audit log
    assert code not in str([(a.detail, a.target) for a in c.central.store.audit_page()])
    # without the CSRF token: no code
    r = signed_in.post("/console/terminals/kiosk-2/enrolment-code", {})
    assert r.status_code == 403 and "enrolment-code" not in r.text.split("<main")[1][:200]
    assert len(c.central.store.audit_page(action="enrolment-code-issued")) == 1


def test_the_audit_page_lists_actions_newest_first_and_filters(signed_in: Browser) -> None:
    c = signed_in.c
    signed_in.post("/console/logout", {"csrf_token": "bad"})
    signed_in.form_post(
        "/console/terminals/kiosk-1", "/console/terminals/kiosk-1/enrolment-code", {}
    )
    page = signed_in.get("/console/audit?lang=en").text
    actions = re.findall(r'<tr data-action="([^"]+)"', page)
    assert actions == ["enrolment-code-issued", "csrf-refused", "login"]
    only = re.findall(
        r'<tr data-action="([^"]+)"', signed_in.get("/console/audit?action=login").text
    )
    assert only == ["login"]
    nobody = signed_in.get("/console/audit?operator=nobody").text
    assert 'data-testid="audit-none"' in nobody
    for n in range(60):
        c.central.store.add_audit(c.clock.now, "tech", "test-filler", str(n), {}, None)
    first = signed_in.get("/console/audit?action=test-filler").text
    assert len(re.findall(r'<tr data-action="test-filler"', first)) == 50
    older = re.search(r'href="(/console/audit\?[^"]+before=\d+)"', first).group(1)
    second = signed_in.get(older.replace("&amp;", "&")).text
    assert len(re.findall(r'<tr data-action="test-filler"', second)) == 10
    assert signed_in.get("/console/audit?before=x").status_code == 400
