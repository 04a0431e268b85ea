"""The hour and day boundaries of the bookings-per-hour count, as a property: bookings booked
through the store at random instants around a Bangkok day (on both stores) are counted in the
hour of the Bangkok instant the central received them, and nowhere else."""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from central.store import NewBooking, Site, Slot
from kiosk.dates import BANGKOK
from tests.central.conftest import fresh_stores

DAY = date(2021, 6, 1)
MIDNIGHT = datetime(2021, 6, 1, tzinfo=BANGKOK)
SITE = Site("s1", "ที่หนึ่ง", "One", "-", "-", "-", "-")
SLOT = Slot("s1-20210605-0900", "s1", "2021-06-05", "09:00", "10:00", 10_000, 0)
_TABLES = "sites, slots, bookings, issued_references, notifications"


@pytest.fixture
def fresh(backend: str, new_db: Callable[[], str | None]) -> Iterator[Callable]:
    """An empty migrated store of the test's backend, once per hypothesis example."""
    yield fresh_stores(new_db(), _TABLES)


def _book(store, n: int, channel: str, queued: bool, now: datetime) -> None:
    store.book(
        NewBooking(
            booking_id=str(uuid.uuid4()),
            citizen_key=f"citizen-{n}",
            status="confirmed",
            slot_id=SLOT.slot_id,
            channel=channel,
            terminal_id="t",
            masked_cid="x-xxxx-xxxxx-xx-x",
            card={},
            phone="0800000000",
            occupation_code="company-employee",
            occupation_other=None,
            answers={},
            claimed_decision={},
            decision={},
            fingerprint="f",
            confirmed_at=now.isoformat(),
            queued=queued,
        ),
        now,
    )


#: Instants from an hour before the day to an hour after it, in seconds, with the boundaries
#: themselves (each hour's first and last second) drawn often.
_EDGES = [h * 3600 + d for h in range(-1, 26) for d in (-1, 0, 1)]
_SECONDS = st.one_of(st.sampled_from(_EDGES), st.integers(-3600, 25 * 3600))
_MADE = st.lists(
    st.tuples(_SECONDS, st.sampled_from(["kiosk", "web", "app"]), st.booleans()),
    min_size=1,
    max_size=25,
)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(made=_MADE)
def test_each_booking_is_counted_in_the_bangkok_hour_it_was_received(fresh, made):
    with fresh() as store:
        store.put_sites([SITE], [SLOT], "v")
        want: Counter = Counter()
        for n, (seconds, channel, queued) in enumerate(made):
            now = MIDNIGHT + timedelta(seconds=seconds)
            # the central's clock may be any zone: the instant, not its offset, decides
            _book(store, n, channel, queued, now.astimezone(BANGKOK if n % 2 else None))
            local = now.astimezone(BANGKOK)
            if local.date() == DAY:
                series = channel
                if channel == "kiosk":
                    series = "kiosk-replayed" if queued else "kiosk-online"
                want[(local.hour, series)] += 1
        got = Counter()
        for h in store.bookings_by_hour(DAY):
            assert not h.cancelled
            got[(h.hour, h.series)] += h.count
        assert got == want
