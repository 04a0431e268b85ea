"""Valid data for schemathesis' stateful runs: what a real terminal sends, drawn by hypothesis.

A run where every request is refused with 422 tests the validator and nothing behind it. So the
bodies here are the ones the central must accept: a fresh enrolment code spent by a new terminal
id, a booking for a new citizen (a Thai CID with its check digit, `tests/cards.with_check_digit`)
in a slot the served central lists, the card fields and the decision the central's re-check
agrees with, an occupation the central offers, a phone the contract allows; a change to another
real slot, phone or occupation. The links of the document (central/openapi_links.py) then carry
the reference, the ETag and the card number from one answer to the next request.

Registered on one schema only (`schema.hook`), never globally: the stateless contract test
(test_openapi.py) keeps generating whatever the schema allows.
"""

from __future__ import annotations

import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import requests
from hypothesis import strategies as st

from central.openapi_links import BOOK, CANCEL, CHANGE, ENROL, LOOKUP, RULES, SLOTS
from kiosk.demo_people import demo_person
from tests.cards import with_check_digit
from tests.central.conftest import RunningCentral

PHONES = st.from_regex(r"\A0[689][0-9]{8}\Z")


@dataclass
class Served:
    """What the served central offers, read over HTTP as a terminal reads it."""

    site_ids: list[str]
    slot_ids: list[str]
    occupations: list[str]
    rule_set: str

    @classmethod
    def read(cls, c: RunningCentral) -> Served:
        get = lambda path: requests.get(c.url(path), headers=c.auth(), timeout=30).json()  # noqa: E731
        config = get("/v1/config")
        now = c.clock.now
        sites = [s["site_id"] for s in get("/v1/sites")["sites"]]
        slots = [
            s["slot_id"]
            for site in sites
            for s in get(f"/v1/sites/{site}/slots")["slots"]
            if s["available"] > 0 and (s["date"], s["start"]) > (f"{now:%Y-%m-%d}", f"{now:%H:%M}")
        ]
        occupations = [o["code"] for o in config["occupations"] if o["code"] != "other"]
        return cls(sites, slots, occupations, config["rule_set"])


@dataclass
class Tally:
    """Answers per operation and status, and the checks run: the figures the test reports."""

    statuses: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    checks: int = 0
    steps: int = 0
    scenarios: int = 0
    restarts: int = 0

    refusals: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))

    def add(self, label: str, response: Any) -> None:
        self.statuses[label][response.status_code] += 1
        self.steps += 1
        if 400 <= response.status_code < 500:
            self.refusals[label][f"{response.status_code} {response.json().get('code')}"] += 1

    def ok(self, label: str) -> int:
        return sum(n for s, n in self.statuses[label].items() if 200 <= s < 300)

    def table(self) -> str:
        lines = [f"{'operation':42} {'calls':>6} {'2xx':>6} {'share':>6}  statuses"]
        for label in sorted(self.statuses):
            calls = sum(self.statuses[label].values())
            ok = self.ok(label)
            codes = " ".join(f"{s}:{n}" for s, n in sorted(self.statuses[label].items()))
            lines.append(f"{label:42} {calls:6d} {ok:6d} {ok / calls:6.0%}  {codes}")
            if self.refusals[label]:
                why = ", ".join(f"{c} x{n}" for c, n in sorted(self.refusals[label].items()))
                lines.append(f"{'':42}   refused: {why}")
        lines.append(
            f"scenarios {self.scenarios}, steps {self.steps}, checks run {self.checks}, "
            f"operations {len(self.statuses)}, restarts after FlakyStrategyDefinition "
            f"{self.restarts}"
        )
        return "\n".join(lines)


@dataclass
class Known:
    """The bookings this run made, as the answers told them: reference -> card number, ETag."""

    cid: dict[str, str] = field(default_factory=dict)
    etag: dict[str, str] = field(default_factory=dict)
    cancelled: set[str] = field(default_factory=set)
    sent_ids: set[str] = field(default_factory=set)
    sent_cids: set[str] = field(default_factory=set)

    def pick(self, seed: object, *, active: bool = False) -> str | None:
        refs = sorted(r for r in self.cid if not (active and r in self.cancelled))
        return refs[hash(str(seed)) % len(refs)] if refs else None

    def saw(self, op: str, case: Any, response: Any) -> None:
        if response.status_code not in (200, 201) or op not in (BOOK, LOOKUP, CHANGE, CANCEL):
            return
        body = response.json()
        ref = body["reference"]
        if op == BOOK:
            self.cid[ref] = case.body["citizen"]["cid"]
        self.etag[ref] = header(response, "ETag")
        if body["status"] == "cancelled":
            self.cancelled.add(ref)

    def fix(self, op: str, case: Any) -> None:
        """Make a request of the flow a valid one: a booking is new (schemathesis puts values it
        saw in earlier requests and answers into string fields: an old booking_id, a booked
        card), with its booking_id as Idempotency-Key; a change or cancel names a booking this
        run made, with its card and current version; a lookup names a booked card."""
        if op == BOOK and isinstance(case.body, dict):
            if case.body["booking_id"] in self.sent_ids:
                case.body["booking_id"] = str(uuid.uuid4())
            if case.body["citizen"]["cid"] in self.sent_cids:
                fresh = with_check_digit(f"3{_fresh(0):011d}")
                case.body["citizen"] = {**case.body["citizen"], "cid": fresh}
            self.sent_ids.add(case.body["booking_id"])
            self.sent_cids.add(case.body["citizen"]["cid"])
            case.headers = {**(case.headers or {}), "Idempotency-Key": case.body["booking_id"]}
        if (
            op == LOOKUP
            and isinstance(case.body, dict)
            and case.body.get("cid") not in set(self.cid.values())
        ):
            ref = self.pick(case.body, active=True)
            if ref:
                case.body["cid"] = self.cid[ref]
        if op not in (CHANGE, CANCEL):
            return
        ref = case.path_parameters.get("reference")
        if ref not in self.cid:
            ref = self.pick(case.body, active=True)
            if ref is None:
                return
            case.path_parameters["reference"] = ref
        case.headers = {**(case.headers or {}), "If-Match": self.etag[ref]}
        body = case.body if isinstance(case.body, dict) else {}
        case.body = {**body, "cid": self.cid[ref]}


