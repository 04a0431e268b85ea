"""The terminal's own Ed25519 key (DESIGN §11): made at enrolment, 0600 beside the token, sent
as `public_key`; kept when provisioning again; rotated by --reset-keys (PUT /v1/terminals/me/key);
made for a terminal enrolled before this release; a central that refuses the member still
enrols the terminal, with a warning. A real central (behind the loopback lease front)."""

from __future__ import annotations

import base64
import stat
from datetime import timedelta
from pathlib import Path

import pytest

from kiosk.keys import load_ed25519_private, raw_public
from sync.provision import provision
from sync.terminal import TERMINAL_KEY_FILE
from tests.sync.leasedesk import LeaseDesk


@pytest.fixture
def desk(central):
    d = LeaseDesk(central.base_url)
    yield d
    d.close()


def code(central) -> str:
    return central.central.store.new_enrolment_code("S-1", central.clock.now, timedelta(hours=1))


def run(central, url: str, cfg: Path, **kw):
    return provision(
        url=url,
        code=code(central),
        config_path=cfg,
        store="S-1",
        terminal_id="T-1",
        printer_uri="file:///dev/null",
        env={"KIOSK_HOME": str(cfg.parent / "data")},
        **kw,
    )


def public_of(path: Path) -> str:
    return base64.b64encode(raw_public(load_ed25519_private(path).public_key())).decode()


def test_enrolment_makes_the_key_and_sends_its_public_half(central, desk, tmp_path):
    cfg = tmp_path / "etc" / "kiosk.toml"
    result = run(central, desk.url, cfg)
    key = cfg.parent / TERMINAL_KEY_FILE
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert key.parent == (cfg.parent / "token").parent  # beside the token
    (enrolled,) = [b for k, b in desk.seen if k == "enrol"]
    assert enrolled["public_key"] == public_of(key)
    assert len(base64.b64decode(enrolled["public_key"])) == 32
    assert result.warnings == [] or all("seat leases" in w for w in result.warnings)
    assert any("registered with the central" in s for s in result.steps)
    assert "BEGIN" not in key.read_text() and enrolled["public_key"] not in key.read_text()


def test_provisioning_again_keeps_the_key_and_reset_keys_rotates_it(central, desk, tmp_path):
    cfg = tmp_path / "etc" / "kiosk.toml"
    run(central, desk.url, cfg)
    key = cfg.parent / TERMINAL_KEY_FILE
    first = public_of(key)
    run(central, desk.url, cfg)
    assert public_of(key) == first
    assert [k for k, _ in desk.seen].count("key") == 0
    run(central, desk.url, cfg, reset_keys=True)
    second = public_of(key)
    assert second != first
    (put,) = [b for k, b in desk.seen if k == "key"]
    assert put == {"public_key": second}
    assert [b for k, b in desk.seen if k == "enrol"][-1]["public_key"] == second


def test_a_terminal_enrolled_before_leases_gets_its_key_at_the_next_provision(
    central, desk, tmp_path
):
    cfg = tmp_path / "etc" / "kiosk.toml"
    run(central, desk.url, cfg)
    key = cfg.parent / TERMINAL_KEY_FILE
    key.unlink()  # as a terminal provisioned by the release before
    run(central, desk.url, cfg)
    assert key.exists() and stat.S_IMODE(key.stat().st_mode) == 0o600
    assert [b for k, b in desk.seen if k == "enrol"][-1]["public_key"] == public_of(key)


def test_a_central_before_leases_still_enrols_with_a_warning(central, desk, tmp_path):
    """A central from before leases refuses the unknown member (422, nothing spent):
    enrolment goes on without it and says the key is not registered."""
    desk.before_leases = True
    cfg = tmp_path / "etc" / "kiosk.toml"
    result = run(central, desk.url, cfg)
    assert (cfg.parent / "token").exists()
    assert (cfg.parent / TERMINAL_KEY_FILE).exists()
    assert any("not registered" in w for w in result.warnings), result.warnings


def test_a_damaged_key_file_is_a_clear_error(central, desk, tmp_path):
    from sync.provision import ProvisionError

    cfg = tmp_path / "etc" / "kiosk.toml"
    run(central, desk.url, cfg)
    (cfg.parent / TERMINAL_KEY_FILE).write_text("not a key\n")
    with pytest.raises(ProvisionError) as err:
        run(central, desk.url, cfg)
    assert err.value.code == "terminal-key-bad" and err.value.th and "--reset-keys" in err.value.en
    run(central, desk.url, cfg, reset_keys=True)  # the way out
    assert load_ed25519_private(cfg.parent / TERMINAL_KEY_FILE)
