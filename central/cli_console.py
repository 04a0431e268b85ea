"""`kiosk-central operator ...`: the console's accounts (DESIGN §13, docs/console.md).

A password is read from standard input (`--password-stdin`), never from the command line (where
`ps` and the shell history would keep it), and stored as its scrypt hash.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable

from kiosk.errors import InputError

ROLES = ("operator", "technician")


def add_parsers(sub: argparse._SubParsersAction, db_command: Callable) -> None:
    op = sub.add_parser(
        "operator",
        help="the operations console's accounts",
        description=(
            "Adds, removes, disables and lists the accounts of the operations console "
            "(/console/), and replaces their passwords. "
            "Roles: operator (sees every page) and technician (also revokes terminal tokens "
            "and issues enrolment codes)."
        ),
    )
    ops = op.add_subparsers(dest="operator_command", required=True, metavar="ACTION")
    add = db_command(
        ops,
        "add",
        help="add an operator",
        description=(
            "Adds a console account. The password is the first line of standard input "
            "(at least 10 characters), stored as a salted scrypt hash."
        ),
    )
    add.add_argument("--name", required=True, help="the sign-in name")
    add.add_argument("--role", choices=ROLES, default="operator", help="what the account may do")
    add.add_argument(
        "--password-stdin",
        action="store_true",
        required=True,
        help="read the password from standard input (the only way to give it)",
    )
    add.set_defaults(handler=cmd_add)
    remove = db_command(
        ops,
        "remove",
        help="remove an operator",
        description=(
            "Removes a console account and ends its sessions at once (its audit rows stay)."
        ),
    )
    remove.add_argument("--name", required=True, help="the sign-in name")
    remove.set_defaults(handler=cmd_remove)
    for action, verb, text in (
        (
            "disable",
            "disable",
            "Disables a console account: its sessions and sign-in links end at once and it "
            "cannot sign in until enabled again. Its audit rows and settings stay.",
        ),
        ("enable", "enable", "Lets a disabled console account sign in again."),
    ):
        flip = db_command(ops, action, help=f"{verb} an operator", description=text)
        flip.add_argument("--name", required=True, help="the sign-in name")
        flip.set_defaults(handler=cmd_disable if action == "disable" else cmd_enable)
    reset = db_command(
        ops,
        "password",
        help="replace an operator's password",
        description=(
            "Replaces a console account's password with the first line of standard input "
            "(at least 10 characters) and ends the account's sessions everywhere."
        ),
    )
    reset.add_argument("--name", required=True, help="the sign-in name")
    reset.add_argument(
        "--password-stdin",
        action="store_true",
        required=True,
        help="read the new password from standard input (the only way to give it)",
    )
    reset.set_defaults(handler=cmd_password)
    link = db_command(
        ops,
        "signin-link",
        help="print a one-time sign-in link",
        description=(
            "Prints a link that signs the operator in to the console once, within --minutes "
            "(default 10): for a technician on site, or the demo's presenter. The link holds a "
            "random code the database keeps only as its hash; issuing it is audited."
        ),
    )
    link.add_argument("--name", required=True, help="the operator it signs in")
    link.add_argument(
        "--base-url",
        default="http://127.0.0.1:8080",
        metavar="URL",
        help="the central's address as the browser reaches it (default http://127.0.0.1:8080)",
    )
    link.add_argument(
        "--minutes", type=int, default=10, help="how long the link is valid (1 to 60)"
    )
    link.set_defaults(handler=cmd_signin_link)
    listing = db_command(
        ops, "list", help="list the operators", description="Lists the console's accounts."
    )
    listing.add_argument("--json", action="store_true", help="print one JSON array")
    listing.set_defaults(handler=cmd_list)


def _valid_name(name: str) -> str:
    name = name.strip()
    if not name or len(name) > 64 or any(ch.isspace() for ch in name):
        raise InputError(
            f"operator name {name!r} must be 1 to 64 characters without spaces",
            th="ชื่อผู้ใช้ต้องมี 1 ถึง 64 ตัวอักษร และไม่มีช่องว่าง",
        )
    return name


def _password_from_stdin() -> str:
    """The first line of standard input, hashed; refused if shorter than MIN_LENGTH."""
    from central.console.passwords import MIN_LENGTH, hash_password

    password = sys.stdin.readline().rstrip("\r\n")
    if len(password) < MIN_LENGTH:
        raise InputError(
            f"the password must have at least {MIN_LENGTH} characters",
            th=f"รหัสผ่านต้องมีอย่างน้อย {MIN_LENGTH} ตัวอักษร",
        )
    return hash_password(password)


def cmd_add(args: argparse.Namespace) -> int:
    from central.cli import _settings, _store

    name = _valid_name(args.name)
    hashed = _password_from_stdin()
    store = _store(args)
    if not store.add_operator(name, args.role, hashed, _settings(args).clock()):
        raise InputError(f"operator {name!r} already exists", th="มีผู้ใช้ชื่อนี้อยู่แล้ว")
    store.add_audit(
        _settings(args).clock(),
        None,
        "operator-added",
        name,
        {"role": args.role, "by": "kiosk-central operator add"},
        None,
    )
    print(f"added / เพิ่มแล้ว: {name} ({args.role})", file=sys.stderr)
    return 0


def cmd_remove(args: argparse.Namespace) -> int:
    from central.cli import _settings, _store

    store = _store(args)
    if not store.remove_operator(args.name):
        raise InputError(f"no operator {args.name!r}", th="ไม่พบผู้ใช้ชื่อนี้")
    store.add_audit(
        _settings(args).clock(),
        None,
        "operator-removed",
        args.name,
        {"by": "kiosk-central operator remove"},
        None,
    )
    print(f"removed, sessions ended / ลบแล้ว: {args.name}", file=sys.stderr)
    return 0


def _change(args: argparse.Namespace, change: Callable, action: str, done: str) -> int:
    """Apply `change(store)` to the named operator, audit it as `action`, say `done`."""
    from central.cli import _settings, _store

    store = _store(args)
    if not change(store):
        raise InputError(f"no operator {args.name!r}", th="ไม่พบผู้ใช้ชื่อนี้")
    by = f"kiosk-central operator {args.operator_command}"
    store.add_audit(_settings(args).clock(), None, action, args.name, {"by": by}, None)
    print(f"{done}: {args.name}", file=sys.stderr)
    return 0


def cmd_disable(args: argparse.Namespace) -> int:
    return _change(
        args,
        lambda store: store.set_operator_disabled(args.name, True),
        "operator-disabled",
        "disabled, sessions ended / ระงับแล้ว",
    )


def cmd_enable(args: argparse.Namespace) -> int:
    return _change(
        args,
        lambda store: store.set_operator_disabled(args.name, False),
        "operator-enabled",
        "enabled / เปิดใช้แล้ว",
    )


def cmd_password(args: argparse.Namespace) -> int:
    hashed = _password_from_stdin()
    return _change(
        args,
        lambda store: store.set_operator_password(args.name, hashed),
        "operator-password-set",
        "password replaced, sessions ended / ตั้งรหัสผ่านใหม่แล้ว",
    )


def cmd_signin_link(args: argparse.Namespace) -> int:
    from datetime import timedelta

    from central.cli import _settings, _store

    if not 1 <= args.minutes <= 60:
        raise InputError("--minutes must be 1 to 60", th="--minutes ต้องอยู่ระหว่าง 1 ถึง 60")
    store = _store(args)
    if store.operator_password(args.name) is None:
        raise InputError(f"no operator {args.name!r}", th="ไม่พบผู้ใช้ชื่อนี้")
    now = _settings(args).clock()
    code = store.new_signin_code(args.name, now, timedelta(minutes=args.minutes))
    store.add_audit(
        now,
        None,
        "signin-link-issued",
        args.name,
        {"minutes": args.minutes, "by": "kiosk-central operator signin-link"},
        None,
    )
    print(f"{args.base_url.rstrip('/')}/console/signin?code={code}")
    print(
        f"one use, valid {args.minutes} min / ใช้ได้ครั้งเดียว ภายใน {args.minutes} นาที",
        file=sys.stderr,
    )
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    from central.cli import _store

    operators = _store(args).operators()
    if args.json:
        rows = [
            {"name": o.name, "role": o.role, "created_at": o.created_at, "disabled": o.disabled}
            for o in operators
        ]
        print(json.dumps(rows, ensure_ascii=False))
        return 0
    for o in operators:
        print(f"{o.name:<24} {o.role:<12} {o.created_at}{'  disabled' if o.disabled else ''}")
    return 0
