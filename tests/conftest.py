"""Shared fixtures: the real pcscd + vpcd stack, emulated cards in its virtual reader.

pcscd is a system daemon. `.ci/run` starts it; when it is not running and we may start it (root,
binary present) the session starts its own. Otherwise the PC/SC tests skip locally, but fail when
KIOSK_REQUIRE_PCSCD=1 (CI sets it), so a broken CI setup can never pass by skipping.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from collections.abc import Callable, Iterator

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

VPCD_PORT = 35963
VPCD_READER = "Virtual PCD 00 00"


def _vpcd_listening() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", VPCD_PORT), timeout=0.2):
            return True
    except OSError:
        return False


def _readers() -> list[str] | None:
    from kiosk.card.errors import PcscUnavailable
    from kiosk.card.pcsc import PcscContext

    try:
        with PcscContext() as ctx:
            return ctx.readers()
    except PcscUnavailable:
        return None


def _unavailable(reason: str) -> None:
    if os.environ.get("KIOSK_REQUIRE_PCSCD") == "1":
        pytest.fail(f"pcscd with vpcd is required here: {reason}")
    pytest.skip(f"pcscd with vpcd not available: {reason}")


@pytest.fixture(scope="session")
def pcscd() -> Iterator[str]:
    """The name of the vpcd reader served by a running pcscd."""
    proc = None
    readers = _readers()
    if readers is None:
        binary = shutil.which("pcscd") or (
            "/usr/sbin/pcscd" if os.path.exists("/usr/sbin/pcscd") else None
        )
        if binary is None or os.geteuid() != 0:
            _unavailable("pcscd is not running and cannot be started by this user")
        proc = subprocess.Popen(
            [binary, "--foreground"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and (readers is None or not _vpcd_listening()):
            time.sleep(0.1)
            readers = _readers()
    if not readers or VPCD_READER not in readers:
        _unavailable(f"no {VPCD_READER!r} reader (readers: {readers})")
    yield VPCD_READER
    if proc is not None:
        proc.terminate()
        proc.wait(timeout=10)


def wait_for_presence(reader: str, present: bool, timeout: float = 5.0) -> None:
    from kiosk.card.pcsc import PcscContext

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with PcscContext() as ctx:
            if any(s.present == present for s in ctx.status() if s.name == reader):
                return
        time.sleep(0.02)
    raise AssertionError(f"pcscd did not see the card {'inserted' if present else 'removed'}")


@pytest.fixture
def insert_card(pcscd: str) -> Iterator[Callable[..., object]]:
    """Insert an emulated card (card JSON or applet) into the vpcd reader; removed afterwards."""
    from kiosk.card.emulator import ThaiIdApplet
    from kiosk.card.vpcd import VirtualCard

    inserted: list[VirtualCard] = []

    def insert(card: object, atr: str = "3b79", *, wait: bool = True, **kw: object) -> VirtualCard:
        applet = card if hasattr(card, "process") else ThaiIdApplet.from_json(card, atr=atr)
        vc = VirtualCard(applet, port=VPCD_PORT, **kw)  # type: ignore[arg-type]
        vc.insert()
        inserted.append(vc)
        if wait:
            wait_for_presence(pcscd, True)
        return vc

    yield insert
    for vc in inserted:
        vc.remove()
    if inserted:
        wait_for_presence(pcscd, False)
