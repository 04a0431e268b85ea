"""What a central refusal means for the journal: one table, shared by the kiosk and the replay.

The same problem code must lead to the same journal state whether the booking was sent at the
counter or replayed at night; otherwise a customer's slip and the technician's screen disagree.
"""

from __future__ import annotations

from typing import Literal

Verdict = Literal["retry", "conflict", "rejected"]

#: Worth sending again later: the central did not judge the booking itself.
RETRY = frozenset({"request-in-flight", "overloaded", "http-429", "http-503"})
#: The citizen already has a booking (any channel): keep the central's, drop ours.
CONFLICT = frozenset({"already-booked", "idempotency-key-reused"})


def verdict(problem_code: str) -> Verdict:
    if problem_code in RETRY:
        return "retry"
    if problem_code in CONFLICT:
        return "conflict"
    return "rejected"
