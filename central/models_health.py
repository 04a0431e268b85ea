"""The fleet health report a terminal sends (DESIGN §13), as a pydantic model with limits.

Every string is bounded and every number ranged so a report the central accepts always fits in
the 1 KB the route also enforces on the raw body; unknown members are refused like everywhere
else in the contract. There is no field that could carry personal data: a check says its name,
status and a short detail written by the terminal's own doctor code, never a customer's.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AwareDatetime, Field, StringConstraints

from central.models import Strict

#: The largest body `PUT /v1/terminals/me/health` takes; a larger one is answered 413.
MAX_REPORT_BYTES = 1024

Count = Annotated[int, Field(ge=0, le=10_000_000)]
Status = Literal["ok", "warn", "fail"]


class HealthCheckIn(Strict):
    name: Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]{0,31}$")]
    status: Status
    detail: Annotated[str, StringConstraints(max_length=160)] = ""


class HealthQueueIn(Strict):
    queued: Count
    sending: Count
    oldest_age_s: Count | None = None


class HealthLeasesIn(Strict):
    held: Count
    spent: Count


class HealthPrinterIn(Strict):
    state: Literal["ok", "warn", "fail", "unknown"]
    paper: Literal["ok", "near-end", "out", "unknown"]


class HealthStaffIn(Strict):
    requested: bool
    paused: bool


class HealthIn(Strict):
    software: Annotated[str, StringConstraints(min_length=1, max_length=40)]
    rule_set: Annotated[str, StringConstraints(max_length=64)] | None = None
    interval_s: Annotated[int, Field(ge=10, le=600)] = 60
    checks: Annotated[list[HealthCheckIn], Field(default_factory=list, max_length=32)]
    queue: HealthQueueIn
    leases: HealthLeasesIn
    printer: HealthPrinterIn
    reader: Literal["ok", "warn", "fail", "unknown"]
    # a test central runs years away from the machine clock: bounded, but generously
    clock_offset_s: Annotated[float, Field(ge=-1e10, le=1e10)] | None = None
    last_sync: AwareDatetime | None = None
    staff: HealthStaffIn
