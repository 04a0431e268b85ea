"""Through the real stack: pyscard -> pcscd -> vpcd -> our emulated card on a socket."""

from __future__ import annotations

import threading
import time

import pytest

from kiosk.card import pcsc
from kiosk.card.emulator import ATRS, ThaiIdApplet, placeholder_photo
from kiosk.card.errors import (
    CardRemoved,
    CardReset,
    CardUnresponsive,
    NoCard,
    NoReader,
    NotThaiIdCard,
)
from kiosk.card.model import Card
from kiosk.card.pcsc import ReaderStatus, choose_reader
from tests.cards import FIXTURE_NAMES, fixture

pytestmark = pytest.mark.pcsc


@pytest.mark.parametrize("atr", sorted(ATRS))
@pytest.mark.parametrize("name", FIXTURE_NAMES)
def test_reads_every_fixture_with_every_atr(insert_card, pcscd, name, atr):
    insert_card(fixture(name), atr)
    result = pcsc.read_card(pcscd)
    assert result.card.to_json() == Card.from_json(fixture(name)).to_json()
    assert result.atr == ATRS[atr]
    assert result.stats.exchanges == 7


def test_first_reader_with_a_card_is_chosen(insert_card, pcscd):
    insert_card(fixture("middle_name"))
    assert pcsc.read_card().reader == pcscd


def test_photo_through_pcscd(insert_card, pcscd):
    insert_card(fixture("bangkok"))
    result = pcsc.read_card(pcscd, photo=True)
    assert result.card.photo == placeholder_photo()
    assert result.stats.exchanges == 7 + 42


def test_no_card(pcscd):
    with pytest.raises(NoCard) as err:
        pcsc.read_card(pcscd)
    assert err.value.exit_status == 4


def test_unknown_reader(pcscd):
    with pytest.raises(NoReader) as err:
        pcsc.read_card("Reader That Is Not There")
    assert pcscd in err.value.en


class _OtherCard:
    """A chip card without the MOI applet (a bank card, say)."""

    atr = bytes.fromhex("3B8F8001804F0CA000000306030001000000006A")

    def reset(self):
        pass

    def process(self, apdu):
        return b"\x6a\x82"


def test_a_card_that_is_not_a_thai_id(insert_card, pcscd):
    insert_card(_OtherCard())
    with pytest.raises(NotThaiIdCard):
        pcsc.read_card(pcscd)


def test_card_removed_mid_read(insert_card, pcscd):
    insert_card(fixture("bangkok"), remove_after=3)
    with pytest.raises((CardRemoved, CardReset, NoCard)):
        pcsc.read_card(pcscd, settle=0.05)


def test_reads_again_after_reinsertion(insert_card, pcscd):
    card = insert_card(fixture("bangkok"))
    card.remove()
    from tests.conftest import wait_for_presence

    wait_for_presence(pcscd, False)
    insert_card(fixture("naturalised"))
    assert pcsc.read_card(pcscd).card.to_json() == fixture("naturalised")


def test_presence_monitor_sees_insert_and_remove(insert_card, pcscd):
    events, lock = [], threading.Lock()

    def on_event(ev):
        with lock:
            events.append((ev.kind, ev.reader, ev.atr))

    monitor = pcsc.PresenceMonitor(on_event, settle=0.1).start()
    try:
        time.sleep(0.3)
        card = insert_card(fixture("bangkok"), "3b78")
        _wait(lambda: ("inserted", pcscd, ATRS["3b78"]) in events)
        card.remove()
        _wait(lambda: ("removed", pcscd, ATRS["3b78"]) in events)
    finally:
        monitor.stop()
    kinds = [k for k, r, _ in events if r == pcscd]
    assert kinds == ["inserted", "removed"]


def test_presence_monitor_stops_promptly():
    monitor = pcsc.PresenceMonitor(lambda ev: None).start()
    time.sleep(0.2)
    started = time.monotonic()
    monitor.stop()
    assert time.monotonic() - started < 1.5


def _wait(cond, timeout=5.0):
    deadline = time.monotonic() + timeout
    while not cond():
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        time.sleep(0.02)


def test_choose_reader_rules():
    a = ReaderStatus("ACS ACR39U 00 00", False, False, b"")
    b = ReaderStatus("Virtual PCD 00 00", True, False, ATRS["3b79"])
    mute = ReaderStatus("Virtual PCD 00 01", True, True, b"")
    assert choose_reader([a, b], None) is b
    assert choose_reader([a, mute, b], None) is b
    assert choose_reader([a, b], "virtual pcd") is b
    with pytest.raises(NoCard):
        choose_reader([a, b], "ACR39U")
    with pytest.raises(NoReader):
        choose_reader([a, b, mute], "PCD")  # ambiguous
    with pytest.raises(CardUnresponsive):
        choose_reader([a, mute], None)
    with pytest.raises(NoReader):
        choose_reader([], None)
    with pytest.raises(NoCard):
        choose_reader([a], None)


def test_applet_round_trip_sanity():
    assert ThaiIdApplet.from_json(fixture("bangkok")).atr == ATRS["3b79"]
