"""The offline cache: what the kiosk runs on when the central cannot be reached."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from sync.cache import CacheError


def test_refresh_then_run_offline(central, make_terminal, proxy):
    t = make_terminal(proxy.url)
    sites = t.cache.sites()
    assert len(sites) == 25 and sites[0].name_th and sites[0].district_en
    slots = t.cache.slots(sites[0].id)
    assert slots and all(s.site_id == sites[0].id for s in slots)
    age = t.cache.availability_age()
    assert age is not None and age < timedelta(seconds=30)
    proxy.set("refuse")
    report = t.cache.refresh(t.client)
    assert not report.ok and "central-unreachable" in report.errors[0]
    assert len(t.cache.sites()) == 25  # what was cached stays
    found = t.cache.find_slot(slots[0].id)
    assert found == (sites[0], slots[0])
    assert {o["code"] for o in t.cache.occupations()} >= {"other", "student"}
    assert t.cache.rule_set().id == "bkk-thairuamjai-2021-05-27"


def test_the_centrals_keys_are_pinned(central, make_terminal):
    t = make_terminal()
    config = t.client.config()
    rotated = json.loads(json.dumps(config))
    rotated["keys"]["journal_sealing"]["public"] = config["keys"]["rule_signing"]["public"]
    rotated["keys"]["journal_sealing"]["kid"] = config["keys"]["rule_signing"]["kid"]
    with pytest.raises(CacheError) as err:
        t.cache.pin_keys(rotated)
    assert err.value.code == "key-changed" and "--reset-keys" in err.value.en
    t.cache.pin_keys(rotated, reset=True)
    assert t.cache.keys()["journal_sealing"]["key"] == config["keys"]["rule_signing"]["public"]


def test_a_config_without_keys_is_refused(central, make_terminal):
    t = make_terminal(refresh=False)
    with pytest.raises(CacheError):
        t.cache.pin_keys({"keys": {}})
    with pytest.raises(CacheError) as err:
        t.cache.sealing_key()
    assert err.value.code == "no-sealing-key"


def test_a_damaged_cache_file_is_ignored_not_fatal(central, make_terminal):
    t = make_terminal()
    (t.config.cache_dir / "sites.json").write_text("{not json")
    assert t.cache.sites() == []
    assert t.cache.refresh(t.client).ok
    assert len(t.cache.sites()) == 25
