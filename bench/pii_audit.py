"""The personal-data audit: no full citizen ID, name or phone number in the files a run left.

    .venv/bin/python bench/pii_audit.py DIR [DIR ...] [--people FILE.json] [--json]

Reads every byte of every file under each DIR (logs, the journal and its -wal/-shm, the cache,
the central's SQLite file, its -wal and its log: whatever is there, nothing skipped by name) and
reports each finding as file, byte offset and kind, never the value found:

- `citizen-id`: 13 digits, together or in the card's groups with dashes or spaces
  (`1-2345-67890-12-3`), that are a citizen ID of the run, anywhere, or, standing apart from
  letters and digits, pass the Thai ID check digit (so a CID nobody listed is found too);
- `phone`: 10 digits, together or in a phone's usual groups (`081-234-5678`, `08-1234-5678`,
  `081-2345678`), that are a phone of the run, anywhere, or, standing apart, look like a Thai
  mobile number (`0[689]` and 8 more digits);
- `name`: a first or last name (Thai or English) of a person of the run or of the demo people
  (kiosk/demo_people.py), found as UTF-8 text and as JSON's `\\uXXXX` escapes.

Names are looked up as whole words (a run of Thai or Latin letters and the digits after it), so
a demo name inside a longer word is not a finding; the soak's names carry a number that makes
each one unique. What it cannot see: text drawn into pictures (slip previews are PNG files; the
slip data behind them is in the journal, which is read) and anything compressed.

`--people FILE.json`: `[{"cid", "phone", "names": [...]}, ...]`, the people of the run (the soak
passes its citizens directly). Exit 1 when there is any finding.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

#: How IDs and phones are written: all digits, or in their usual groups with dashes or spaces
#: (`1-2345-67890-12-3`; `081-234-5678`, `08-1234-5678`, `081-2345678`). Any dash at all would
#: join slot ids and dates into 13 digits (`rama-2-20261202-1200`), a finding that is none.
_SEP = rb"[- ]"
_DIGITS = re.compile(
    rb"(?<![0-9])(?:[0-9]{13}|[0-9]{10}"
    rb"|[0-9]S[0-9]{4}S[0-9]{5}S[0-9]{2}S[0-9]"
    rb"|0[0-9]{2}S[0-9]{3}S[0-9]{4}|0[0-9]S[0-9]{4}S[0-9]{4}|0[0-9]{2}S[0-9]{7})(?![0-9])".replace(
        b"S", _SEP
    )
)
_WORD = re.compile(rb"(?:[A-Za-z]|\xe0[\xb8\xb9][\x80-\xbf])+[0-9]*")
_ESCAPED = re.compile(rb"((?:\\u0[eE][0-7][0-9a-fA-F])+)([0-9]*)")
_MOBILE = re.compile(r"0[689][0-9]{8}")
CHUNK = 1 << 22


def _cid_valid(digits: str) -> bool:
    from kiosk.card.cid import check_digit

    return check_digit(digits[:12]) == int(digits[12])


@dataclass
class People:
    cids: set[str] = field(default_factory=set)
    phones: set[str] = field(default_factory=set)
    names: set[str] = field(default_factory=set)

    def add(self, cid: str | None, phone: str | None, names: Iterable[str]) -> None:
        if cid:
            self.cids.add(re.sub(r"[- ]", "", cid))
        if phone:
            self.phones.add(re.sub(r"[- ]", "", phone))
        self.names.update(n for n in names if len(n) >= 3)


def demo_people() -> People:
    from kiosk.dates import today_bangkok
    from kiosk.demo_people import demo_people as people

    found = People()
    for p in people(today_bangkok()):
        card = p.card
        names = [card[k][part] for k in ("name_th", "name_en") for part in ("first", "last")]
        names += [card[k]["middle"] for k in ("name_th", "name_en") if card[k].get("middle")]
        found.add(card.get("cid"), None, names)
    return found


@dataclass
class Audit:
    files: int = 0
    bytes: int = 0
    findings: list[tuple[str, int, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.findings

    def to_json(self) -> dict[str, Any]:
        per_file = Counter((f, k) for f, _, k in self.findings)
        by_area = Counter(
            "central database" if Path(f).name.startswith("central.db") else "everything else"
            for f, _, _ in self.findings
        )
        return {
            "by_area": dict(by_area),
            "files": self.files,
            "bytes": self.bytes,
            "findings": len(self.findings),
            "by_kind": dict(Counter(k for _, _, k in self.findings)),
            "by_file": {f"{f} ({k})": n for (f, k), n in sorted(per_file.items())},
            "detail": [f"{f} @ {off}: {k}" for f, off, k in self.findings[:200]],
        }


def _inside_a_word(data: bytes, start: int, end: int) -> bool:
    """Digits with a letter or digit beside them: part of a hex hash, a base64 box or an id."""
    before = data[start - 1 : start]
    return before.isalnum() or data[end : end + 1].isalnum()


def _scan_bytes(data: bytes, people: People) -> Iterable[tuple[int, str]]:
    for m in _DIGITS.finditer(data):
        digits = re.sub(rb"[- ]", b"", m.group()).decode()
        # A listed value is a finding wherever it is (SQLite stores text columns back to back:
        # a clear ID may touch the letters of the next column). A value only shaped like one
        # must stand apart: the journal's hex hashes hold 13-digit runs with a valid check
        # digit by chance (about one in 2,000 of its keyed CID hashes).
        alone = not _inside_a_word(data, m.start(), m.end())
        if len(digits) == 13 and (digits in people.cids or (alone and _cid_valid(digits))):
            yield m.start(), "citizen-id"
        elif len(digits) == 10 and (
            digits in people.phones or (alone and _MOBILE.fullmatch(digits))
        ):
            yield m.start(), "phone"
    for m in _WORD.finditer(data):
        word = m.group().decode("utf-8", "replace")
        if word in people.names or word.rstrip("0123456789") in people.names:
            yield m.start(), "name"
    for m in _ESCAPED.finditer(data):
        letters = json.loads(b'"' + m.group(1) + b'"')
        if letters + m.group(2).decode() in people.names or letters in people.names:
            yield m.start(), "name (JSON-escaped)"


def audit(dirs: Iterable[Path], people: People) -> Audit:
    """Every regular file under `dirs` (a file given is read itself), in overlapping chunks (a
    value across a chunk boundary is still found, once)."""
    result = Audit()
    overlap = 256
    for d in map(Path, dirs):
        paths = [d] if d.is_file() else sorted(p for p in d.rglob("*") if p.is_file())
        for path in paths:
            result.files += 1
            seen: set[tuple[int, str]] = set()
            with path.open("rb") as f:
                offset = 0
                tail = b""
                while chunk := f.read(CHUNK):
                    data = tail + chunk
                    start = offset - len(tail)
                    for off, kind in _scan_bytes(data, people):
                        if (start + off, kind) not in seen:
                            seen.add((start + off, kind))
                            result.findings.append((str(path), start + off, kind))
                    result.bytes += len(chunk)
                    offset += len(chunk)
                    tail = data[-overlap:]
    return result


def audit_soak(base: Path, citizens: Iterable[Any]) -> Audit:
    """The soak's own files (bench/soak.py): the terminal, the central, the logs, and the
    copies of the -wal/-shm files it took along the way."""
    people = demo_people()
    for c in citizens:
        people.add(c.cid, c.phone, c.names())
    dirs = [base / "terminal", base / "central", base / "logs", base / "snapshots"]
    return audit([d for d in dirs if d.exists()], people)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "dirs", nargs="+", type=Path, metavar="DIR", help="directories (or files) to read"
    )
    parser.add_argument(
        "--people", type=Path, help='the people of the run: [{"cid", "phone", "names"}, ...]'
    )
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    people = demo_people()
    if args.people:
        for p in json.loads(args.people.read_text(encoding="utf-8")):
            people.add(p.get("cid"), p.get("phone"), p.get("names", []))
    result = audit(args.dirs, people)
    figures = result.to_json()
    if args.json:
        print(json.dumps(figures, ensure_ascii=False))
    else:
        print(f"files scanned: {figures['files']}")
        print(f"bytes scanned: {figures['bytes']}")
        print(f"findings: {figures['findings']} {figures['by_kind']}")
        for where, n in figures["by_file"].items():
            print(f"  {n:6d}  {where}")
    return 0 if result.ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
