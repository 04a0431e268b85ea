"""`sync.provision.existing`: the config being replaced is read for what to keep, and whatever is
unreadable counts as no config (provisioning is how a broken terminal is repaired), including
the inputs fuzz/config.py found crashing the config loader."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sync.provision import existing


@pytest.mark.parametrize(
    "content",
    [
        b"\xff\xfe not utf-8 [terminal]",
        b"[terminal\nid = ",
        b"x = " + b"[" * 5000 + b"]" * 5000,  # deeper than tomllib's recursion
        b"a = " + b"{b = " * 3000 + b"1" + b"}" * 3000,
    ],
)
def test_an_unreadable_config_counts_as_none(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "kiosk.toml"
    path.write_bytes(content)
    assert existing(path) == {}


def test_a_missing_config_counts_as_none(tmp_path: Path) -> None:
    assert existing(tmp_path / "absent.toml") == {}


def test_only_tables_are_kept(tmp_path: Path) -> None:
    path = tmp_path / "kiosk.toml"
    path.write_text('terminal = 5\nprinter = "x"\n[reader]\nname = "vpcd"\n', encoding="utf-8")
    assert existing(path) == {"reader": {"name": "vpcd"}}


@given(st.binary(max_size=300))
def test_any_bytes_give_a_dict_of_tables(content: bytes) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "kiosk.toml"
        path.write_bytes(content)
        got = existing(path)
    assert isinstance(got, dict) and all(isinstance(v, dict) for v in got.values())
