"""Reading the files a command is given, with errors that name the file and the problem."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from kiosk.errors import InputError


def read_json(path: str | Path, what: str) -> Any:
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(
            f"{what} file {str(p)!r} does not exist", f"ไม่พบไฟล์{_th(what)} {str(p)!r}"
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(
            f"cannot read {what} file {str(p)!r}: {exc}", f"อ่านไฟล์{_th(what)}ไม่ได้"
        ) from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(
            f"{what} file {str(p)!r} is not valid JSON (line {exc.lineno}, column {exc.colno}: "
            f"{exc.msg})",
            f"ไฟล์{_th(what)}ไม่ใช่ JSON ที่ถูกต้อง (บรรทัด {exc.lineno})",
        ) from None


def _th(what: str) -> str:
    return {"card": "ข้อมูลบัตร", "answers": "คำตอบ", "rules": "ชุดกฎ", "booking": "การจอง"}.get(
        what, ""
    )


def config_arg(parser: argparse.ArgumentParser) -> None:
    """`--config FILE`, the same on every command that works from the terminal config."""
    parser.add_argument(
        "--config",
        type=Path,
        metavar="FILE",
        help="terminal config (default: $KIOSK_CONFIG, /etc/thairuamjai-kiosk/kiosk.toml, "
        "~/.config/thairuamjai-kiosk/kiosk.toml)",
    )
