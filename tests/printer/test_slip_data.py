"""The slip data contract: what parses, and errors that name the field without leaking it."""

from __future__ import annotations

import copy
from datetime import date, datetime, time

import pytest

from kiosk.dates import BANGKOK
from printer.errors import SlipDataError
from printer.slip_data import BookingSlip, DecisionSlip, parse_slip
from tests.printer.conftest import KINDS, NOW, slip_json


@pytest.mark.parametrize("kind", KINDS)
def test_every_fixture_parses_to_its_kind(kind):
    slip = parse_slip(slip_json(kind), now=NOW)
    assert slip.kind == kind


def test_a_confirmed_booking_in_full():
    slip = parse_slip(slip_json("confirmed"), now=NOW)
    assert isinstance(slip, BookingSlip)
    assert slip.reference == "TRJ-7K3M-Q9XD"
    assert slip.slot is not None and slip.slot.date == date(2021, 6, 7)
    assert (slip.slot.start, slip.slot.end) == (time(9), time(10))
    assert slip.printed_at == datetime(2021, 5, 28, 10, 15, 7, tzinfo=BANGKOK)
    assert slip.site is not None and slip.site.district_en == "Chatuchak District"


def test_printed_at_defaults_to_now_in_bangkok():
    data = slip_json("hospital")
    del data["printed_at"]
    utc_now = datetime.fromisoformat("2021-05-28T03:00:00+00:00")
    slip = parse_slip(data, now=utc_now)
    assert isinstance(slip, DecisionSlip)
    assert slip.printed_at == utc_now
    assert slip.printed_at.utcoffset().total_seconds() == 7 * 3600


def test_names_are_not_in_the_repr():
    slip = parse_slip(slip_json("confirmed"), now=NOW)
    assert "Somchai" not in repr(slip)
    assert "สมชาย" not in repr(slip)


def test_unknown_keys_are_ignored():
    data = slip_json("confirmed")
    data["phone_masked"] = "08X-XXX-1234"
    data["site"]["lat"] = 13.8
    assert parse_slip(data, now=NOW).kind == "confirmed"


def _with(kind: str, path: str, value: object) -> dict:
    data = copy.deepcopy(slip_json(kind))
    *parents, last = path.split(".")
    target = data
    for key in parents:
        target = target[key]
    if value is KeyError:
        del target[last]
    else:
        target[last] = value
    return data


@pytest.mark.parametrize(
    ("kind", "path", "value", "field", "says"),
    [
        ("confirmed", "status", "booked", "status", "confirmed | queued | rejected"),
        ("confirmed", "reference", None, "reference", "must have a reference"),
        ("confirmed", "reference", "TRJ-7K3M-Q9XD-ไทย", "reference", "ASCII"),
        ("queued", "reference", "TRJ-7K3M-Q9XD", "reference", "null while"),
        ("queued", "site", KeyError, "site", "required for a queued booking"),
        ("confirmed", "slot", None, "slot", "required"),
        ("confirmed", "slot.date", "2021-13-01", "slot.date", "YYYY-MM-DD"),
        ("confirmed", "slot.start", "9:00", "slot.start", "HH:MM"),
        ("confirmed", "slot.end", "08:00", "slot.end", "after start"),
        ("confirmed", "site.id", "", "site.id", "empty"),
        ("confirmed", "site.address_en", 42, "site.address_en", "string"),
        ("confirmed", "terminal", "T-0001", "terminal", "object"),
        ("confirmed", "citizen", KeyError, "citizen", "missing"),
        ("confirmed", "printed_at", "2021-05-28T10:15:07", "printed_at", "UTC offset"),
        ("confirmed", "confirmed_at", "yesterday", "confirmed_at", "ISO 8601"),
        ("hospital", "kind", "coupon", "kind", "'booking' or 'decision'"),
        ("hospital", "decision.route", "book", "decision.route", "hospital | await-guidance"),
        ("hospital", "decision.message.en", KeyError, "decision.message.en", "missing"),
        ("hospital", "decision.rule_set", None, "decision.rule_set", "missing"),
    ],
)
def test_bad_fields_are_named(kind, path, value, field, says):
    with pytest.raises(SlipDataError) as caught:
        parse_slip(_with(kind, path, value), now=NOW)
    err = caught.value
    assert err.field == field
    assert says in err.problem
    assert err.exit_status == 2
    assert field in err.th and field in err.en


def test_a_rejected_booking_may_lack_site_and_slot():
    data = _with("rejected", "site", KeyError)
    data.pop("slot")
    slip = parse_slip(data, now=NOW)
    assert isinstance(slip, BookingSlip) and slip.site is None and slip.slot is None


FULL_CID = "1103700012348"


@pytest.mark.parametrize(
    "cid", [FULL_CID, "1-1037-00012-34-8", "1-1037-0001X-XX-8", "11037XXXXXXX8"]
)
def test_a_full_or_half_masked_cid_is_refused_and_never_echoed(cid):
    with pytest.raises(SlipDataError) as caught:
        parse_slip(_with("confirmed", "citizen.masked_cid", cid), now=NOW)
    err = caught.value
    assert err.field == "citizen.masked_cid"
    assert cid not in err.en and cid not in err.th and cid not in repr(err.details)


def test_a_bad_name_is_named_but_not_quoted():
    name = "นายสมชาย\x00ใจดี"
    with pytest.raises(SlipDataError) as caught:
        parse_slip(_with("confirmed", "citizen.name_th", name), now=NOW)
    assert caught.value.field == "citizen.name_th"
    assert "สมชาย" not in caught.value.en


def test_one_name_is_enough_but_not_none():
    assert parse_slip(slip_json("await-guidance"), now=NOW).citizen.name_th == ""
    data = _with("await-guidance", "citizen.name_en", "")
    with pytest.raises(SlipDataError, match="both be empty"):
        parse_slip(data, now=NOW)


def test_the_top_level_must_be_an_object():
    with pytest.raises(SlipDataError) as caught:
        parse_slip([], now=NOW)
    assert caught.value.field == "(top level)"


def test_a_site_known_only_by_its_id_is_enough():
    """What a reprint from the journal may have (kiosk.session.slips.existing_slip)."""
    data = _with("confirmed", "site", {"id": "bkk-07", "name_th": "", "address_en": None})
    slip = parse_slip(data, now=NOW)
    assert isinstance(slip, BookingSlip) and slip.site is not None
    assert (slip.site.id, slip.site.name_th, slip.site.address_en) == ("bkk-07", "", "")
