"""The presenter's panel of `kiosk demo` (with a display): cards in and out, the central's plug,
the last slip, driving the real kiosk beside it."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton

from kiosk.cli.demo_env import DemoEnvironment
from kiosk.session import Screen
from ui.demo import DemoPanel, build_demo_kiosk
from ui.theme import load_fonts

pytestmark = pytest.mark.pcsc


@pytest.fixture
def env(tmp_path, pcscd):
    e = DemoEnvironment(tmp_path / "demo")
    e.start_central()
    e.provision()
    yield e
    e.close()


def test_the_panel_puts_cards_in_and_pulls_the_plug(qtbot, env):
    kiosk = build_demo_kiosk(env)
    panel = DemoPanel(env, load_fonts())
    qtbot.addWidget(panel)
    kiosk.controller.start()
    try:
        buttons = {b.text(): b for b in panel.findChildren(QPushButton)}
        card_button = next(b for t, b in buttons.items() if "Bangkok resident" in t)
        qtbot.mouseClick(card_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: kiosk.controller.session.screen == Screen.CONSENT, timeout=15000)
        assert "card in the reader" in panel.status.text()
        remove = next(b for t, b in buttons.items() if "Remove the card" in t)
        remove.click()
        qtbot.waitUntil(lambda: kiosk.controller.session.screen == Screen.WELCOME, timeout=15000)
        assert env.central_up
        panel.plug.click()
        assert not env.central_up and "Plug the central back in" in panel.plug.text()
        panel.plug.click()
        assert env.central_up and "Pull the plug" in panel.plug.text()
    finally:
        kiosk.close()
