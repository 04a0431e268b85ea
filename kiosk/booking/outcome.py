"""What a central refusal means for the journal: one table, shared by the kiosk and the replay.

The same problem code must lead to the same journal state whether the booking was sent at the
counter or replayed at night; otherwise a customer's slip and the technician's screen disagree.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

Verdict = Literal["retry", "conflict", "rejected"]

#: Worth sending again later: the central did not judge the booking itself.
RETRY = frozenset({"request-in-flight"})
#: The citizen already has a booking (any channel): keep the central's, drop ours.
CONFLICT = frozenset({"already-booked"})
#: What of a problem's extra members the journal may keep in clear (DESIGN §6): the reference of
#: the booking that won, and where else there was room. Never another booking's details: an
#: already-booked problem names a booking that may carry someone's phone or free text.
ALTERNATIVE_FIELDS = (
    "slot_id",
    "site_id",
    "date",
    "start",
    "end",
    "capacity",
    "available",
    "name_th",
    "name_en",
)


def verdict(problem_code: str) -> Verdict:
    """`idempotency-key-reused` is a rejection, not a conflict: the central holds *our* booking
    id with another body, which only a bug can cause; the technician must see it."""
    if problem_code in RETRY:
        return "retry"
    if problem_code in CONFLICT:
        return "conflict"
    return "rejected"


def kept_extra(problem: Mapping[str, Any]) -> dict[str, Any]:
    """The members of a refusal worth keeping for the customer and the technician."""
    extra: dict[str, Any] = {}
    if isinstance(problem.get("reference"), str):
        extra["reference"] = problem["reference"]
    alternatives = problem.get("alternatives")
    if isinstance(alternatives, list):
        extra["alternatives"] = [
            {k: a[k] for k in ALTERNATIVE_FIELDS if k in a and isinstance(a[k], str | int)}
            for a in alternatives[:10]
            if isinstance(a, Mapping)
        ]
    return extra
