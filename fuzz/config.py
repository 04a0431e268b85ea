"""Fuzz the terminal config loader: any bytes in kiosk.toml.

The input is written to a real file and read by `kiosk.config.load`, as `kiosk run` reads it;
the one answer allowed besides a config is `ConfigError` (bilingual, naming the key). A config
that loads must also render back to TOML that loads to the same values (provisioning writes the
file with `render`). Seeds: the config `kiosk provision` writes, the documented example, and
the variants the tests use (58 mm paper, a CA bundle, PIN hashes).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import atheris

with atheris.instrument_imports():
    from kiosk import config as configlib

from fuzz.harness import NESTED, Finding, main, refused_or_result, toml_text

_DIR = Path(tempfile.mkdtemp(prefix="fuzz-config-"))
_FILE = _DIR / "kiosk.toml"
(_DIR / "ca.pem").write_text("-----BEGIN CERTIFICATE-----\n", encoding="utf-8")
_ENV = {"KIOSK_HOME": str(_DIR / "home")}


def check(data: bytes) -> configlib.TerminalConfig:
    _FILE.write_bytes(data)
    cfg = configlib.load(_FILE, _ENV)
    again = configlib.from_mapping(_values(cfg), _FILE, _ENV)
    if again != cfg:
        raise Finding("a loaded config does not survive render and load")
    return cfg


def _values(cfg: configlib.TerminalConfig) -> dict:
    import tomllib

    values = {
        "central": {
            "url": cfg.central_url,
            "token_file": str(cfg.token_file),
            "connect_timeout": cfg.connect_timeout,
            "read_timeout": cfg.read_timeout,
            **({"ca_bundle": str(cfg.ca_bundle)} if cfg.ca_bundle else {}),
        },
        "terminal": {"id": cfg.terminal_id, "store": cfg.store},
        "printer": {"uri": cfg.printer_uri, "paper": cfg.paper},
        "reader": {"name": cfg.reader_name or ""},
        "technician": {"pin_hash": cfg.technician_pin_hash or ""},
        "clerk": {"pin_hash": cfg.clerk_pin_hash or ""},
    }
    return tomllib.loads(configlib.render(values))


def test_one_input(data: bytes) -> None:
    refused_or_result(lambda: check(toml_text(data)))


def seeds() -> list[bytes]:
    from kiosk.technician import hash_pin

    base = {
        "central": {
            "url": "http://127.0.0.1:8000",
            "token_file": "token",
            "connect_timeout": 1.0,
            "read_timeout": 2.0,
        },
        "terminal": {"id": "T-0001", "store": "7-Eleven Lat Phrao 101"},
        "printer": {"uri": "usb://04b8:0e15", "paper": 80},
        "reader": {"name": ""},
    }
    out = [configlib.render(base).encode()]
    variant = {k: dict(v) for k, v in base.items()}
    variant["central"].update(url="https://central.example.go.th/", ca_bundle="ca.pem")
    variant["printer"].update(uri="serial:///dev/ttyUSB0?baud=19200", paper=58)
    variant["reader"]["name"] = "vpcd 0"
    variant["technician"] = {"pin_hash": hash_pin("246810")}
    variant["clerk"] = {"pin_hash": hash_pin("135791")}
    out.append(configlib.render(variant).encode())
    doc = (configlib.__doc__ or "").split("\n\n    [central]", 1)[1].split("\n\nA technician")[0]
    out.append(("[central]" + doc).replace("\n    ", "\n").encode())
    out.append(b'[terminal]\nid = "\xe0\xb8\x81"\n')
    out.append(bytes([NESTED, 0, 3, 0]) + out[0])  # with a key nested three arrays deep
    os.environ.pop("KIOSK_CONFIG", None)
    return out


if __name__ == "__main__":
    main(test_one_input, seeds)
