"""The console over real HTTP for the benches: a central served on loopback in a thread, and a
session signed in through the login form (its CSRF token read from the page), as an operator's
browser does. One copy for bench/console_pages.py, bench/console_stats.py and bench/fleet.py."""

from __future__ import annotations

import contextlib
import re
import threading
import time
from collections.abc import Iterator
from typing import Any

import requests
import uvicorn


@contextlib.contextmanager
def served(app: Any) -> Iterator[str]:
    """Serve `app` on a free loopback port until the block ends; yields its base URL."""
    config = uvicorn.Config(app, host="127.0.0.1", port=0, log_config=None, access_log=False)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{server.servers[0].sockets[0].getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(10)


def signed_in(url: str, name: str, password: str) -> requests.Session:
    """A session of operator `name`, signed in at `url` through `/console/login`."""
    browser = requests.Session()
    page = browser.get(url + "/console/login", timeout=30).text
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    form = {"csrf_token": csrf, "username": name, "password": password}
    answer = browser.post(url + "/console/login", data=form, timeout=30)
    assert answer.status_code == 200 and "/console/login" not in answer.url, answer.url
    return browser
