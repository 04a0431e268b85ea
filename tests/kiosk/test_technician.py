"""The technician PIN: a salted slow hash, its config key, and the command that sets it."""

from __future__ import annotations

import os
import stat
import subprocess
import sys

import pytest

from kiosk import config
from kiosk.config import ConfigError
from kiosk.errors import InputError
from kiosk.technician import hash_pin, looks_like_hash, verify_pin
from tests.kiosk.test_config import GOOD


def test_the_right_pin_and_only_it_verifies():
    stored = hash_pin("24681357")
    assert verify_pin("24681357", stored)
    for wrong in ("24681358", "2468135", "", "abcdefgh", "24681357 "):
        assert not verify_pin(wrong, stored)


def test_the_pin_itself_is_never_stored_and_each_hash_is_salted():
    a, b = hash_pin("24681357"), hash_pin("24681357")
    assert a != b  # a random salt each time
    assert "24681357" not in a and looks_like_hash(a)
    assert a.startswith("scrypt$16384$8$1$")


@pytest.mark.parametrize("stored", [None, "", "24681357", "scrypt$x", "md5$1$2$3$4$5"])
def test_a_missing_or_malformed_hash_lets_nobody_in(stored):
    assert not verify_pin("24681357", stored)


@pytest.mark.parametrize("pin", ["12345", "1234567890123", "12345a", ""])
def test_pin_format(pin):
    with pytest.raises(InputError):
        hash_pin(pin)


def test_the_config_refuses_a_plain_pin(tmp_path):
    path = tmp_path / "kiosk.toml"
    path.write_text(GOOD + '\n[technician]\npin_hash = "24681357"\n', encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        config.load(path, env={"KIOSK_HOME": str(tmp_path)})
    assert err.value.key == "[technician] pin_hash"


def test_set_value_keeps_the_rest_of_the_file_and_its_mode(tmp_path):
    path = tmp_path / "kiosk.toml"
    path.write_text("# provisioned\n" + GOOD, encoding="utf-8")
    os.chmod(path, 0o600)
    stored = hash_pin("24681357")
    config.set_value(path, "technician", "pin_hash", stored)
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# provisioned\n") and 'name = "ACS"' in text
    loaded = config.load(path, env={"KIOSK_HOME": str(tmp_path)})
    assert loaded.technician_pin_hash == stored and loaded.reader_name == "ACS"
    again = hash_pin("13572468")
    config.set_value(path, "technician", "pin_hash", again)  # replaced, not appended
    assert path.read_text(encoding="utf-8").count("pin_hash") == 1
    assert config.load(path, env={"KIOSK_HOME": str(tmp_path)}).technician_pin_hash == again
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_kiosk_technician_set_pin(tmp_path):
    path = tmp_path / "kiosk.toml"
    path.write_text(GOOD, encoding="utf-8")
    env = {"KIOSK_HOME": str(tmp_path / "home")}
    proc = set_pin("set-pin", path, "97531864\n", env)
    assert proc.returncode == 0, proc.stderr
    stored = config.load(path, env=env).technician_pin_hash
    assert verify_pin("97531864", stored) and "97531864" not in path.read_text(encoding="utf-8")
    bad = set_pin("set-pin", path, "12\n", env)
    assert bad.returncode == 2 and "[bad-input]" in bad.stderr
    assert config.load(path, env=env).technician_pin_hash == stored  # unchanged


def set_pin(action, path, stdin, env):
    return subprocess.run(
        [sys.executable, "-m", "kiosk", "technician", action, "--config", str(path), "--pin-stdin"],
        input=stdin,
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        timeout=60,
        check=False,
    )
