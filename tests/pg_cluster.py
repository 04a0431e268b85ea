"""The private PostgreSQL cluster of `scripts/postgres`, for the PostgreSQL store's tests.

`scripts/test` starts the cluster and exports its URL as KIOSK_TEST_PG_URL. Without it the
PostgreSQL tests skip with the reason; under CI (KIOSK_REQUIRE_PG=1, set by .ci/run) they fail
instead, so a CI machine on which PostgreSQL did not come up can never pass by skipping (the
same rule as KIOSK_REQUIRE_PCSCD).

Every test gets a database of its own, created from a template that already holds the
migrated schema: `CREATE DATABASE ... TEMPLATE` copies it in about 0.1 s, far quicker than
migrating each time, and tests cannot see each other's rows.
"""

from __future__ import annotations

import hashlib
import itertools
import os
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

ENV_URL = "KIOSK_TEST_PG_URL"
ENV_REQUIRE = "KIOSK_REQUIRE_PG"


def unavailable(reason: str) -> None:
    if os.environ.get(ENV_REQUIRE) == "1":
        pytest.fail(f"PostgreSQL is required here (KIOSK_REQUIRE_PG=1): {reason}")
    pytest.skip(f"PostgreSQL not available: {reason}")


def with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, parts.fragment))


def admin_url() -> str:
    """The cluster's URL (its `postgres` database), or skip/fail with the reason."""
    url = os.environ.get(ENV_URL)
    if not url:
        unavailable(f"{ENV_URL} is not set (scripts/test sets it from scripts/postgres)")
    assert url is not None
    import psycopg

    try:
        with psycopg.connect(url, connect_timeout=5, autocommit=True) as conn:
            conn.execute("SELECT 1")
    except psycopg.Error as exc:
        unavailable(f"cannot connect to {url}: {exc}")
    return url


def _schema_digest() -> str:
    """Names the template after the migrations it holds, so worktrees (and runs) sharing the
    one cluster with different migrations never pick up each other's template."""
    source = Path(__file__).parent.parent / "central" / "store" / "migrations.py"
    return hashlib.sha256(source.read_bytes()).hexdigest()[:12]


class Databases:
    """Creates fresh databases on the cluster and drops them again."""

    def __init__(self, url: str, prepare: Callable[[str], None] | None) -> None:
        import psycopg

        self.url = url
        self._admin = psycopg.connect(url, autocommit=True)
        self._created: list[str] = []
        self._names = itertools.count()
        self._prefix = f"kt_{os.getpid()}_"
        self.template = f"kiosk_tpl_{_schema_digest()}" if prepare else "template1"
        if prepare is not None:
            self._make_template(prepare)

    def _make_template(self, prepare: Callable[[str], None]) -> None:
        # Serialise template building between concurrent test runs on the same cluster.
        self._admin.execute("SELECT pg_advisory_lock(hashtext('kiosk test template'))")
        try:
            found = self._admin.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", (self.template,)
            ).fetchone()
            if found is None:
                building = self.template + "_building"
                self._admin.execute(f'DROP DATABASE IF EXISTS "{building}"')
                self._admin.execute(f'CREATE DATABASE "{building}"')
                prepare(with_database(self.url, building))
                self._admin.execute(f'ALTER DATABASE "{building}" RENAME TO "{self.template}"')
        finally:
            self._admin.execute("SELECT pg_advisory_unlock(hashtext('kiosk test template'))")

    def new(self) -> str:
        """The URL of a new database holding what the template holds."""
        name = f"{self._prefix}{next(self._names)}"
        self._admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        self._admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{self.template}"')
        self._created.append(name)
        return with_database(self.url, name)

    def drop(self, url: str) -> None:
        name = urlsplit(url).path.lstrip("/")
        # WITH (FORCE): a connection a test leaked must not keep the database alive.
        self._admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if name in self._created:
            self._created.remove(name)

    def close(self) -> None:
        for name in list(self._created):
            self._admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        self._admin.close()
