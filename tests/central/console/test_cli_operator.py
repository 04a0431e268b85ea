"""`kiosk-central operator add / remove / list` on a real database file, through main()."""

from __future__ import annotations

import io
import json
from datetime import datetime, timedelta

import pytest

from central.cli import main
from central.console.passwords import verify_password
from central.store import open_store


def _add(db, name, password, monkeypatch, *extra) -> int:
    monkeypatch.setattr("sys.stdin", io.StringIO(password + "\n"))
    return main(["operator", "add", "--db", str(db), "--name", name, "--password-stdin", *extra])


def test_add_list_remove(tmp_path, monkeypatch, capsys) -> None:
    db = tmp_path / "c.db"
    assert _add(db, "alice", "a long password", monkeypatch, "--role", "technician") == 0
    assert _add(db, "bob", "another long one", monkeypatch) == 0
    capsys.readouterr()
    assert main(["operator", "list", "--db", str(db), "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [(o["name"], o["role"]) for o in listed] == [
        ("alice", "technician"),
        ("bob", "operator"),
    ]
    store = open_store(db)
    _, stored = store.operator_password("alice")
    assert stored.startswith("scrypt$16384$8$1$") and "a long password" not in stored
    assert verify_password("a long password", stored)
    now = datetime.now().astimezone()
    token = store.new_console_session("alice", now, timedelta(hours=1), timedelta(hours=1))
    assert store.console_session(token, now) is not None
    assert main(["operator", "remove", "--db", str(db), "--name", "alice"]) == 0
    assert store.console_session(token, now) is None
    assert [o.name for o in store.operators()] == ["bob"]
    actions = [(a.action, a.target) for a in store.audit_page()]
    assert actions[0] == ("operator-removed", "alice")


@pytest.mark.parametrize(
    ("name", "password", "th"),
    [
        ("alice", "short", "รหัสผ่านต้องมีอย่างน้อย"),
        ("two words", "a long password", "ชื่อผู้ใช้ต้องมี"),
        ("", "a long password", "ชื่อผู้ใช้ต้องมี"),
    ],
)
def test_bad_input_is_refused_in_thai_and_english(
    tmp_path, monkeypatch, capsys, name, password, th
):
    db = tmp_path / "c.db"
    assert _add(db, name, password, monkeypatch) == 2
    err = capsys.readouterr().err
    assert th in err
    assert open_store(db).operators() == []


def test_a_name_taken_and_an_unknown_name(tmp_path, monkeypatch, capsys) -> None:
    db = tmp_path / "c.db"
    assert _add(db, "alice", "a long password", monkeypatch) == 0
    assert _add(db, "alice", "a long password 2", monkeypatch) == 2
    assert "มีผู้ใช้ชื่อนี้อยู่แล้ว" in capsys.readouterr().err
    assert main(["operator", "remove", "--db", str(db), "--name", "nobody"]) == 2
    assert "no operator 'nobody'" in capsys.readouterr().err


def test_disable_enable_and_replace_the_password(tmp_path, monkeypatch, capsys) -> None:
    db = tmp_path / "c.db"
    assert _add(db, "alice", "a long password", monkeypatch) == 0
    store = open_store(db)
    now = datetime.now().astimezone()
    hour = timedelta(hours=1)
    token = store.new_console_session("alice", now, hour, hour)
    code = store.new_signin_code("alice", now, hour)
    assert main(["operator", "disable", "--db", str(db), "--name", "alice"]) == 0
    assert store.console_session(token, now) is None
    assert store.spend_signin_code(code, now) is None
    assert [o.disabled for o in store.operators()] == [True]
    assert main(["operator", "enable", "--db", str(db), "--name", "alice"]) == 0
    assert [o.disabled for o in store.operators()] == [False]

    token = store.new_console_session("alice", now, hour, hour)
    monkeypatch.setattr("sys.stdin", io.StringIO("a brand new password\n"))
    argv = ["operator", "password", "--db", str(db), "--name", "alice", "--password-stdin"]
    assert main(argv) == 0
    assert store.console_session(token, now) is None
    _, stored = store.operator_password("alice")
    assert verify_password("a brand new password", stored)
    assert not verify_password("a long password", stored)
    actions = [a.action for a in store.audit_page()][:3]
    assert actions == ["operator-password-set", "operator-enabled", "operator-disabled"]
    capsys.readouterr()

    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    assert main(argv) == 2
    assert "รหัสผ่านต้องมีอย่างน้อย" in capsys.readouterr().err
    assert verify_password("a brand new password", store.operator_password("alice")[1])
    for action in ("disable", "enable"):
        assert main(["operator", action, "--db", str(db), "--name", "nobody"]) == 2
        assert "ไม่พบผู้ใช้ชื่อนี้" in capsys.readouterr().err
