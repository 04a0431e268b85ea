"""The demo's central sends its SMS to the loopback fake gateway DemoEnvironment starts (no card
reader needed: a web booking is the event here)."""

from __future__ import annotations

import stat
from datetime import datetime, timedelta

import requests

from kiosk.cli.demo_env import DemoEnvironment
from kiosk.dates import BANGKOK
from kiosk.demo_people import demo_person
from tests.central.conftest import booking_body


def test_the_demo_central_really_sends_its_sms(tmp_path):
    env = DemoEnvironment(tmp_path / "demo")
    try:
        env.start_central(capacity=5)
        assert env.sms_sent() == 0  # the seeded booking announces nothing
        token_file = env.base / "central" / "sms-token"
        assert stat.S_IMODE(token_file.stat().st_mode) == 0o600
        token = env.central_cli("token", "--terminal", "web-demo-1", "--channel", "web")
        now = datetime.now(tz=BANGKOK)
        tomorrow = now.date() + timedelta(days=1)
        body = booking_body(
            demo_person("bangkok", now.date()),
            f"scg-bang-sue-{tomorrow:%Y%m%d}-1100",
            channel="web",
            confirmed_at=now.replace(microsecond=0) - timedelta(minutes=1),
        )
        r = requests.post(
            env.url + "/v1/bookings",
            json=body,
            headers={"Authorization": f"Bearer {token}", "Idempotency-Key": body["booking_id"]},
            timeout=10,
        )
        assert r.status_code == 201, r.text
        assert env.sms_sent(settle=10) == 1
        [message] = env.sms.snapshot()
        assert message["id"] == f"{r.json()['reference']}:booked"
        assert message["to"] == "+66812345678"
    finally:
        env.close()
    assert env.sms is None
