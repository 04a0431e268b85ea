"""`kiosk health report`: builds, sends and prints one report; exit 0 sent, 3 not sent."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from tests.central.conftest import start_central
from tests.sync.conftest import write_config
from tests.sync.test_health_report import count_puts


@pytest.fixture
def central(tmp_path):
    (tmp_path / "central").mkdir()
    running = start_central(tmp_path / "central")
    yield running
    running.stop()


def test_sent_then_not_sent(run_kiosk, central, tmp_path):
    home = tmp_path / "t"
    cfg = write_config(home, central.base_url, central.tokens["kiosk-1"])
    env = {"KIOSK_HOME": str(home / "data")}
    taken = count_puts(central)
    sent = run_kiosk("health", "report", "--config", str(cfg), "--json", env=env)
    assert sent.returncode == 0, sent.stderr
    out = json.loads(sent.stdout)
    assert out["sent"] is True and out["error"] is None
    stored = central.central.store.health_history("kiosk-1", central.clock.now - timedelta(1))
    assert [h[1]["checks"] for h in stored] == [out["report"]["checks"]]
    text = run_kiosk("health", "report", "--config", str(cfg), env=env)
    assert text.returncode == 0 and "sent / ส่งแล้ว" in text.stderr
    assert json.loads(text.stdout)["software"] == out["report"]["software"]

    dead = write_config(tmp_path / "d", "http://127.0.0.1:9", central.tokens["kiosk-1"])
    env = {"KIOSK_HOME": str(tmp_path / "d" / "data")}
    refused = run_kiosk("health", "report", "--config", str(dead), env=env)
    assert refused.returncode == 3, refused.stderr
    assert "ส่งไม่สำเร็จ" in refused.stderr and "central-unreachable" in refused.stderr
    assert "Traceback" not in refused.stderr
    assert taken == ["kiosk-1", "kiosk-1"]  # the two sent; the refused one reached nothing
