"""The terminal's configuration: one TOML file, every problem named by its key.

Where the file is: `--config FILE`, else `$KIOSK_CONFIG`, else `/etc/thairuamjai-kiosk/kiosk.toml`
if it exists, else `~/.config/thairuamjai-kiosk/kiosk.toml`. Where the journal and cache live:
`$KIOSK_HOME`, else the per-user data directory `~/.local/share/thairuamjai-kiosk`.

    [central]
    url = "https://central.example.go.th"   # https, or http only to a loopback address
    token_file = "/etc/thairuamjai-kiosk/token"   # mode 0600, readable by the kiosk user only
    ca_bundle = ""                          # optional: a CA bundle for the central's TLS
    connect_timeout = 1.0
    read_timeout = 2.0

    [terminal]
    id = "T-0001"
    store = "7-Eleven Lat Phrao 101"

    [printer]
    uri = "usb://04b8:0e15"                 # or serial://, tcp://, file://, cups://, preview://
    paper = 80                              # 80 or 58 mm

    [reader]
    name = ""                               # empty: the first reader holding a card

    [technician]
    pin_hash = ""                           # optional: set with `kiosk technician set-pin`
                                            # (a salted scrypt hash; empty: no technician mode)

    [clerk]
    pin_hash = ""                           # optional: set with `kiosk clerk set-pin`
                                            # (a salted scrypt hash; empty: no clerk screen)

A technician reads the error and fixes the file; nothing falls back silently to a default that
would book against the wrong central.
"""

from __future__ import annotations

import ipaddress
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from kiosk.errors import KioskError
from kiosk.technician import looks_like_hash

APP = "thairuamjai-kiosk"
SYSTEM_CONFIG = Path("/etc") / APP / "kiosk.toml"
PRINTER_SCHEMES = ("usb", "serial", "tcp", "file", "cups", "preview")


class ConfigError(KioskError):
    code = "bad-config"
    exit_status = 3

    def __init__(self, key: str, problem: str, path: Path | None = None) -> None:
        where = f" in {path}" if path else ""
        super().__init__(
            f"การตั้งค่าเครื่องไม่ถูกต้อง ({key}) กรุณาแจ้งเจ้าหน้าที่เทคนิค",
            f"terminal configuration{where}: {key} {problem}",
            key=key,
        )
        self.key = key


@dataclass(frozen=True, slots=True)
class TerminalConfig:
    path: Path | None
    central_url: str
    token_file: Path
    ca_bundle: Path | None
    connect_timeout: float
    read_timeout: float
    terminal_id: str
    store: str
    printer_uri: str
    paper: int
    reader_name: str | None
    home: Path
    #: The technician PIN as a salted scrypt hash (kiosk.technician); None: no technician mode.
    technician_pin_hash: str | None = None
    #: The store clerks' PIN as a salted scrypt hash (kiosk.clerk); None: no clerk screen.
    clerk_pin_hash: str | None = None

    @property
    def journal_path(self) -> Path:
        return self.home / "journal.sqlite"

    @property
    def cache_dir(self) -> Path:
        return self.home / "cache"

    def token(self) -> str:
        """The bearer token; refused if others could read it (DESIGN §8)."""
        try:
            st = self.token_file.stat()
            text = self.token_file.read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ConfigError(
                "[central] token_file", f"cannot be read: {exc.strerror}", self.path
            ) from None
        if st.st_mode & 0o077:
            raise ConfigError(
                "[central] token_file",
                f"{self.token_file} is readable by other users; run chmod 600 {self.token_file}",
                self.path,
            )
        if not text:
            raise ConfigError("[central] token_file", f"{self.token_file} is empty", self.path)
        return text


def default_home(env: Mapping[str, str] = os.environ) -> Path:
    if env.get("KIOSK_HOME"):
        return Path(env["KIOSK_HOME"])
    base = env.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / APP


def default_path(env: Mapping[str, str] = os.environ) -> Path:
    if env.get("KIOSK_CONFIG"):
        return Path(env["KIOSK_CONFIG"])
    if SYSTEM_CONFIG.exists():
        return SYSTEM_CONFIG
    base = env.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / APP / "kiosk.toml"


