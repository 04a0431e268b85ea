import itertools

from hypothesis import given
from hypothesis import strategies as st

from kiosk.card.presence import CardEvent, PresenceDebouncer

ATR = b"\x3b\x79"


def test_insertion_is_reported_once_settled():
    d = PresenceDebouncer(settle=0.3)
    assert d.observe("r", True, ATR, now=0.0) == []
    assert d.poll(0.2) == []
    assert d.next_deadline() == 0.3
    assert d.poll(0.3) == [CardEvent("inserted", "r", ATR)]
    assert d.poll(1.0) == []


def test_bounce_right_after_insertion_is_absorbed():
    d = PresenceDebouncer(settle=0.3)
    events = d.observe("r", True, ATR, 0.0) + d.observe("r", False, b"", 0.05)
    events += d.observe("r", True, ATR, 0.1) + d.poll(0.35)
    assert events == []
    assert d.poll(0.4) == [CardEvent("inserted", "r", ATR)]


def test_removal_is_reported_at_once():
    d = PresenceDebouncer(settle=0.3)
    d.observe("r", True, ATR, 0.0)
    d.poll(0.5)
    assert d.observe("r", False, b"", 0.6) == [CardEvent("removed", "r", ATR)]


def test_a_swapped_card_is_a_removal_and_a_new_insertion():
    d = PresenceDebouncer(settle=0.3)
    d.observe("r", True, ATR, 0.0)
    d.poll(0.5)
    assert d.observe("r", True, b"\x3b\x67", 1.0) == [CardEvent("removed", "r", ATR)]
    assert d.poll(1.3) == [CardEvent("inserted", "r", b"\x3b\x67")]


def test_readers_are_independent_and_unplugging_removes():
    d = PresenceDebouncer(settle=0.1)
    d.observe("a", True, ATR, 0.0)
    d.observe("b", True, ATR, 0.0)
    assert {e.reader for e in d.poll(0.2)} == {"a", "b"}
    assert d.forget("a", 0.3) == [CardEvent("removed", "a", ATR)]
    assert d.tracked() == ["b"]


def test_mute_card_is_reported_as_such():
    d = PresenceDebouncer(settle=0.0)
    assert d.observe("r", True, b"", 0.0, mute=True) == [CardEvent("inserted", "r", b"", mute=True)]


observations = st.lists(
    st.tuples(st.floats(0, 0.5), st.booleans(), st.sampled_from([ATR, b"\x3b\x67"])), max_size=40
)


@given(observations)
def test_events_alternate_and_end_in_the_settled_state(obs):
    d = PresenceDebouncer(settle=0.3)
    now, events = 0.0, []
    for gap, present, atr in obs:
        now += gap
        events += d.observe("r", present, atr if present else b"", now)
    events += d.poll(now + 10)
    kinds = [e.kind for e in events]
    assert all(a != b for a, b in itertools.pairwise(kinds))
    if kinds:
        assert kinds[0] == "inserted"
    final_present = obs[-1][1] if obs else False
    assert (kinds[-1] == "inserted" if kinds else False) == final_present
