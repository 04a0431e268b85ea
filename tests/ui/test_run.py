"""`kiosk run` as a technician starts it: a real process, offscreen, stopped as systemd stops it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from sync.provision import write_terminal


def test_kiosk_run_starts_and_stops_cleanly(tmp_path, central, reader):
    path = write_terminal(
        tmp_path / "kiosk.toml",
        central.tokens["kiosk-1"],
        {
            "central": {"url": central.base_url},
            "terminal": {"id": "T-0001", "store": "test"},
            "printer": {"uri": f"preview://{tmp_path / 'slips'}", "paper": 80},
            "reader": {"name": reader},
        },
    )
    env = {**os.environ, "KIOSK_HOME": str(tmp_path / "home"), "QT_QPA_PLATFORM": "offscreen"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "kiosk", "-v", "run", "--config", str(path), "--windowed"],
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert proc.stderr is not None
    deadline = time.monotonic() + 30
    seen = []
    while time.monotonic() < deadline:
        line = proc.stderr.readline()
        seen.append(line)
        if "kiosk running" in line:
            break
    else:
        proc.kill()
        raise AssertionError("".join(seen))
    time.sleep(1.0)  # let the service check and the cache refresh run once
    proc.send_signal(signal.SIGTERM)
    _, rest = proc.communicate(timeout=30)
    log = "".join(seen) + rest
    assert proc.returncode == 0, log
    assert "QThread" not in log and "Traceback" not in log
    assert (tmp_path / "home" / "journal.sqlite").exists()


def test_kiosk_run_with_a_bad_config_says_so_in_both_languages(tmp_path):
    from tests.kiosk.cli.conftest import assert_clean_failure

    path = tmp_path / "kiosk.toml"
    path.write_text("[central]\nurl = 'ftp://nowhere'\n", encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "kiosk", "run", "--config", str(path)],
        capture_output=True,
        text=True,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
        timeout=60,
        check=False,
    )
    assert_clean_failure(proc, 3, "bad-config")
