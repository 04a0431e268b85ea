"""Config, signed rule sets, sites and slots, key files."""

from __future__ import annotations

import stat
from datetime import datetime
from email.utils import parsedate_to_datetime
from pathlib import Path

import pytest
import requests

from central.keys import ServerKeys
from kiosk.keys import ed25519_public_from_b64, key_id, unb64
from kiosk.signing import SignatureError, verify
from tests.central.test_bookings_create import _problem


def _get(c, path, **params):
    return requests.get(c.url(path), headers=c.auth(), params=params, timeout=10)


def test_config_holds_hours_occupations_rule_set_keys_and_time(central):
    r = _get(central, "/v1/config")
    assert r.status_code == 200
    config = r.json()
    assert config["channels"]["kiosk"] == {
        "opens": "09:00",
        "closes": "18:00",
        "from": "2021-05-28",
        "timezone": "Asia/Bangkok",
    }
    for channel in ("web", "app"):
        assert (config["channels"][channel]["opens"], config["channels"][channel]["closes"]) == (
            "09:00",
            "22:00",
        )
    other = [o for o in config["occupations"] if o["code"] == "other"]
    assert other and other[0]["th"].startswith("อื่นๆ") and other[0]["free_text"] is True
    assert all(o["th"] and o["en"] for o in config["occupations"])
    assert config["rule_set"] == "bkk-thairuamjai-2021-05-27"
    assert config["sites_version"].startswith("bkk-25-")
    for name in ("rule_signing", "journal_sealing"):
        key = config["keys"][name]
        assert (
            key["kid"] == key_id(unb64(key["public"], name))
            and len(unb64(key["public"], name)) == 32
        )
    assert datetime.fromisoformat(config["server_time"]) == central.clock.now
    assert (config["max_confirmed_age_days"], config["clock_skew_seconds"]) == (7, 300)


def test_every_answer_has_an_http_date_header_from_the_centrals_clock(central):
    r = _get(central, "/v1/config")
    assert parsedate_to_datetime(r.headers["date"]) == central.clock.now.replace(microsecond=0)
    assert "," not in r.headers["date"].split(",", 1)[1]  # exactly one Date header


def test_rule_sets_are_served_signed_with_the_configs_key(central):
    config = _get(central, "/v1/config").json()
    r = _get(central, f"/v1/rules/{config['rule_set']}")
    assert r.status_code == 200
    public = ed25519_public_from_b64(config["keys"]["rule_signing"]["public"])
    document = verify(r.json(), public)
    assert document.get("id", config["rule_set"]) == config["rule_set"]
    tampered = r.json()
    tampered["document"]["tampered"] = True
    with pytest.raises(SignatureError):
        verify(tampered, public)
    _problem(_get(central, "/v1/rules/made-up"), 404, "unknown-rule-set")


def test_sites_are_the_25_with_bilingual_names_and_districts(central):
    body = _get(central, "/v1/sites").json()
    sites = body["sites"]
    assert len(sites) == 25 and len({s["site_id"] for s in sites}) == 25
    names = {s["name_en"] for s in sites}
    for real in ("SCG Bang Sue", "ICONSIAM", "Samyan Mitrtown", "Sripatum University"):
        assert real in names
    assert all(
        s["name_th"] and s["district_th"].startswith("เขต") and s["address_en"] for s in sites
    )


def test_slots_are_hourly_9_to_16_for_14_days(central):
    r = _get(central, "/v1/sites/iconsiam/slots")
    slots = r.json()["slots"]
    assert len(slots) == 14 * 7
    first_day = [s for s in slots if s["date"] == "2021-06-01"]
    assert [s["start"] for s in first_day] == [f"{h:02d}:00" for h in range(9, 16)]
    assert first_day[-1]["end"] == "16:00"
    assert all(s["available"] == s["capacity"] == 50 for s in slots)
    one = _get(central, "/v1/sites/iconsiam/slots", **{"from": "2021-06-03", "to": "2021-06-03"})
    assert {s["date"] for s in one.json()["slots"]} == {"2021-06-03"}
    _problem(_get(central, "/v1/sites/nowhere/slots"), 404, "unknown-site")
    bad = _get(central, "/v1/sites/iconsiam/slots", **{"from": "2021-06-03", "to": "2021-06-01"})
    _problem(bad, 422, "invalid-request")


def test_availability_counts_bookings(central):
    from tests.central.conftest import booking_body

    slot = central.slot_id(site="iconsiam", days=2, hour=13)
    assert central.book(booking_body(central.person("bangkok"), slot)).status_code == 201
    slots = _get(central, "/v1/sites/iconsiam/slots").json()["slots"]
    assert next(s for s in slots if s["slot_id"] == slot)["available"] == 49


def test_key_files_and_database_are_private(central):
    settings = central.central.settings
    keys = settings.keys_path
    assert stat.S_IMODE(keys.stat().st_mode) == 0o700
    files = sorted(keys.iterdir())
    assert [f.name for f in files] == [
        "booking-sealing.aes256",
        "citizen-hash.secret",
        "journal-sealing.x25519",
        "lease-signing.ed25519",
        "rule-signing.ed25519",
    ]
    for f in files:
        assert stat.S_IMODE(f.stat().st_mode) == 0o600, f
    if isinstance(settings.db, Path):  # SQLite; PostgreSQL's files are the server's business
        assert stat.S_IMODE(settings.db.stat().st_mode) == 0o600


def test_keys_survive_a_restart_and_a_world_readable_key_is_refused(tmp_path):
    first = ServerKeys.load_or_create(tmp_path / "k")
    again = ServerKeys.load_or_create(tmp_path / "k")
    assert first.rule_signing_public == again.rule_signing_public
    assert first.citizen_key("1103700123458") == again.citizen_key("1103700123458")
    (tmp_path / "k" / "journal-sealing.x25519").chmod(0o644)
    from central.errors import StoreError

    with pytest.raises(StoreError, match="chmod 600"):
        ServerKeys.load_or_create(tmp_path / "k")
