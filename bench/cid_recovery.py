"""Recovering citizen IDs from a stolen terminal's journal: the best attack, and what it costs.

    .venv/bin/python bench/cid_recovery.py [--bookings 1] [--min-cpu 2] [--recover-under 600]
    .venv/bin/python bench/cid_recovery.py --journal FILE --key FILE [--json]

The thief holds the whole terminal: the journal (with its -wal) and the keyed hash's key from the
config directory (sync/terminal.py `terminal_secret`). The sealed personal data does not open
(the central's private key is not on the terminal), so the attack is on the lookup hash: for each
booking row still holding one, every citizen ID its clear columns allow (kiosk/card/cid_space.py:
the digits they show are fixed, the check digit fixes one more) goes through the terminal's real
hash until one matches. Printed per journal: the candidates left, the CPU seconds per candidate
(timed over the first candidates, one core), the expected time to recover one ID (half the
space) and, when that is under --recover-under seconds, the ID actually recovered (shown masked;
the bench checks it against the ID it booked). It also times one lookup as the kiosk makes it
(wall clock).

Without --journal it makes the journal the way a kiosk does: a real central in its own process,
a provisioned terminal, then --bookings bookings queued offline through the booking service
with made-up valid citizen IDs.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from _terminal import book_args, offline_terminal, open_slots, start_central, terminal

from kiosk.booking import cid_hash
from kiosk.card import cid as cidlib
from kiosk.card import cid_space
from kiosk.card.model import Card

Hash = Callable[[bytes, str], str]


def made_up_cid(rng: random.Random) -> str:
    first12 = str(rng.choice("1358")) + "".join(str(rng.randrange(10)) for _ in range(11))
    return first12 + str(cidlib.check_digit(first12))


def make_journal(tmp: Path, bookings: int, rng: random.Random) -> tuple[Path, Path, list[str]]:
    """A terminal's journal with `bookings` queued offline, its key file, and the IDs booked."""
    central = start_central(tmp, capacity=max(10, bookings + 5))
    try:
        tok = central.token("T-BENCH")
        t = terminal(tmp, central.url, tok)
        assert t.cache.refresh(t.client).ok
        slots = open_slots(t)
        offline = offline_terminal(t, tok)
        service = offline.booking_service()
        cids = []
        for n in range(bookings):
            args = book_args(offline, n, slots)
            cid = made_up_cid(rng)
            args["card"] = Card.from_json({**args["card"].to_json(), "cid": cid})
            assert service.book(**args).status == "queued"
            cids.append(cid)
        key = offline.config.token_file.parent / "cid-hash.key"
        journal = offline.journal.path
        offline.close()
        t.close()
    finally:
        central.close()
    return journal, key, cids


def steal(journal: Path, into: Path) -> Path:
    """Copy the journal and whatever WAL it has, as a thief copying the disk would."""
    into.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal"):
        src = Path(f"{journal}{suffix}")
        if src.exists():
            shutil.copyfile(src, into / f"journal.sqlite{suffix}")
    return into / "journal.sqlite"


def terminal_hash(journal: Path) -> tuple[str, Hash]:
    """The hash this journal's schema uses: HMAC-SHA256 before schema 4, scrypt from it."""
    db = sqlite3.connect(journal)
    (version,) = db.execute("PRAGMA user_version").fetchone()
    db.close()
    if version < 4:
        return "hmac-sha256 (journal schema <= 3)", cid_hash.legacy_cid_key
    return (
        f"scrypt N=2^{cid_hash.SCRYPT_N.bit_length() - 1} r={cid_hash.SCRYPT_R} "
        f"p={cid_hash.SCRYPT_P}, {128 * cid_hash.SCRYPT_R * cid_hash.SCRYPT_N >> 20} MiB "
        f"(journal schema {version})",
        cid_hash.cid_key,
    )


def clear_rows(journal: Path) -> list[dict[str, str]]:
    """Each row's hash and the pattern of digits its clear columns show."""
    db = sqlite3.connect(journal)
    db.row_factory = sqlite3.Row
    columns = {r[1] for r in db.execute("PRAGMA table_info(bookings)")}
    masked = "masked_cid" if "masked_cid" in columns else "NULL"
    rows = db.execute(
        f"SELECT booking_id, state, cid_key, {masked} AS masked FROM bookings "
        "WHERE cid_key IS NOT NULL AND cid_key != '' ORDER BY seq"
    ).fetchall()
    db.close()
    out = []
    for r in rows:
        pattern = (r["masked"] or "").replace("-", "")
        if len(pattern) != cidlib.CID_LENGTH:
            pattern = cid_space.UNKNOWN * cidlib.CID_LENGTH
        out.append(
            {
                "booking_id": r["booking_id"],
                "state": r["state"],
                "key": r["cid_key"],
                "pattern": pattern,
            }
        )
    return out


