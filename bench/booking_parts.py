"""Where the API process's CPU per booking goes, part by part, measured without HTTP.

Runs the steps of central/fast_bookings.py one after another in one thread, N bookings each,
against a fresh database on a PostgreSQL server (`--db postgresql://...`; a private cluster of
its own without it), and prints the CPU microseconds (this process: time.process_time) of each:
parsing and validating the body, the fingerprint, the claim + context statement, the route's
decisions (`_prepare`), the booking's statement (`store.book`) and the answer's JSON. Profilers
under load charge a thread for the time it waits for a core; these are CPU times.

    .venv/bin/python bench/booking_parts.py [--bookings 2000] [--db postgresql://...]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _bodies import booking_body, make_cid
from _server_cpu import private_cluster


def measure(url: str, n: int) -> list[tuple[str, float]]:
    from central import fast_bookings
    from central.hours import ChannelHours
    from central.routes_bookings import _citizen_key, _prepare, answer_body
    from central.service import IN_FLIGHT_TTL, Central
    from central.settings import Settings
    from kiosk.dates import today_bangkok
    from kiosk.demo_people import demo_person
    from kiosk.signing import canonical

    keys = Path(tempfile.mkdtemp(prefix="kiosk-parts-"))
    central = Central(Settings(db=url, keys_dir=keys, demo=True, demo_capacity=1_000_000))
    store = central.store
    for channel in ("kiosk", "web", "app"):
        store.set_hours(ChannelHours(channel, "00:00", "24:00", date(2021, 5, 28)))
    token = store.issue_token("parts", "store-1", "kiosk", central.now())
    tomorrow = today_bangkok(central.now()) + timedelta(days=1)
    slots = [
        s.slot_id
        for site in store.sites()
        for s in store.slots(site.site_id, tomorrow, tomorrow + timedelta(days=6))
    ]
    base = demo_person("bangkok", today_bangkok(central.now())).card
    now = datetime.now().astimezone().isoformat(timespec="seconds")
    raw = [
        json.dumps(
            booking_body(
                str(uuid.uuid4()), "kiosk", slots[i % len(slots)],
                {**base, "cid": make_cid(900_000_000 + i)}, confirmed_at=now,
            )
        ).encode()
        for i in range(n)
    ]  # fmt: skip
    scope = {
        "headers": [
            (b"content-type", b"application/json"),
            (b"authorization", f"Bearer {token}".encode()),
            (b"idempotency-key", b""),
        ]
    }
    spent: dict[str, float] = {}

    def timed(name, fn, *args, **kwargs):
        t = time.process_time()
        out = fn(*args, **kwargs)
        spent[name] = spent.get(name, 0.0) + time.process_time() - t
        return out

    def fingerprint(plain):
        return central.keys.fingerprint(canonical(plain))

    for body in raw:
        scope["headers"][2] = (b"idempotency-key", json.loads(body)["booking_id"].encode())
        _, plain, booking = timed("parse + validate", fast_bookings._plain_request, scope, body)
        fp = timed("fingerprint", fingerprint, plain)
        claim = (datetime.now(tz=UTC), IN_FLIGHT_TTL)
        context = timed(
            "claim + context statement", store.booking_context,
            booking.booking_id, booking.channel, booking.occupation.code, booking.slot_id,
            _citizen_key(central, plain), claim=claim, token=token,
        )  # fmt: skip
        assert context.terminal is not None and context.claimed
        new = timed(
            "decisions (_prepare)", _prepare, central, context.terminal, plain, booking, fp,
            context, False,
        )  # fmt: skip
        created, result = timed(
            "booking statement (book)", store.book, new, central.now(), release_claim=True,
            site=context.site,
        )  # fmt: skip
        assert created
        timed("answer JSON", answer_body, result)
    central.close()
    return [(name, s / n * 1e6) for name, s in spent.items()]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bookings", type=int, default=2000, help="bookings to make")
    parser.add_argument("--db", help="a postgresql:// URL of a database to book in (emptied)")
    args = parser.parse_args()
    if args.db:
        rows = measure(args.db, args.bookings)
    else:
        with private_cluster() as cluster:
            rows = measure(cluster.database("kiosk_parts"), args.bookings)
    for name, us in rows:
        print(f"{us:8.0f} us  {name}")
    print(f"{sum(us for _, us in rows):8.0f} us  in all (API process CPU, no HTTP, no threads)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
