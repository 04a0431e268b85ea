"""Putting a new terminal into service: enrol with the central, store the token privately, write
the config, pin the central's keys and fill the offline cache.

Safe to run again: enrolling the same terminal id replaces its token (the central's rule), settings
not given keep their current values, and pinned keys are kept unless `reset_keys` is asked for.
"""

from __future__ import annotations

import os
import pwd
import socket
import tempfile
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric import ed25519

from kiosk import config as cfg
from kiosk.booking.errors import CentralRejected, CentralUnavailable
from kiosk.errors import KioskError
from kiosk.keys import KeyFileError, b64, key_id, load_ed25519_private, raw_private, raw_public
from sync.client import CentralClient
from sync.terminal import TERMINAL_KEY_FILE, Terminal


class ProvisionError(KioskError):
    code = "provision-failed"
    exit_status = 3

    def __init__(self, en: str, th: str = "ติดตั้งเครื่องไม่สำเร็จ", code: str | None = None) -> None:
        super().__init__(th, en)
        if code:
            self.code = code


ENROLMENT_MESSAGES = {
    "enrolment-code-unknown": ("รหัสลงทะเบียนไม่ถูกต้อง", "the enrolment code is not known"),
    "enrolment-code-used": ("รหัสลงทะเบียนนี้ถูกใช้ไปแล้ว", "the enrolment code was used already"),
    "enrolment-code-expired": ("รหัสลงทะเบียนหมดอายุ", "the enrolment code has expired"),
    "enrolment-store-mismatch": (
        "รหัสลงทะเบียนนี้เป็นของร้านอื่น",
        "the enrolment code was issued for another store",
    ),
}


@dataclass
class Provisioned:
    config_path: Path
    token_path: Path
    terminal_id: str
    store: str
    steps: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def default_terminal_id() -> str:
    host = "".join(c if c.isalnum() or c in "-._" else "-" for c in socket.gethostname())
    return f"T-{host}"[:64]


def existing(path: Path) -> dict[str, Any]:
    """The tables of the config being replaced, to keep what the technician does not give again.

    Whatever is unreadable counts as no config (provisioning is how a broken terminal is
    repaired): a missing file, bytes that are not UTF-8, TOML that does not parse or is nested
    too deeply for the parser (a RecursionError, found by fuzz/config.py), and a table that is
    not a table (`terminal = 5`)."""
    try:
        loaded = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, RecursionError):
        return {}
    return {name: value for name, value in loaded.items() if isinstance(value, dict)}


