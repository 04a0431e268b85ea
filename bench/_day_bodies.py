"""Booking bodies for bench/day_one.py: who books which slot, as the kiosk, web or app sends it.

People on day one wanted the earliest date at the big central sites: the day is drawn
geometrically from tomorrow (p = 0.3: a third of the people take the first day offered), the
site from a Zipf-like weight (Bang Sue, the hub that took 430,000 operators' bookings, first),
the hour uniformly. Early slots fill, so many customers meet `slot-full` and take one of the
alternatives the central offers, as the kiosk's slot screen does.
"""

from __future__ import annotations

import json
import random
import uuid
from typing import Any

from _bodies import booking_body
from _bodies import make_cid as _make_cid

from kiosk.booking.service import aad
from kiosk.dates import today_bangkok
from kiosk.demo_people import demo_person
from kiosk.keys import x25519_public_from_b64
from kiosk.sealing import seal
from kiosk.signing import canonical


def make_cid(n: int) -> str:
    """A valid citizen ID, one per simulated person (a range the demo people do not use)."""
    return _make_cid(n, prefix="35")


class Bodies:
    def __init__(self, slots: list[tuple[str, int, int]], seed: int, sealing_key_b64: str) -> None:
        """`slots`: (slot_id, site rank, day index from tomorrow)."""
        self.rng = random.Random(seed)
        self.by_site_day: dict[tuple[int, int], list[str]] = {}
        for slot_id, site, day in slots:
            self.by_site_day.setdefault((site, day), []).append(slot_id)
        self.sites = sorted({s for s, _ in self.by_site_day})
        self.days = sorted({d for _, d in self.by_site_day})
        self.site_weights = [1 / (rank + 1) ** 0.8 for rank in range(len(self.sites))]
        self.card = dict(demo_person("bangkok", today_bangkok()).card)
        self.sealing_key = x25519_public_from_b64(sealing_key_b64)

    def pick_slot(self) -> str:
        site = self.rng.choices(self.sites, self.site_weights)[0]
        day = self.days[min(len(self.days) - 1, int(self.rng.expovariate(0.357)))]
        return self.rng.choice(self.by_site_day[(site, day)])

    def body(self, person: int, channel: str, slot_id: str | None = None) -> dict[str, Any]:
        return booking_body(
            str(uuid.uuid4()),
            channel,
            slot_id or self.pick_slot(),
            {**self.card, "cid": make_cid(person)},
            phone=f"08{person % 100_000_000:08d}",
        )

    def sealed(self, body: dict[str, Any]) -> bytes:
        """The journal's form of a queued booking (kiosk/booking/service.py): the body sealed to
        the central's key, bound to its booking id, sent as `{booking_id, sealed}`."""
        box = seal(canonical(body), self.sealing_key, aad(body["booking_id"]))
        return json.dumps({"booking_id": body["booking_id"], "sealed": box}).encode()


def plain(body: dict[str, Any]) -> bytes:
    return json.dumps(body).encode()


def alternative(problem: Any) -> str | None:
    """The first alternative slot a `slot-full` problem offers, if any."""
    if isinstance(problem, dict):
        for alt in problem.get("alternatives") or []:
            if isinstance(alt, dict) and isinstance(alt.get("slot_id"), str):
                return alt["slot_id"]
    return None
