"""`kiosk-central stores import FILE.csv` and `kiosk-central stores list [--json]`.

The file is UTF-8 CSV with a header naming the columns `store_id, name_th, name_en,
district_th, district_en` (any order, no others). Every row is checked before anything is
written, and all rows go in one transaction: a file with a bad row changes nothing, and the
error says which line and why, in Thai and English.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import re
from collections.abc import Callable
from pathlib import Path

from central.store.stores import StoreInfo
from kiosk.errors import InputError

COLUMNS = ("store_id", "name_th", "name_en", "district_th", "district_en")
STORE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
MAX_TEXT = 200


def add_parsers(sub: argparse._SubParsersAction, db_command: Callable) -> None:
    stores = sub.add_parser(
        "stores",
        help="the stores terminals belong to, with their districts",
        description="The stores terminals are enrolled for, with names and districts.",
    )
    st_sub = stores.add_subparsers(dest="stores_command", required=True, metavar="ACTION")
    imp = db_command(
        st_sub,
        "import",
        help="add or replace stores from a CSV file",
        description=(
            "Adds or replaces stores (by `store_id`) from a UTF-8 CSV file whose header names "
            "the columns " + ", ".join(f"`{c}`" for c in COLUMNS) + "; all rows or none."
        ),
    )
    imp.add_argument("file", metavar="FILE.csv", help="the CSV file of stores")
    imp.set_defaults(handler=cmd_import)
    lst = db_command(
        st_sub,
        "list",
        help="print every store",
        description="Prints every store: id, district and name (English, then Thai).",
    )
    lst.add_argument("--json", action="store_true", help="print one JSON array of stores")
    lst.set_defaults(handler=cmd_list)


def parse_csv(text: str, source: str = "the file") -> list[StoreInfo]:
    """The stores of a CSV text; InputError naming the line of the first problem."""
    reader = csv.DictReader(io.StringIO(text.removeprefix("\ufeff")))
    header = reader.fieldnames or []
    if sorted(header) != sorted(COLUMNS):
        raise InputError(
            f"{source}: the header must name exactly the columns {', '.join(COLUMNS)}; "
            f"it names {', '.join(header) or 'nothing'}",
            th=f"{source}: หัวตารางต้องมีคอลัมน์ {', '.join(COLUMNS)} เท่านั้น",
        )
    out: list[StoreInfo] = []
    seen: dict[str, int] = {}
    for row in reader:
        line = reader.line_num
        if None in row or any(v is None for v in row.values()):
            raise InputError(
                f"{source} line {line}: expected {len(COLUMNS)} fields",
                th=f"{source} บรรทัด {line}: ต้องมี {len(COLUMNS)} ช่อง",
            )
        values = {k: v.strip() for k, v in row.items()}
        if not STORE_ID.match(values["store_id"]):
            raise InputError(
                f"{source} line {line}: store_id {values['store_id']!r} must be 1-64 letters, "
                "digits, '.', '_' or '-'",
                th=f"{source} บรรทัด {line}: รหัสร้านไม่ถูกต้อง",
            )
        for column in COLUMNS[1:]:
            if not values[column] or len(values[column]) > MAX_TEXT:
                raise InputError(
                    f"{source} line {line}: {column} must be 1-{MAX_TEXT} characters",
                    th=f"{source} บรรทัด {line}: {column} ต้องยาว 1-{MAX_TEXT} ตัวอักษร",
                )
        if values["store_id"] in seen:
            raise InputError(
                f"{source} line {line}: store {values['store_id']} is already on line "
                f"{seen[values['store_id']]}",
                th=f"{source} บรรทัด {line}: รหัสร้าน {values['store_id']} ซ้ำ",
            )
        seen[values["store_id"]] = line
        out.append(StoreInfo(**{c: values[c] for c in COLUMNS}))
    return out


def cmd_import(args: argparse.Namespace) -> int:
    from central.cli import _store

    try:
        text = Path(args.file).read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(
            f"cannot read {args.file!r}: {exc.strerror}", th=f"อ่านไฟล์ {args.file} ไม่ได้"
        ) from None
    except UnicodeDecodeError:
        raise InputError(
            f"{args.file!r} is not UTF-8 text", th=f"ไฟล์ {args.file} ไม่ใช่ข้อความ UTF-8"
        ) from None
    stores = parse_csv(text, args.file)
    n = _store(args).put_stores(stores)
    print(f"{n} store(s) imported / นำเข้าร้าน {n} ร้าน")
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    from central.cli import _store

    stores = _store(args).stores()
    if args.json:
        print(json.dumps([s.to_json() for s in stores], ensure_ascii=False))
        return 0
    for s in stores:
        print(f"{s.store_id:<24} {s.district_en:<20} {s.name_en} / {s.name_th}")
    return 0