def load(path: str | Path | None = None, env: Mapping[str, str] = os.environ) -> TerminalConfig:
    p = Path(path) if path is not None else default_path(env)
    try:
        data = tomllib.loads(p.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(
            "file",
            f"{p} does not exist (give --config FILE, set KIOSK_CONFIG, or run kiosk provision)",
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError("file", f"{p} cannot be read: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError("file", f"{p} is not valid TOML: {exc}") from None
    except RecursionError:  # tomllib recurses per nesting level (found by fuzz/config.py)
        raise ConfigError("file", f"{p} is not valid TOML: values nested too deeply") from None
    return from_mapping(data, p, env)


def from_mapping(
    data: Mapping[str, Any], path: Path | None = None, env: Mapping[str, str] = os.environ
) -> TerminalConfig:
    def section(name: str) -> Mapping[str, Any]:
        value = data.get(name, {})
        if not isinstance(value, Mapping):
            raise ConfigError(f"[{name}]", "must be a table", path)
        return value

    def text(sec: str, key: str, *, required: bool = True, default: str = "") -> str:
        value = section(sec).get(key, None)
        if value is None:
            if required:
                raise ConfigError(f"[{sec}] {key}", "is missing", path)
            return default
        if not isinstance(value, str):
            raise ConfigError(f"[{sec}] {key}", "must be a string", path)
        if required and not value.strip():
            raise ConfigError(f"[{sec}] {key}", "must not be empty", path)
        return value.strip()

    def number(sec: str, key: str, default: float, lo: float, hi: float) -> float:
        value = section(sec).get(key, default)
        if isinstance(value, bool) or not isinstance(value, int | float) or not lo <= value <= hi:
            raise ConfigError(f"[{sec}] {key}", f"must be a number from {lo} to {hi}", path)
        return float(value)

    base = path.parent if path else Path.cwd()

    def file_path(value: str) -> Path:
        p = Path(value).expanduser()
        return p if p.is_absolute() else base / p

    url = text("central", "url").rstrip("/")
    _check_url(url, path)
    ca = text("central", "ca_bundle", required=False)
    if ca and not file_path(ca).is_file():
        raise ConfigError("[central] ca_bundle", f"{file_path(ca)} does not exist", path)
    uri = text("printer", "uri")
    scheme = uri.split(":", 1)[0] if ":" in uri else ""
    if scheme not in PRINTER_SCHEMES:
        raise ConfigError(
            "[printer] uri",
            f"must start with one of {', '.join(PRINTER_SCHEMES)}: (got {uri!r})",
            path,
        )
    paper = section("printer").get("paper", 80)
    if paper not in (58, 80) or isinstance(paper, bool):
        raise ConfigError("[printer] paper", "must be 80 or 58", path)
    reader = text("reader", "name", required=False)
    pin_hash = text("technician", "pin_hash", required=False)
    if pin_hash and not looks_like_hash(pin_hash):
        raise ConfigError(
            "[technician] pin_hash",
            "is not a PIN hash; set it with kiosk technician set-pin (never write the PIN itself)",
            path,
        )
    clerk_hash = text("clerk", "pin_hash", required=False)
    if clerk_hash and not looks_like_hash(clerk_hash):
        raise ConfigError(
            "[clerk] pin_hash",
            "is not a PIN hash; set it with kiosk clerk set-pin (never write the PIN itself)",
            path,
        )
    return TerminalConfig(
        path=path,
        central_url=url,
        token_file=file_path(text("central", "token_file")),
        ca_bundle=file_path(ca) if ca else None,
        connect_timeout=number("central", "connect_timeout", 1.0, 0.1, 30),
        read_timeout=number("central", "read_timeout", 2.0, 0.1, 60),
        terminal_id=text("terminal", "id"),
        store=text("terminal", "store"),
        printer_uri=uri,
        paper=int(paper),
        reader_name=reader or None,
        home=default_home(env),
        technician_pin_hash=pin_hash or None,
        clerk_pin_hash=clerk_hash or None,
    )


def _check_url(url: str, path: Path | None) -> None:
    try:  # a stray "]" or "[" makes urllib raise instead of parsing (found by fuzz/config.py)
        parts = urlsplit(url)
        hostname = parts.hostname
    except ValueError:
        raise ConfigError("[central] url", f"is not a URL (got {url!r})", path) from None
    if parts.scheme not in ("https", "http") or not hostname:
        raise ConfigError("[central] url", f"must be an https:// URL (got {url!r})", path)
    if parts.scheme == "http" and not _is_loopback(hostname):
        raise ConfigError(
            "[central] url",
            "must use https (plain http only to a loopback address, for staging)",
            path,
        )


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def render(values: Mapping[str, Mapping[str, Any]]) -> str:
    """TOML text for a config (provisioning writes it); only strings, numbers and booleans."""
    lines = []
    for sec, items in values.items():
        lines.append(f"[{sec}]")
        for key, value in items.items():
            if isinstance(value, bool):
                lines.append(f"{key} = {'true' if value else 'false'}")
            elif isinstance(value, int | float):
                lines.append(f"{key} = {value}")
            else:
                escaped = str(value).replace("\\", "\\\\").replace('"', '\\"')
                lines.append(f'{key} = "{escaped}"')
        lines.append("")
    return "\n".join(lines)


def set_value(path: Path, section: str, key: str, value: str) -> None:
    """Set one string key in the TOML file, keeping every other line (and comment) as it is.

    Written to a temporary file and renamed, so a power cut leaves the old file or the new one;
    the file's mode is kept (it may be readable by the kiosk user only).
    """
    text = path.read_text(encoding="utf-8")
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    line = f'{key} = "{escaped}"'
    lines = text.splitlines()
    start = next((i for i, ln in enumerate(lines) if ln.strip() == f"[{section}]"), None)
    if start is None:
        gap = [""] if lines and lines[-1].strip() else []
        lines += [*gap, f"[{section}]", line]
    else:
        end = next(
            (i for i in range(start + 1, len(lines)) if lines[i].lstrip().startswith("[")),
            len(lines),
        )
        found = next(
            (
                i
                for i in range(start + 1, end)
                if lines[i].split("=", 1)[0].strip() == key and "=" in lines[i]
            ),
            None,
        )
        if found is None:
            lines.insert(start + 1, line)
        else:
            lines[found] = line
    new = "\n".join(lines) + "\n"
    tomllib.loads(new)  # never write a file the kiosk cannot read back
    mode = path.stat().st_mode & 0o777
    tmp = path.with_name(f".{path.name}.new")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(new)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)
