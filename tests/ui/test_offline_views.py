"""What the screens say while offline with seat leases (issue 11), on the real views, offscreen.

tests/ui/test_views.py checks every one of these shots for size, clipping and font on both
panels; here the words and marks themselves: which slots are marked, the line about the others,
the review's "which booking this will be", the result and the notices.
"""

from __future__ import annotations

import pytest

from tests.ui.test_views import SHOTS, family, show  # noqa: F401 - `family` is a fixture
from ui.strings import tr
from ui.widgets import Button


def slot_buttons(window) -> list[Button]:
    return [
        b
        for b in window.findChildren(Button)
        if b.objectName().startswith("slot-") and b.isVisible()
    ]


@pytest.mark.parametrize("lang", ["th", "en"])
def test_offline_the_leased_slots_are_marked_with_icon_and_words(qtbot, family, lang):  # noqa: F811
    window = show(qtbot, family, SHOTS["46-slot-offline-leases"], lang, "1280x800")
    s = window.b.session
    marked = tr("slot.confirm_now", lang)
    buttons = slot_buttons(window)
    slots = s.slots_on(s.slot_day)
    assert len(buttons) == len(slots) == 7
    for b, slot in zip(buttons, slots, strict=True):
        leased = s.confirms_now(slot)
        assert (marked in b.text()) == leased, slot.id
        assert (b._icon_name == "confirm-now") == leased, slot.id
    assert sum(marked in b.text() for b in buttons) == 4
    # 11:00 shows full in the cache, yet this terminal's own seat makes it bookable
    eleven = next(b for b, slot in zip(buttons, slots, strict=True) if slot.start == "11:00")
    assert eleven.isEnabled() and marked in eleven.text()
    line = window.findChild(type(window.top.title), "slot-offline")
    assert line.isVisible() and line.text() == tr("slot.offline.some", lang)
    assert window.banner.text.text() == tr("offline.leases", lang)


def test_offline_without_lease_seats_the_line_says_every_booking_waits(qtbot, family):  # noqa: F811
    window = show(qtbot, family, SHOTS["54-slot-offline-no-lease"], "en", "1280x800")
    assert not any(tr("slot.confirm_now", "en") in b.text() for b in slot_buttons(window))
    line = window.findChild(type(window.top.title), "slot-offline")
    assert line.isVisible() and line.text() == tr("slot.offline.none", "en")
    assert window.banner.text.text() == tr("offline", "en")


def test_online_the_slot_screen_has_no_offline_line_or_marks(qtbot, family):  # noqa: F811
    window = show(qtbot, family, SHOTS["27-slot-chosen"], "th", "1280x800")
    assert not any(tr("slot.confirm_now", "th") in b.text() for b in slot_buttons(window))
    assert not window.findChild(type(window.top.title), "slot-offline").isVisible()
    assert not window.banner.isVisible()


@pytest.mark.parametrize(
    ("shot", "key", "icon"),
    [
        ("48-review-offline-confirm-now", "review.will.confirm", "confirm-now"),
        ("49-review-offline-queue", "review.will.queue", "clock"),
    ],
)
@pytest.mark.parametrize("lang", ["th", "en"])
def test_the_review_says_which_booking_confirming_makes(qtbot, family, shot, key, icon, lang):  # noqa: F811
    window = show(qtbot, family, SHOTS[shot], lang, "1280x800")
    view = window.views[window.b.session.screen]
    assert view.will.isVisible()
    assert view.will.value.text() == tr(key, lang)
    assert view.will.label.text() == tr("review.will", lang)
    assert view.will.icon.isVisible()


def test_online_the_review_says_nothing_about_it(qtbot, family):  # noqa: F811
    window = show(qtbot, family, SHOTS["28-review"], "th", "1280x800")
    assert not window.views[window.b.session.screen].will.isVisible()


@pytest.mark.parametrize("lang", ["th", "en"])
def test_an_offline_confirmed_result_reads_like_an_online_one(qtbot, family, lang):  # noqa: F811
    offline = show(qtbot, family, SHOTS["50-result-offline-confirmed"], lang, "1280x800")
    view = offline.views[offline.b.session.screen]
    assert view.heading.text() == tr("result.confirmed", lang)
    assert view.icon.isVisible()
    assert view.reference.text() == f"{tr('result.reference', lang)} TRJ-5W2P-H8RC"
    sms = tr("result.offline_sms", lang, phone="081-XXX-5678")
    assert view.words.text() == sms
    online = show(qtbot, family, SHOTS["30-result-confirmed-printing"], lang, "1280x800")
    online_view = online.views[online.b.session.screen]
    assert online_view.heading.text() == view.heading.text()
    assert not online_view.words.isVisible()


def test_an_existing_offline_confirmed_booking_is_confirmed_and_can_be_reprinted(qtbot, family):  # noqa: F811
    window = show(qtbot, family, SHOTS["51-existing-offline-confirmed"], "en", "1280x800")
    view = window.views[window.b.session.screen]
    assert view.status.text() == tr("status.confirmed", "en")
    assert "TRJ-5W2P-H8RC" in view.reference.text()
    assert tr("existing.offline", "en") in view.note.text()
    assert view.reprint.isVisible()
    assert not view.change.isVisible() and not view.cancel.isVisible()


@pytest.mark.parametrize("lang", ["th", "en"])
def test_the_notice_of_a_lost_lease_booking_names_the_booking_that_stands(qtbot, family, lang):  # noqa: F811
    window = show(qtbot, family, SHOTS["52-notice-lease-conflict"], lang, "1280x800")
    view = window.views[window.b.session.screen]
    assert view.notice.isVisible() and view.booking.isVisible()
    assert view.notice_text.text() == tr("notice.lease.conflict", lang, ref="TRJ-9H3D-7QXA")
    assert "TRJ-9H3D-7QXA" in view.reference.text()


@pytest.mark.parametrize("lang", ["th", "en"])
def test_the_notice_of_an_expired_lease_booking_asks_to_book_again(qtbot, family, lang):  # noqa: F811
    window = show(qtbot, family, SHOTS["53-notice-lease-expired"], lang, "1280x800")
    view = window.views[window.b.session.screen]
    assert view.notice_text.text() == tr("notice.lease.lost", lang)
    assert view.nav.primary.text() == tr("existing.book_again", lang)
    if lang == "th":
        assert "กรุณา" in view.notice_text.text()