def write_private(path: Path, text: str, owner: str | None = None) -> None:
    """Write atomically, mode 0600, owned by `owner` (the kiosk user) when root provisions."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o600)
        if owner:
            user = pwd.getpwnam(owner)
            os.chown(tmp, user.pw_uid, user.pw_gid)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


#: The token's file name, beside the config.
TOKEN_FILE = "token"  # noqa: S105  a file name, not a secret


def ensure_terminal_key(
    directory: Path, owner: str | None = None, *, reset: bool = False
) -> tuple[ed25519.Ed25519PrivateKey, bool]:
    """The terminal's Ed25519 key in `directory` (beside the token), made if missing or if
    `reset` asks for a new one; (key, made now). Written like the token: atomically, 0600,
    owned by the kiosk user. A file that is there but unusable is replaced only on `reset`."""
    path = directory / TERMINAL_KEY_FILE
    if path.exists() and not reset:
        try:
            key = load_ed25519_private(path)
        except KeyFileError as exc:
            raise ProvisionError(
                f"the terminal key {path} is unusable ({exc.en}); make a new one with "
                "kiosk provision --reset-keys",
                "กุญแจของเครื่องเสียหาย กรุณาติดตั้งใหม่ด้วย --reset-keys",
                code="terminal-key-bad",
            ) from None
        os.chmod(path, 0o600)  # an older copy may have been loosened by hand
        if owner:
            user = pwd.getpwnam(owner)
            os.chown(path, user.pw_uid, user.pw_gid)
        return key, False
    key = ed25519.Ed25519PrivateKey.generate()
    write_private(path, b64(raw_private(key)) + "\n", owner)
    return key, True


def public_b64(key: ed25519.Ed25519PrivateKey) -> str:
    return b64(raw_public(key.public_key()))


def write_terminal(
    config_path: Path,
    token: str,
    values: Mapping[str, Mapping[str, Any]],
    owner: str | None = None,
) -> Path:
    """The token (beside the config, mode 0600) and the config that points at it.

    What provisioning writes once the central has issued a token; staging set-ups, tests and
    benchmarks that got their token another way write a terminal the same way.
    """
    token_path = config_path.parent / TOKEN_FILE
    write_private(token_path, token.strip() + "\n", owner)
    sections = {name: dict(items) for name, items in values.items()}
    sections.setdefault("central", {})["token_file"] = str(token_path)
    write_private(config_path, cfg.render(sections), owner)
    return config_path


def _refuses_public_key(exc: CentralRejected) -> bool:
    """A central from before seat leases: its strict enrolment model refuses the member."""
    return exc.status == 422 and "public_key" in repr(exc.problem)


def enrol(
    url: str,
    code: str,
    terminal_id: str,
    store: str,
    ca_bundle: str | None = None,
    public_key: str | None = None,
) -> dict[str, Any]:
    """POST /v1/terminals. The reply gains `key_registered`: whether the central took the
    terminal's public key (a central from before seat leases refuses the member; enrolment
    then goes ahead without it, and the next provisioning registers it)."""
    client = CentralClient(url, None, ca_bundle=ca_bundle, connect_timeout=3, read_timeout=10)
    body: dict[str, Any] = {"enrolment_code": code, "terminal_id": terminal_id, "store": store}
    registered = public_key is not None
    try:
        try:
            reply = client.request(
                "POST",
                "/v1/terminals",
                deadline=20,
                retries=1,
                json={**body, "public_key": public_key} if public_key else body,
            )
        except CentralRejected as exc:
            if not (public_key and _refuses_public_key(exc)):
                raise
            registered = False  # a validation error: the code was not spent
            reply = client.request("POST", "/v1/terminals", deadline=20, retries=1, json=body)
    except CentralRejected as exc:
        th, en = ENROLMENT_MESSAGES.get(
            exc.code, ("ระบบกลางไม่รับการลงทะเบียน", f"the central refused: {exc.detail}")
        )
        raise ProvisionError(en, th, code=exc.code) from None
    except CentralUnavailable as exc:
        raise ProvisionError(
            f"cannot reach the central at {url}: {exc.en}", "ติดต่อระบบกลางไม่ได้", code=exc.code
        ) from None
    finally:
        client.close()
    if not isinstance(reply, dict) or not isinstance(reply.get("token"), str):
        raise ProvisionError("the central's enrolment reply has no token", code="central-garbled")
    return {**reply, "key_registered": registered}


def register_key(url: str, token: str, public_key: str, ca_bundle: str | None = None) -> str | None:
    """PUT /v1/terminals/me/key: the terminal's new public key (after --reset-keys). None when
    the central took it, else why not (for a warning: the key also went with the enrolment)."""
    client = CentralClient(url, token, ca_bundle=ca_bundle, connect_timeout=3, read_timeout=10)
    try:
        client.request(
            "PUT", "/v1/terminals/me/key", json={"public_key": public_key}, deadline=20, retries=1
        )
    except (CentralRejected, CentralUnavailable) as exc:
        return f"{exc.code}: {exc.en}"
    finally:
        client.close()
    return None


def _key_step(
    result: Provisioned,
    reply: Mapping[str, Any],
    key: ed25519.Ed25519PrivateKey,
    *,
    made: bool,
    reset: bool,
    url: str,
    ca_bundle: str | None,
) -> None:
    """Say what became of the terminal key; after --reset-keys, register it with PUT too."""
    key_path = result.config_path.parent / TERMINAL_KEY_FILE
    kid = key_id(raw_public(key.public_key()))
    if not reply["key_registered"]:
        result.warnings.append(
            f"the central does not take terminal keys yet (a central before seat leases); the "
            f"terminal key {kid} in {key_path} is not registered, so slips confirmed offline "
            "cannot be checked: run kiosk provision again once the central is upgraded"
        )
        return
    if reset:
        problem = register_key(url, reply["token"], public_b64(key), ca_bundle)
        if problem:
            result.warnings.append(f"the new terminal key went with the enrolment only: {problem}")
    result.steps.append(
        f"terminal key {kid} {'made' if made else 'kept'} in {key_path} (mode 0600), "
        "registered with the central"
    )


def _lease_step(result: Provisioned, report: Any) -> None:
    if report.lease_seats is not None:
        result.steps.append(f"seat leases refreshed: {report.lease_seats} seat(s) held")
    else:
        result.warnings.append(
            "seat leases not refreshed ("
            + "; ".join(report.lease_errors)
            + "): bookings are queued while offline until they are"
        )


def provision(
    *,
    url: str,
    code: str,
    config_path: Path,
    store: str | None = None,
    terminal_id: str | None = None,
    printer_uri: str | None = None,
    paper: int | None = None,
    reader: str | None = None,
    ca_bundle: str | None = None,
    owner: str | None = None,
    reset_keys: bool = False,
    extra: Mapping[str, Mapping[str, Any]] | None = None,
    env: Mapping[str, str] = os.environ,
) -> Provisioned:
    """Enrol, write token and config, refresh the cache. Raises ProvisionError on any failure."""
    old = existing(config_path)
    old_terminal = old.get("terminal", {})
    store = store or old_terminal.get("store")
    if not store:
        raise ProvisionError(
            "--store is required the first time a terminal is provisioned",
            "กรุณาระบุรหัสร้าน (--store)",
            code="store-missing",
        )
    terminal_id = terminal_id or old_terminal.get("id") or default_terminal_id()
    # The terminal's own key first: it goes with the enrolment. Made here for a new terminal,
    # and for one enrolled before seat leases; kept otherwise; replaced by --reset-keys.
    key, made = ensure_terminal_key(config_path.parent, owner, reset=reset_keys)
    reply = enrol(url, code, terminal_id, store, ca_bundle, public_key=public_b64(key))
    token_path = config_path.parent / TOKEN_FILE
    result = Provisioned(
        config_path,
        token_path,
        str(reply.get("terminal_id", terminal_id)),
        str(reply.get("store", store)),
    )
    result.steps.append(
        f"enrolled as {result.terminal_id} for store {result.store}; token in "
        f"{token_path} (mode 0600)"
    )
    _key_step(result, reply, key, made=made, reset=reset_keys, url=url, ca_bundle=ca_bundle)
    old_printer, old_reader = old.get("printer", {}), old.get("reader", {})
    values: dict[str, dict[str, Any]] = {
        "central": {"url": url},
        "terminal": {"id": result.terminal_id, "store": result.store},
        "printer": {
            "uri": printer_uri or old_printer.get("uri") or "preview:///var/tmp/slips",
            "paper": paper or old_printer.get("paper", 80),
        },
        "reader": {"name": reader if reader is not None else old_reader.get("name", "")},
    }
    if ca_bundle:
        values["central"]["ca_bundle"] = ca_bundle
    for section, items in (extra or {}).items():
        values.setdefault(section, {}).update(items)
    for section, items in old.items():  # keep sections we do not manage (e.g. [technician])
        if section not in values and isinstance(items, dict):
            values[section] = dict(items)
    write_terminal(config_path, reply["token"], values, owner)
    config = cfg.load(config_path, env=env)
    terminal = Terminal(config)
    try:
        report = terminal.cache.refresh(terminal.client, reset_keys=reset_keys)
        if not report.ok:
            raise ProvisionError(
                "the offline cache could not be filled: " + "; ".join(report.errors),
                code="refresh-failed",
            )
        result.steps.append(
            f"pinned the central's keys; cached {report.sites} sites, "
            f"{report.slots} slots, rule set {report.rule_set}"
        )
        _lease_step(result, report)
        terminal.journal  # noqa: B018  create the journal now, not with the first customer
        result.steps.append(f"journal ready at {config.journal_path}")
    finally:
        terminal.close()
    if owner:
        user = pwd.getpwnam(owner)
        os.chown(token_path.parent / "cid-hash.key", user.pw_uid, user.pw_gid)
        for path in (config.home, config.cache_dir):
            os.chown(path, user.pw_uid, user.pw_gid)
        for child in config.home.rglob("*"):
            os.chown(child, user.pw_uid, user.pw_gid)
    return result
