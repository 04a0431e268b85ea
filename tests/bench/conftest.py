"""The benches are scripts in bench/, not a package: their helper modules import each other by
their bare names, so the tests put bench/ on the path the way the scripts do."""

import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "bench"
if str(BENCH) not in sys.path:
    sys.path.insert(0, str(BENCH))

# Both backends, as the central's tests have them (a test asks for `backend` and `new_db`).
from tests.central.conftest import backend, new_db, pg_databases  # noqa: E402, F401
