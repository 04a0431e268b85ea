"""`kiosk demo` signs its presenter in to the operations console: a technician `presenter`
with a random password in a file only its owner reads, and a one-time link (a real demo
central process; no card reader needed)."""

from __future__ import annotations

import re
import stat

import requests

from kiosk.cli.demo_env import DemoEnvironment


def _csrf(page: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def test_the_presenter_signs_in_with_the_link_and_with_the_password(tmp_path):
    env = DemoEnvironment(tmp_path / "demo")
    try:
        env.start_central(capacity=5, sms=False)
        link, secret = env.console_presenter()
        assert link.startswith(env.url + "/console/signin?code=")
        assert stat.S_IMODE(secret.stat().st_mode) == 0o600
        browser = requests.Session()
        page = browser.get(link, timeout=10)
        assert page.status_code == 200
        code = re.search(r'name="code" value="([^"]+)"', page.text).group(1)
        r = browser.post(
            env.url + "/console/signin",
            data={"csrf_token": _csrf(page.text), "code": code},
            timeout=10,
        )
        assert r.status_code == 200 and r.url == env.url + "/console/"
        assert "presenter" in r.text and "<h1>" in r.text
        # a second call makes a new link for the same presenter (the password is kept)
        link2, _ = env.console_presenter()
        assert link2 != link
        password = secret.read_text().strip()
        other = requests.Session()
        login = other.get(env.url + "/console/login", timeout=10)
        r = other.post(
            env.url + "/console/login",
            data={"csrf_token": _csrf(login.text), "username": "presenter", "password": password},
            timeout=10,
        )
        assert r.status_code == 200 and r.url == env.url + "/console/"
    finally:
        env.close()
