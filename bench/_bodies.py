"""The booking body the benches send, as a terminal or a web front end sends it (DESIGN §5):
one builder, so that a change to the contract is made once for every bench."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from kiosk.card.cid import check_digit

RULE_SET = "bkk-thairuamjai-2021-05-27"


def make_cid(n: int, prefix: str = "3") -> str:
    """A valid citizen ID numbered `n` (the prefix keeps benches' people apart)."""
    first12 = f"{prefix}{n:0{12 - len(prefix)}d}"
    return first12 + str(check_digit(first12))


def booking_body(
    booking_id: str,
    channel: str,
    slot_id: str,
    citizen: dict[str, Any],
    *,
    phone: str = "0812345678",
    confirmed_at: str | None = None,
) -> dict[str, Any]:
    """A Bangkok resident's booking: the decision the terminal made, and when."""
    return {
        "booking_id": booking_id,
        "channel": channel,
        "slot_id": slot_id,
        "citizen": citizen,
        "phone": phone,
        "occupation": {"code": "company-employee", "other": None},
        "answers": {"conditions": [], "works_in_bangkok": None},
        "decision": {"rule_set": RULE_SET, "route": "book", "code": "bangkok-resident"},
        "confirmed_at": confirmed_at or datetime.now().astimezone().isoformat(timespec="seconds"),
    }
