from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from kiosk.dates import BANGKOK

FIXTURES = Path(__file__).parent / "fixtures"
KINDS = ("confirmed", "queued", "rejected", "hospital", "await-guidance", "ineligible")
#: Stands in for the clock wherever a fixture has no printed_at.
NOW = datetime(2021, 5, 28, 10, 15, 7, tzinfo=BANGKOK)


def slip_json(kind: str) -> dict:
    return json.loads((FIXTURES / f"{kind}.json").read_text(encoding="utf-8"))
