"""A real central over HTTP for the console's tests, with operators, and a browser-like client
(`requests.Session`: a cookie jar, redirects followed by hand where a test looks at them).

Every test using `central` runs on SQLite and on PostgreSQL (tests/central/conftest.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
import requests

from central.console.passwords import hash_password
from tests.central.conftest import RunningCentral

PASSWORD = "correct horse battery"
#: Each password hashed once per test session (scrypt takes ~50 ms; tests add many operators).
_HASHES: dict[str, str] = {}


def add_operator(c: RunningCentral, name: str, role: str = "technician", password: str = PASSWORD):
    if password not in _HASHES:
        _HASHES[password] = hash_password(password)
    assert c.central.store.add_operator(name, role, _HASHES[password], c.clock.now)


CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_of(html: str) -> str:
    found = CSRF.search(html)
    assert found, "no csrf_token field in the page"
    return found.group(1)


@dataclass
class Browser:
    """One operator's browser: a cookie jar on one central."""

    c: RunningCentral
    session: requests.Session

    def get(self, path: str, **kw) -> requests.Response:
        kw.setdefault("allow_redirects", False)
        return self.session.get(self.c.url(path), timeout=30, **kw)

    def post(self, path: str, data: dict, **kw) -> requests.Response:
        kw.setdefault("allow_redirects", False)
        return self.session.post(self.c.url(path), data=data, timeout=30, **kw)

    def form_post(self, page: str, action: str, data: dict, **kw) -> requests.Response:
        """POST `data` to `action` with the CSRF token of the form on `page` (as a browser
        submitting that page's form)."""
        shown = self.get(page)
        assert shown.status_code == 200, shown.text[:500]
        return self.post(action, {"csrf_token": csrf_of(shown.text), **data}, **kw)

    def login(self, name: str, password: str = PASSWORD, next_path: str = "") -> requests.Response:
        return self.form_post(
            "/console/login",
            "/console/login",
            {"username": name, "password": password, "next": next_path},
        )


@pytest.fixture
def browser(central: RunningCentral) -> Browser:
    return Browser(central, requests.Session())


@pytest.fixture
def signed_in(central: RunningCentral) -> Browser:
    """A technician `tech` signed in."""
    add_operator(central, "tech")
    b = Browser(central, requests.Session())
    r = b.login("tech")
    assert r.status_code == 303, r.text[:500]
    return b
