"""A real central on 127.0.0.1 (uvicorn on an ephemeral port) for contract tests over HTTP.

Each test gets its own database, keys and server, at a fixed instant (a settable clock), with the
demo data seeded and two terminals enrolled: a store kiosk and a web front end.

Every test that uses `central` / `make_central` runs twice, against each store: ids `sqlite` (a
file in the test's directory) and `postgres` (a fresh database on the private cluster of
scripts/postgres, copied from a migrated template; see tests/pg_cluster.py); in the contract
modules (`CONTRACT_ON_WORKERS = True`) a third time, `workers`: `serve --workers 2` on
PostgreSQL as a subprocess (tests/central/contract_workers.py).
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
import requests
import uvicorn

from central.app import create_app
from central.service import Central
from central.settings import Settings
from kiosk.dates import BANGKOK
from kiosk.demo_people import DemoPerson, demo_person
from tests.central.sealing import TEST_SEALER
from tests.pg_cluster import Databases, admin_url

if TYPE_CHECKING:
    from tests.central.contract_workers import ServedCentrals

#: A Tuesday morning, one week into the programme, inside every channel's hours.
T0 = datetime(2021, 6, 1, 10, 0, tzinfo=BANGKOK)


@dataclass
class TestClock:
    now: datetime = T0

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kwargs: float) -> None:
        self.now += timedelta(**kwargs)


@dataclass
class RunningCentral:
    base_url: str
    central: Central
    clock: TestClock
    tokens: dict[str, str] = field(default_factory=dict)
    server: uvicorn.Server | None = None
    thread: threading.Thread | None = None

    def url(self, path: str) -> str:
        return self.base_url + path

    def auth(self, terminal: str = "kiosk-1") -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[terminal]}"}

    def person(self, key: str) -> DemoPerson:
        return demo_person(key, self.clock.now.date())

    def slot_id(self, site: str = "scg-bang-sue", days: int = 1, hour: int = 11) -> str:
        d = self.clock.now.date() + timedelta(days=days)
        return f"{site}-{d:%Y%m%d}-{hour:02d}00"

    def book(
        self, body: dict[str, Any], terminal: str = "kiosk-1", key: str | None = None, **kw: Any
    ) -> requests.Response:
        headers = {**self.auth(terminal), "Idempotency-Key": key or body["booking_id"]}
        return requests.post(self.url("/v1/bookings"), json=body, headers=headers, timeout=30, **kw)

    def stop(self) -> None:
        if self.server is not None and self.thread is not None:
            self.server.should_exit = True
            self.thread.join(timeout=10)


def booking_body(
    person: DemoPerson,
    slot_id: str,
    *,
    channel: str = "kiosk",
    confirmed_at: datetime = T0,
    booking_id: str | None = None,
    route: str = "book",
    code: str = "bangkok-resident",
    phone: str = "0812345678",
) -> dict[str, Any]:
    return {
        "booking_id": booking_id or str(uuid.uuid4()),
        "channel": channel,
        "slot_id": slot_id,
        "citizen": person.card,
        "phone": phone,
        "occupation": {"code": "company-employee", "other": None},
        "answers": {
            "conditions": list(person.answers.get("conditions", [])),
            "works_in_bangkok": person.answers.get("works_in_bangkok"),
        },
        "decision": {"rule_set": "bkk-thairuamjai-2021-05-27", "route": route, "code": code},
        "confirmed_at": confirmed_at.isoformat(),
    }


def start_central(
    tmp_path: Path,
    *,
    server_options: dict[str, Any] | None = None,
    now: datetime | None = None,
    db: str | None = None,
    **overrides: Any,
) -> RunningCentral:
    """A central over `db` (a postgresql:// URL; keys in `tmp_path`/keys), or over a SQLite
    file in `tmp_path`."""
    clock = TestClock(now or T0)
    if db is not None:
        overrides.setdefault("keys_dir", tmp_path / "keys")
    settings = Settings(
        db=db if db is not None else tmp_path / "central.db",
        clock=clock,
        demo=True,
        demo_capacity=overrides.pop("demo_capacity", 50),
        verify_interval=overrides.pop("verify_interval", 0),
    )
    settings = replace(settings, **overrides)
    central = Central(settings)
    app = create_app(settings, central)
    config = uvicorn.Config(
        app,
        host="127.0.0.1",
        port=0,
        log_config=None,
        log_level="info",
        lifespan="on",
        date_header=False,
        **(server_options or {}),
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the central did not start")
        time.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    scheme = "https" if (server_options or {}).get("ssl_certfile") else "http"
    running = RunningCentral(
        f"{scheme}://127.0.0.1:{port}", central, clock, server=server, thread=thread
    )
    store = central.store
    running.tokens["kiosk-1"] = store.issue_token("kiosk-1", "store-1", "kiosk", clock.now)
    running.tokens["kiosk-2"] = store.issue_token("kiosk-2", "store-2", "kiosk", clock.now)
    running.tokens["web-1"] = store.issue_token("web-1", "web", "web", clock.now)
    return running


def _migrate_template(url: str) -> None:
    from central.store.postgres import PostgresStore

    PostgresStore(url).close()


@pytest.fixture(scope="session")
def pg_databases() -> Iterator[Databases]:
    """Fresh PostgreSQL databases holding the migrated schema (skips without a cluster; fails
    under CI, KIOSK_REQUIRE_PG=1)."""
    databases = Databases(admin_url(), prepare=_migrate_template)
    yield databases
    databases.close()


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Every test using `backend` runs on `sqlite` and `postgres`; in a module that says
    `CONTRACT_ON_WORKERS = True` also on `workers`: a real `kiosk-central serve --db
    postgresql://… --workers 2` subprocess (tests/central/contract_workers.py), so the contract
    is shown to hold for the served cluster too. A test that parametrises `backend` itself
    keeps its own choice."""
    if "backend" not in metafunc.fixturenames:
        return
    for marker in metafunc.definition.iter_markers("parametrize"):
        if "backend" in str(marker.args[0]):
            return
    params = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
    if getattr(metafunc.module, "CONTRACT_ON_WORKERS", False):
        params.append(pytest.param("workers", marks=pytest.mark.postgres))
    metafunc.parametrize("backend", params, indirect=True)


@pytest.fixture
def backend(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture(scope="module")
def served_centrals(
    pg_databases: Databases, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ServedCentrals]:
    """The `serve --workers 2` clusters of a module (backend `workers`), reused by its tests."""
    from tests.central.contract_workers import ServedCentrals

    centrals = ServedCentrals(pg_databases, tmp_path_factory.mktemp("served"))
    yield centrals
    centrals.close()


@pytest.fixture
def new_db(backend: str, request: pytest.FixtureRequest) -> Iterator[Callable[[], str | None]]:
    """Makes a new database of the test's backend: a URL, or None for a SQLite file."""
    if backend == "sqlite":
        yield lambda: None
        return
    databases: Databases = request.getfixturevalue("pg_databases")
    made: list[str] = []

    def make() -> str:
        made.append(databases.new())
        return made[-1]

    yield make
    for url in made:
        databases.drop(url)


def fresh_stores(url: str | None, tables: str) -> Callable[[], Any]:
    """A maker of empty migrated stores for hypothesis examples: a new SQLite file each time,
    or the test's PostgreSQL database with `tables` emptied (migrating a new database per
    example would take most of the test's time)."""
    import contextlib
    import tempfile

    from central.store import PostgresStore, SqliteStore

    @contextlib.contextmanager
    def make() -> Iterator[Any]:
        if url is None:
            with tempfile.TemporaryDirectory() as tmp:
                store = SqliteStore(Path(tmp) / "c.db")
                yield store
                store.close()
            return
        store = PostgresStore(url, sealer=TEST_SEALER)
        with store._write() as c:
            c.execute(f"TRUNCATE {tables} CASCADE")
        yield store
        store.close()

    return make


@pytest.fixture
def make_central(
    tmp_path: Path, new_db: Callable[[], str | None], backend: str, request: pytest.FixtureRequest
) -> Iterator[Callable[..., RunningCentral]]:
    started: list[RunningCentral] = []

    def make(**overrides: Any) -> RunningCentral:
        path = tmp_path / f"c{len(started)}"
        path.mkdir()
        if backend == "workers":
            served: ServedCentrals = request.getfixturevalue("served_centrals")
            if overrides.pop("server_options", None):
                pytest.skip("server options (TLS, ...) are for the in-process server only")
            running = served.central(now=overrides.pop("now", None), overrides=overrides)
        else:
            running = start_central(path, db=new_db(), **overrides)
        started.append(running)
        return running

    yield make
    for running in started:
        running.stop()


@pytest.fixture
def central(make_central: Callable[..., RunningCentral]) -> RunningCentral:
    return make_central()


def citizen(n: int, like: str = "bangkok") -> DemoPerson:
    """A made-up Bangkok resident number `n`: valid check digit, the demo card's other fields."""
    from kiosk.card.cid import check_digit

    base = demo_person(like, T0.date())
    first12 = f"3{n:011d}"
    card = {**base.card, "cid": first12 + str(check_digit(first12))}
    return replace(base, key=f"citizen-{n}", card=card)


def refresh_leases(
    c: RunningCentral,
    terminal: str = "kiosk-1",
    *,
    held: list[str] | None = None,
    spent: list[dict[str, str]] | None = None,
    recent: list[tuple[str, str]] | None = None,
) -> requests.Response:
    """POST /v1/leases/refresh as `terminal` (docs/leases.md)."""
    body = {
        "held": held or [],
        "spent": spent or [],
        "recent": [{"site_id": s, "date": d} for s, d in (recent or [])],
    }
    return requests.post(
        c.url("/v1/leases/refresh"), json=body, headers=c.auth(terminal), timeout=30
    )


def lease_booking(body: dict[str, Any], lease: dict[str, Any], seat: int = 0) -> dict[str, Any]:
    """`body` confirmed from seat `seat` of the signed `lease` (as a terminal replays it)."""
    document = lease["document"]
    return {
        **body,
        "slot_id": document["slot_id"],
        "lease": {"lease_id": document["lease_id"], "reference": document["references"][seat]},
    }
