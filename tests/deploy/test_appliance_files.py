"""The appliance files agree with the code they install: paths, users, printers, log files."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk.cli.provision import SYSTEM_HOME
from kiosk.config import SYSTEM_CONFIG
from printer.discover import RECEIPT_PRINTER_VENDORS

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"


def unit(name: str) -> dict[str, list[str]]:
    values: dict[str, list[str]] = {}
    for line in (DEPLOY / "systemd" / name).read_text().splitlines():
        if "=" in line and not line.startswith(("#", "[")):
            key, _, value = line.partition("=")
            values.setdefault(key.strip(), []).append(value.strip())
    return values


def test_the_service_runs_the_kiosk_unprivileged_after_pcscd_and_restarts():
    u = unit("thairuamjai-kiosk.service")
    assert u["User"] == ["kiosk"] and u["Restart"] == ["always"]
    assert "pcscd.socket" in u["After"][0] and "pcscd.socket" in u["Wants"][0]
    assert u["ExecStart"][0].endswith(" run") and "cage" in u["ExecStart"][0]
    env = dict(e.split("=", 1) for e in u["Environment"])
    assert env["KIOSK_CONFIG"] == str(SYSTEM_CONFIG)
    assert env["KIOSK_HOME"] == str(SYSTEM_HOME)
    assert u["NoNewPrivileges"] == ["yes"] and u["ProtectSystem"] == ["strict"]


def test_the_command_the_service_starts_exists_and_parses():
    u = unit("thairuamjai-kiosk.service")
    argv = u["ExecStart"][0].split(" -- ", 1)[1].split()
    assert argv[0] == "/opt/thairuamjai-kiosk/.venv/bin/kiosk"
    out = subprocess.run(
        [sys.executable, "-m", "kiosk", *argv[1:], "--help"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert out.returncode == 0, out.stderr
    assert "touchscreen" in out.stdout
    pre = u["ExecStartPre"][0].lstrip("-").split()
    out = subprocess.run(
        [sys.executable, "-m", "kiosk", *pre[1:], "--help"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert out.returncode == 0 and "doctor" in out.stdout


def test_the_log_the_service_writes_is_the_one_logrotate_rotates():
    u = unit("thairuamjai-kiosk.service")
    log_file = u["ExecStart"][0].split("--log-file ")[1].split()[0]
    head = (DEPLOY / "logrotate" / "thairuamjai-kiosk").read_text().split("{")[0]
    rotated = head.strip().splitlines()[-1].strip()
    assert Path(log_file).parent == Path(rotated).parent


def test_every_printer_vendor_provisioning_looks_for_is_allowed_by_udev():
    rules = (DEPLOY / "udev" / "60-thairuamjai-receipt-printers.rules").read_text()
    for vendor in RECEIPT_PRINTER_VENDORS:
        assert f'ATTRS{{idVendor}}=="{vendor:04x}", MODE="0660", GROUP="lp"' in rules


def test_install_script_is_valid_shell_and_installs_every_file():
    subprocess.run(["bash", "-n", str(DEPLOY / "install.sh")], check=True)
    script = (DEPLOY / "install.sh").read_text()
    for path in DEPLOY.rglob("*"):
        if path.is_file() and path.name != "install.sh":
            assert f"deploy/{path.relative_to(DEPLOY)}" in script, path


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="no systemd-analyze here")
def test_systemd_accepts_every_directive_of_the_unit(tmp_path):
    """systemd-analyze verify, with the two programs this machine lacks swapped for /bin/true."""
    text = (DEPLOY / "systemd" / "thairuamjai-kiosk.service").read_text()
    text = text.replace("/usr/bin/cage", "/bin/true").replace(
        "/opt/thairuamjai-kiosk/.venv/bin/kiosk", "/bin/true"
    )
    copy = tmp_path / "thairuamjai-kiosk.service"
    copy.write_text(text)
    out = subprocess.run(
        ["systemd-analyze", "verify", str(copy)], capture_output=True, text=True, check=False
    )
    problems = [ln for ln in out.stderr.splitlines() if "thairuamjai-kiosk.service" in ln]
    assert out.returncode == 0 and not problems, out.stderr
