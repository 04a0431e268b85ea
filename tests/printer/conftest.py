from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest

from kiosk.dates import BANGKOK
from tests.printer.loopback import LoopbackPrinter

FIXTURES = Path(__file__).parent / "fixtures"
KINDS = ("confirmed", "queued", "rejected", "hospital", "await-guidance", "ineligible")
#: Fixtures that are a variant of a kind (same `kind`, other content).
VARIANTS = ("pending-verification", "offline-confirmed")
#: Stands in for the clock wherever a fixture has no printed_at.
NOW = datetime(2021, 5, 28, 10, 15, 7, tzinfo=BANGKOK)


def slip_json(kind: str) -> dict:
    return json.loads((FIXTURES / f"{kind}.json").read_text(encoding="utf-8"))


@pytest.fixture
def loopback_printer() -> Iterator[type[LoopbackPrinter]]:
    """Start loopback printers with `loopback_printer(state, then=...)`; all closed afterwards."""
    started: list[LoopbackPrinter] = []

    def start(state: str = "ready", then: str | None = None) -> LoopbackPrinter:
        printer = LoopbackPrinter(state, then)
        started.append(printer)
        return printer

    yield start  # type: ignore[misc]
    for printer in started:
        printer.close()