def header(response: Any, name: str) -> str:
    """One header of a schemathesis response (its headers are lists, by lowercase name)."""
    value = {k.lower(): v for k, v in response.headers.items()}[name.lower()]
    return value[0] if isinstance(value, list) else value


_USED: set[int] = set()


def _fresh(n: int) -> int:
    """`n`, or the next number no card of this process has had: hypothesis draws the same
    boundary values again and again, and a citizen can hold one active booking only."""
    while n in _USED:
        n = (n + 7919) % 10**11
    _USED.add(n)
    return n


def citizens() -> st.SearchStrategy[dict[str, Any]]:
    """A Bangkok resident's card (the demo card's fields) with a new valid citizen ID."""
    base = demo_person("bangkok", _today()).card
    return st.integers(0, 10**11 - 1).map(
        lambda n: {**base, "cid": with_check_digit(f"3{_fresh(n):011d}")}
    )


def _today():
    from tests.central.conftest import T0

    return T0.date()


def booking_bodies(served: Served) -> st.SearchStrategy[dict[str, Any]]:
    from tests.central.conftest import T0

    return st.builds(
        lambda citizen, slot, phone, occupation: {
            "booking_id": str(uuid.uuid4()),  # never drawn: a replayed draw would reuse the key
            "channel": "kiosk",
            "slot_id": slot,
            "citizen": citizen,
            "phone": phone,
            "occupation": {"code": occupation, "other": None},
            "answers": {"conditions": [], "works_in_bangkok": None},
            "decision": {"rule_set": served.rule_set, "route": "book", "code": "bangkok-resident"},
            "confirmed_at": T0.isoformat(),
        },
        citizens(),
        st.sampled_from(served.slot_ids),
        PHONES,
        st.sampled_from(served.occupations),
    )


def change_bodies(served: Served) -> st.SearchStrategy[dict[str, Any]]:
    """A change of slot, phone or occupation (or two); the link puts the card number in."""
    changes = st.fixed_dictionaries(
        {},
        optional={
            "slot_id": st.sampled_from(served.slot_ids),
            "phone": PHONES,
            "occupation": st.sampled_from(served.occupations).map(
                lambda code: {"code": code, "other": None}
            ),
        },
    ).filter(bool)
    return st.builds(lambda cid, change: {"cid": cid, **change}, cids(), changes)


def cids() -> st.SearchStrategy[str]:
    return citizens().map(lambda card: card["cid"])


def install(schema: Any, c: RunningCentral, served: Served) -> None:
    """Valid bodies and parameters for the operations of the booking flow, on `schema` only."""
    store_of = {"kiosk-1": "store-1"}

    def new_code(_: object) -> str:
        return c.central.store.new_enrolment_code(
            store_of["kiosk-1"], c.clock.now, c.central.settings.enrolment_code_ttl
        )

    enrolments = st.builds(
        lambda code, n: {"enrolment_code": code, "terminal_id": f"t-{n.hex}", "store": "store-1"},
        st.just(None).map(new_code),
        st.uuids(),
    )
    bodies = {
        ENROL: enrolments,
        BOOK: booking_bodies(served),
        LOOKUP: cids().map(lambda cid: {"cid": cid}),
        CHANGE: change_bodies(served),
    }

    @schema.hook
    def flatmap_body(context: Any, body: Any) -> st.SearchStrategy:
        strategy = bodies.get(context.operation.definition.raw.get("operationId"))
        return strategy if strategy is not None else st.just(body)

    @schema.hook
    def flatmap_query(context: Any, query: Any) -> st.SearchStrategy:
        if context.operation.definition.raw.get("operationId") != SLOTS:
            return st.just(query)
        today = c.clock.now.date()
        days = st.integers(0, 6).map(lambda n: today + timedelta(days=n))
        return st.one_of(
            st.just({}),
            st.builds(
                lambda first, n: {"from": first.isoformat(), "to": (first + n).isoformat()},
                days,
                st.integers(0, 13).map(lambda n: timedelta(days=n)),
            ),
        )

    @schema.hook
    def map_path_parameters(context: Any, path_parameters: dict[str, Any]) -> dict[str, Any]:
        op = context.operation.definition.raw.get("operationId")
        if op == SLOTS and path_parameters.get("site_id") not in served.site_ids:
            path_parameters["site_id"] = served.site_ids[len(str(path_parameters)) % 3]
        if op == RULES:
            path_parameters["rule_set_id"] = served.rule_set
        return path_parameters
