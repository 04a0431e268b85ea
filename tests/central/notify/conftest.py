"""The SMS tests: a real loopback gateway (central.notify.fake_gateway) and queued bookings.

A queued booking is what a terminal's journal replays: the plain body sealed to the central's
journal-sealing key (`sealed_body`), exactly as sync/worker.py sends it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import requests

from central.notify.fake_gateway import FakeGateway
from kiosk.keys import x25519_public_from_b64
from kiosk.sealing import seal
from kiosk.signing import canonical
from tests.central.conftest import RunningCentral

TOKEN = "sms-test-token"


@pytest.fixture
def gateway() -> Iterator[FakeGateway]:
    with FakeGateway(token=TOKEN) as fake:
        yield fake


def sealed_body(central: RunningCentral, body: dict[str, Any]) -> dict[str, Any]:
    config = requests.get(central.url("/v1/config"), headers=central.auth(), timeout=10).json()
    public = x25519_public_from_b64(config["keys"]["journal_sealing"]["public"])
    box = seal(canonical(body), public, ("booking:" + body["booking_id"]).encode())
    return {"booking_id": body["booking_id"], "sealed": box}


def rows(central: RunningCentral, **kw: Any) -> list[Any]:
    return central.central.store.notifications(**kw)
