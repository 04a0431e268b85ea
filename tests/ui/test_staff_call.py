""" "Call staff" from every customer screen, rendered by the real window from a real session.

Each screen is reached by the same event sequences the screenshots use (ui/screenshots.py), so
the set of screens is checked to be every `Screen` there is: a new screen without the button
fails here. The chime's seam is tested with a real process standing in for `aplay`.
"""

from __future__ import annotations

import stat
import time
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from kiosk.session import Screen
from kiosk.session import events as ev
from ui import screenshots as shots
from ui.binding import SessionBinding
from ui.chime import RecordingChime, StaffAlarm, SystemChime, ding_dong
from ui.theme import load_fonts, metrics_for
from ui.window import MainWindow


def _steps_by_screen() -> dict[Screen, shots.Step]:
    out: dict[Screen, shots.Step] = {Screen.PAUSED: shots.run(ev.PauseChanged(True))}
    for shot in shots.all_shots():
        if shot.overlay is None:
            s = shots.session()
            shot.step(s)
            out.setdefault(s.screen, shot.step)
    return out


STEPS = _steps_by_screen()


def test_every_screen_there_is_is_tested():
    assert set(STEPS) == set(Screen)


def window_on(qtbot, screen: Screen) -> tuple[MainWindow, SessionBinding]:
    s = shots.session()
    STEPS[screen](s)
    assert s.screen == screen
    binding = SessionBinding(s, occupations=shots.OCCUPATIONS)
    window = MainWindow(binding, metrics_for(1280, 800, 149.5), family=load_fonts())
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    qtbot.waitExposed(window)
    return window, binding


@pytest.mark.parametrize("screen", sorted(Screen, key=str), ids=str)
def test_call_staff_from_every_customer_screen(qtbot, screen):
    window, binding = window_on(qtbot, screen)
    button = window.top.call
    assert button.isVisible() and button.isEnabled() and button.text() == "เรียกพนักงาน"
    assert not window.staff_banner.isVisible()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    s = binding.session
    assert s.staff_call is not None and s.staff_call.screen == str(screen)
    assert s.screen == screen  # calling moves nobody anywhere
    assert window.staff_banner.isVisible()
    assert "พนักงานกำลังมาช่วย" in window.staff_banner.text.text()
    assert button.text() == "เรียกพนักงานแล้ว"
    opened = [e for e in binding.effects if isinstance(e, ev.StaffCallOpened)]
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)  # a second tap: still one call
    assert opened == [e for e in binding.effects if isinstance(e, ev.StaffCallOpened)]
    assert len(opened) == 1
    binding.answer_call()  # the clerk's answer
    assert s.staff_call is None and not window.staff_banner.isVisible()
    assert button.text() == "เรียกพนักงาน"


def test_the_customer_takes_the_call_back_from_the_banner(qtbot):
    window, binding = window_on(qtbot, Screen.CONTACT)
    qtbot.mouseClick(window.top.call, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(window.staff_banner.cancel, Qt.MouseButton.LeftButton)
    assert binding.session.staff_call is None
    closed = [e for e in binding.effects if isinstance(e, ev.StaffCallClosed)]
    assert [e.how for e in closed] == ["cancelled"]


def test_the_button_is_not_reachable_on_the_clerk_or_technician_screens(qtbot):
    window, _ = window_on(qtbot, Screen.WELCOME)
    centre = window.top.call.mapTo(window, window.top.call.rect().center())
    assert window.childAt(centre) in (window.top.call, *window.top.call.findChildren(object))
    for open_it in (
        lambda: window.clerk.open_panel("th"),
        lambda: window.technician.open_panel("th"),
    ):
        open_it()
        hit = window.childAt(centre)
        assert hit is not window.top.call and window.top.call not in _ancestors(hit)
        window.clerk.hide()
        window.technician.hide()


def _ancestors(w):
    out = []
    while w is not None:
        out.append(w)
        w = w.parentWidget()
    return out


# the chime ------------------------------------------------------------------------------------


def test_the_alarm_rings_at_once_then_repeats_until_stopped(qtbot):
    chime = RecordingChime()
    alarm = StaffAlarm(chime, interval=0.05)
    alarm.start()
    assert len(chime.rings) == 1
    qtbot.waitUntil(lambda: len(chime.rings) >= 3, timeout=10000)  # a loaded machine
    alarm.stop()
    heard = len(chime.rings)
    qtbot.wait(200)
    assert len(chime.rings) == heard and not alarm.ringing


def test_the_chime_is_a_real_wav():
    data = ding_dong()
    assert data[:4] == b"RIFF" and data[8:12] == b"WAVE" and len(data) > 20000


def fake_player(folder: Path, exit_code: int = 0) -> Path:
    """A real program called aplay that records its arguments (a real process, no sound)."""
    script = folder / "aplay"
    script.write_text(f'#!/bin/sh\necho "$@" >> "{folder}/played"\nexit {exit_code}\n')
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return script


def test_the_system_chime_runs_the_player_with_the_wav(tmp_path):
    player = fake_player(tmp_path)
    chime = SystemChime(which=lambda name: str(player) if name == "aplay" else None)
    chime.ring()
    deadline = time.monotonic() + 5
    while not (tmp_path / "played").exists() and time.monotonic() < deadline:
        time.sleep(0.02)
    args = (tmp_path / "played").read_text().split()
    assert args[0] == "-q" and args[1].endswith("ding-dong.wav")
    assert Path(args[1]).read_bytes()[:4] == b"RIFF"


def test_no_player_or_a_failing_one_breaks_nothing(tmp_path, caplog):
    silent = SystemChime(which=lambda name: None)
    silent.ring()
    silent.ring()
    assert silent.player is None
    assert sum("no sound player" in r.message for r in caplog.records) == 1  # said once
    failing = SystemChime(which=lambda name: str(fake_player(tmp_path, 1)))
    failing.ring()
    failing._last.wait(5)
    failing.ring()  # learns the last one failed, says so, tries again
    assert any("failed" in r.message for r in caplog.records)
