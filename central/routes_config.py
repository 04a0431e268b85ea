"""What a terminal caches to work offline: config, signed rule sets, sites and slots."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Query

from central import eligibility
from central.auth import CentralDep, TerminalDep
from central.errors import InvalidRequest, NotFound
from central.hours import CLOCK_SKEW, MAX_AGE
from central.models import ConfigOut, SignedRuleSetOut, SitesOut, SlotsOut
from central.problems import responses
from kiosk.signing import sign

router = APIRouter(prefix="/v1", tags=["config"])
MAX_SLOT_RANGE_DAYS = 31


@router.get("/config", response_model=ConfigOut, responses=responses())
async def get_config(central: CentralDep, _: TerminalDep) -> dict[str, Any]:
    store, keys = central.store, central.keys
    return {
        "channels": {ch: h.to_json() for ch, h in store.hours().items()},
        "timezone": "Asia/Bangkok",
        "occupations": [o.to_json() for o in store.occupations()],
        "rule_set": store.meta("rule_set") or eligibility.DEFAULT_RULE_SET,
        "sites_version": store.meta("sites_version") or "",
        "keys": {
            "rule_signing": keys.rule_signing_public,
            "journal_sealing": keys.journal_sealing_public,
            "lease_signing": keys.lease_signing_public,
        },
        "server_time": central.now().isoformat(timespec="milliseconds"),
        "max_confirmed_age_days": MAX_AGE.days,
        "clock_skew_seconds": int(CLOCK_SKEW.total_seconds()),
    }


@router.get("/rules/{rule_set_id}", response_model=SignedRuleSetOut, responses=responses(404))
async def get_rules(rule_set_id: str, central: CentralDep, _: TerminalDep) -> dict[str, Any]:
    """The rule set in a signed envelope (`kiosk.signing`); verify with the config's key."""
    try:
        document = eligibility.rule_set_document(rule_set_id)
    except eligibility.UnknownRuleSet:
        raise NotFound(
            f"No rule set {rule_set_id!r}.", th="ไม่พบชุดเกณฑ์นี้", code="unknown-rule-set"
        ) from None
    return sign(document, central.keys.rule_signing)


@router.get("/sites", response_model=SitesOut, responses=responses())
async def get_sites(central: CentralDep, _: TerminalDep) -> dict[str, Any]:
    return {
        "version": central.store.meta("sites_version") or "",
        "sites": [s.to_json() for s in central.store.sites()],
    }


@router.get("/sites/{site_id}/slots", response_model=SlotsOut, responses=responses(404))
async def get_slots(
    site_id: str,
    central: CentralDep,
    _: TerminalDep,
    from_: Annotated[date | None, Query(alias="from")] = None,
    to: Annotated[date | None, Query()] = None,
) -> dict[str, Any]:
    """Slots of a site between two dates (inclusive; default today and the next 13 days)."""
    if central.store.site(site_id) is None:
        raise NotFound(f"No site {site_id!r}.", th="ไม่พบจุดฉีดวัคซีนนี้", code="unknown-site")
    first = from_ or central.today()
    last = to or first + timedelta(days=13)
    if last < first or (last - first).days > MAX_SLOT_RANGE_DAYS:
        raise InvalidRequest(
            f"'to' must be on or after 'from' and at most {MAX_SLOT_RANGE_DAYS} days later"
        )
    # Seats held by terminals' leases are not for sale here (capacity - booked - held), until
    # the slot starts and they stop counting (DESIGN §11).
    now = central.now()
    return {
        "site_id": site_id,
        "slots": [s.to_json(now) for s in central.store.slots(site_id, first, last)],
    }
