"""Card JSON builders for tests: a valid card by default, any field overridable."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from kiosk.card import cid as cidlib

FIXTURES = Path(__file__).parent / "fixtures" / "cards"
FIXTURE_NAMES = sorted(p.stem for p in FIXTURES.glob("*.json"))


def with_check_digit(first12: str) -> str:
    return first12 + str(cidlib.check_digit(first12))


BASE: dict[str, Any] = {
    "cid": with_check_digit("110370012345"),
    "name_th": {"prefix": "นาย", "first": "สมชาย", "middle": "", "last": "ใจดี"},
    "name_en": {"prefix": "Mr.", "first": "Somchai", "middle": "", "last": "Jaidee"},
    "birth_date_be": "25300514",
    "gender": "male",
    "issuer": "สำนักงานเขตจตุจักร/กรุงเทพมหานคร",
    "issue_date_be": "25620301",
    "expiry_date_be": "25700513",
    "address": {
        "house_no": "99/123",
        "moo": "หมู่ที่ 8",
        "trok": "",
        "soi": "ซอยลาดพร้าว 101",
        "road": "ถนนลาดพร้าว",
        "subdistrict": "แขวงคลองจั่น",
        "district": "เขตบางกะปิ",
        "province": "กรุงเทพมหานคร",
    },
}


def card(**overrides: Any) -> dict[str, Any]:
    """A valid card; nested dicts in `overrides` update the nested objects."""
    out = copy.deepcopy(BASE)
    for key, value in overrides.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key].update(value)
        else:
            out[key] = value
    return out


def fixture(name: str) -> dict[str, Any]:
    return json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))