def cpu_seconds_per_candidate(
    hash_: Hash, secret: bytes, pattern: str, min_cpu: float
) -> tuple[float, int]:
    """CPU time (one core) of the real hash per candidate, over the pattern's first candidates
    until `min_cpu` seconds are spent (enumeration included, as the attack pays it)."""
    started = time.process_time()
    n = 0
    for cid in cid_space.candidates(pattern):
        hash_(secret, cid)
        n += 1
        if n % 16 == 0 and time.process_time() - started >= min_cpu:
            break
    return (time.process_time() - started) / n, n


def recover(hash_: Hash, secret: bytes, row: dict[str, str]) -> tuple[str | None, int, float]:
    """Try every candidate until the hash matches: (the ID or None, tried, CPU seconds)."""
    started = time.process_time()
    tried = 0
    for cid in cid_space.candidates(row["pattern"]):
        tried += 1
        if hash_(secret, cid) == row["key"]:
            return cid, tried, time.process_time() - started
    return None, tried, time.process_time() - started


def lookup_ms(hash_: Hash, secret: bytes, cid: str) -> float:
    """One lookup hash as the kiosk computes it at a card read (wall clock, median of 5)."""
    times = []
    for _ in range(5):
        started = time.perf_counter()
        hash_(secret, cid)
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def attack(
    journal: Path,
    key_file: Path,
    *,
    min_cpu: float,
    recover_under: float,
    truth: list[str] | None = None,
) -> dict:
    secret = bytes.fromhex(key_file.read_text().strip())
    name, hash_ = terminal_hash(journal)
    rows = clear_rows(journal)
    report: dict = {"hash": name, "rows": len(rows), "attacked": []}
    for row in rows:
        n = cid_space.count(row["pattern"])
        per, timed = cpu_seconds_per_candidate(hash_, secret, row["pattern"], min_cpu)
        expected = n / 2 * per
        item = {
            "booking_id": row["booking_id"],
            "state": row["state"],
            "clear_pattern": row["pattern"],
            "candidates": n,
            "cpu_seconds_per_candidate": per,
            "candidates_timed": timed,
            "expected_seconds_one_core": expected,
            "expected_years_one_core": expected / (365.25 * 86400),
            "recovered": None,
        }
        if expected <= recover_under:
            cid, tried, spent = recover(hash_, secret, row)
            item["recovered"] = {
                "masked": cidlib.mask(cid) if cid else None,
                "tried": tried,
                "cpu_seconds": spent,
                "matches_booked_id": (cid in truth) if truth is not None and cid else None,
            }
        report["attacked"].append(item)
    if truth:
        report["kiosk_lookup_ms"] = lookup_ms(hash_, secret, truth[0])
    return report


def show(report: dict) -> None:
    print(f"lookup hash: {report['hash']}")
    print(f"journal rows holding a lookup hash: {report['rows']}")
    for item in report["attacked"]:
        years = item["expected_years_one_core"]
        print(
            f"  {item['state']:<17} clear digits {item['clear_pattern']}: "
            f"{item['candidates']:,} candidates x {item['cpu_seconds_per_candidate'] * 1e3:,.4f}"
            f" ms CPU (timed over {item['candidates_timed']:,}) = expected "
            f"{item['expected_seconds_one_core']:,.1f} s ({years:.3g} years) on one core"
        )
        rec = item["recovered"]
        if rec is not None:
            print(
                f"    recovered {rec['masked']} after {rec['tried']:,} candidates in "
                f"{rec['cpu_seconds']:.1f} s CPU, "
                f"{rec['cpu_seconds'] / rec['tried'] * 1e6:.1f} µs per candidate tried "
                f"(matches the booked ID: {rec['matches_booked_id']})"
            )
    if "kiosk_lookup_ms" in report:
        print(f"one lookup at the kiosk (the same hash): {report['kiosk_lookup_ms']:.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--journal", type=Path, help="a stolen journal file (its -wal beside it)")
    parser.add_argument("--key", type=Path, help="the terminal's cid-hash.key (hex)")
    parser.add_argument("--bookings", type=int, default=1, help="bookings to queue (no --journal)")
    parser.add_argument(
        "--min-cpu",
        type=float,
        default=2.0,
        help="CPU seconds spent timing the hash per row (at least 16 candidates)",
    )
    parser.add_argument(
        "--recover-under",
        type=float,
        default=600.0,
        help="actually recover an ID when the expected CPU time is under this many seconds",
    )
    parser.add_argument("--seed", type=int, default=None, help="seed for the made-up IDs")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    args = parser.parse_args()
    if (args.journal is None) != (args.key is None):
        parser.error("--journal and --key go together")
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        truth = None
        if args.journal is None:
            rng = random.Random(args.seed)
            journal, key, truth = make_journal(tmp / "kiosk", args.bookings, rng)
        else:
            journal, key = args.journal, args.key
        stolen = steal(journal, tmp / "stolen")
        report = attack(
            stolen,
            key,
            min_cpu=args.min_cpu,
            recover_under=args.recover_under,
            truth=truth,
        )
    if args.json:
        json.dump(report, sys.stdout, indent=2)
        print()
    else:
        show(report)


if __name__ == "__main__":
    main()
