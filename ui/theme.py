"""Sizes, colours and the font of every screen, derived from the physical screen (DESIGN §10).

Sizes are physical, because fingers and eyes are: the reference is the store kiosk's 15.6"
1920x1080 panel (141 dpi), where a touch target is 20 mm (111 px: public-terminal guidance asks
for 20-22 mm, more than phone guidelines), body text 28 px (5 mm) and headings 44 px. On another
panel everything scales by its physical dots per inch, so a target stays 20 mm wide.

A 1280x800 counter tablet (10.1", 150 dpi) is physically much smaller and is seen from closer
(about 40 cm, held or propped on the counter, instead of about 60 cm standing at a kiosk); there
the layout is compacted by 0.8: targets 16 mm (94 px), body 24 px, headings 37 px. That is still
well above every touch guideline for hand-held screens (7-10 mm) and lets each screen fit without
scrolling. The rule is by physical height (under 150 mm), not by pixel count, so a large
1280x800 monitor keeps the full size.

Screens report their physical DPI from EDID, which is sometimes absent or wrong (a TV, a
projector, the offscreen test platform says 100). A value outside 90-400 dpi is not believed: the
reference 141 dpi is used instead. `KIOSK_SCREEN_DPI` overrides it for a panel known to lie.

Colours: every text/background pair used is listed in `CONTRAST_PAIRS` and checked (tests) to be
at least 7:1 (WCAG AAA). No colour carries meaning alone: selection has a tick and a thick
border, full slots say "full", errors have a warning sign and words.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import TYPE_CHECKING

from kiosk.assets import FONT_FAMILY, font_path

if TYPE_CHECKING:
    from PySide6.QtGui import QScreen

REFERENCE_DPI = 141.21  # 15.6" at 1920x1080
MM_PER_INCH = 25.4
#: Below this physical height (mm) the screen is a counter tablet and the layout is compacted.
TABLET_HEIGHT_MM = 150.0
TABLET_FACTOR = 0.8
#: Never smaller than these, whatever the screen claims (pixels).
FLOOR_TARGET = 88
FLOOR_BODY = 22


@dataclass(frozen=True, slots=True)
class Metrics:
    """Pixel sizes for one screen."""

    width: int
    height: int
    dpi: float
    scale: float  # pixels per reference pixel
    target: int  # minimum touch target, both ways
    body: int
    small: int
    heading: int
    title: int
    big: int  # booking references, the phone number
    gap: int
    margin: int
    border: int
    radius: int

    @property
    def target_mm(self) -> float:
        return self.target * MM_PER_INCH / self.dpi

    @property
    def tablet(self) -> bool:
        return self.height * MM_PER_INCH / self.dpi < TABLET_HEIGHT_MM

    def px(self, reference_px: float) -> int:
        return max(1, round(reference_px * self.scale))


def believable_dpi(dpi: float | None, env: dict[str, str] | None = None) -> float:
    env = dict(os.environ) if env is None else env
    override = env.get("KIOSK_SCREEN_DPI")
    if override:
        try:
            value = float(override)
            if 50 <= value <= 600:
                return value
        except ValueError:
            pass
    if dpi is None or not 90 <= dpi <= 400:
        return REFERENCE_DPI
    return dpi


def metrics_for(width: int, height: int, dpi: float) -> Metrics:
    """Sizes for a `width` x `height` pixel screen with `dpi` physical dots per inch."""
    scale = dpi / REFERENCE_DPI
    if height * MM_PER_INCH / dpi < TABLET_HEIGHT_MM:
        scale *= TABLET_FACTOR
    target = max(FLOOR_TARGET, round(111 * scale))
    body = max(FLOOR_BODY, round(28 * scale))
    return Metrics(
        width=width,
        height=height,
        dpi=dpi,
        scale=scale,
        target=target,
        body=body,
        small=max(FLOOR_BODY - 2, round(24 * scale)),
        heading=max(body + 10, round(44 * scale)),
        title=max(body + 20, round(56 * scale)),
        big=max(body + 16, round(52 * scale)),
        gap=max(8, round(16 * scale)),
        margin=max(12, round(28 * scale)),
        border=max(2, round(3 * scale)),
        radius=max(6, round(12 * scale)),
    )


def metrics_for_screen(screen: QScreen | None, width: int, height: int) -> Metrics:
    dpi = screen.physicalDotsPerInch() if screen is not None else None
    return metrics_for(width, height, believable_dpi(dpi))


# colours ---------------------------------------------------------------------------------------

INK = "#111111"
MUTED = "#3D3D3D"
PAPER = "#FFFFFF"
BAR = "#F2F2F2"
PRIMARY = "#003366"
ON_PRIMARY = "#FFFFFF"
DANGER = "#8B1A1A"
WARN_BG = "#FFF1C2"
WARN_EDGE = "#7A5A00"
OK_BG = "#E3F1E6"
OK_EDGE = "#0A5C2E"
ERROR_BG = "#FBE4E4"
ERROR_EDGE = "#8B1A1A"
INFO_BG = "#EEF3FB"
DISABLED_BG = "#DDDDDD"
DISABLED_INK = "#333333"

#: Every (text, background) pair the screens use.
CONTRAST_PAIRS = (
    (INK, PAPER),
    (MUTED, PAPER),
    (INK, BAR),
    (ON_PRIMARY, PRIMARY),
    (ON_PRIMARY, DANGER),
    (INK, WARN_BG),
    (INK, OK_BG),
    (INK, ERROR_BG),
    (INK, INFO_BG),
    (MUTED, INFO_BG),
    (DISABLED_INK, DISABLED_BG),
)


def contrast(a: str, b: str) -> float:
    """WCAG 2 contrast ratio of two #RRGGBB colours."""

    def luminance(colour: str) -> float:
        c = colour.lstrip("#")
        channels = [int(c[i : i + 2], 16) / 255 for i in (0, 2, 4)]
        lin = [x / 12.92 if x <= 0.03928 else ((x + 0.055) / 1.055) ** 2.4 for x in channels]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


# font and style sheet --------------------------------------------------------------------------


_LOADED: set[str] = set()


def load_fonts() -> str:
    """Register the bundled Sarabun with Qt and make it every widget's font; returns the family.

    The terminal's system has no Thai font: without this, Thai is drawn as empty boxes.
    """
    from PySide6.QtGui import QFont, QFontDatabase  # noqa: PLC0415 - theme's sizes need no Qt
    from PySide6.QtWidgets import QApplication  # noqa: PLC0415

    families: set[str] = set(_LOADED)
    for weight in () if _LOADED else ("regular", "bold"):
        font_id = QFontDatabase.addApplicationFont(str(font_path(weight)))
        if font_id < 0:
            raise RuntimeError(f"Qt could not load the bundled font {font_path(weight)}")
        families.update(QFontDatabase.applicationFontFamilies(font_id))
    _LOADED.update(families)
    family = FONT_FAMILY if FONT_FAMILY in families else sorted(families)[0]
    app = QApplication.instance()
    if app is not None:
        font = QFont(family)
        font.setHintingPreference(QFont.HintingPreference.PreferNoHinting)
        app.setFont(font)  # type: ignore[attr-defined]
    return family


def style_sheet(m: Metrics, family: str = FONT_FAMILY) -> str:
    """One style sheet for the whole window; widgets pick their look by `role` property."""
    b, r = m.border, m.radius
    return f"""
* {{ font-family: "{family}"; color: {INK}; }}
QWidget#window, QWidget[role="screen"] {{ background: {PAPER}; }}
QLabel {{ font-size: {m.body}px; background: transparent; }}
QLabel[text_role="title"] {{ font-size: {m.title}px; font-weight: bold; }}
QLabel[text_role="heading"] {{ font-size: {m.heading}px; font-weight: bold; }}
QLabel[text_role="bar"] {{ font-size: {m.body}px; font-weight: bold; }}
QLabel[text_role="big"] {{ font-size: {m.big}px; font-weight: bold; }}
QLabel[text_role="small"] {{ font-size: {m.small}px; color: {MUTED}; }}
QLabel[text_role="muted"] {{ font-size: {m.body}px; color: {MUTED}; }}
QLabel[text_role="strong"] {{ font-size: {m.body}px; font-weight: bold; }}
QWidget#topbar {{ background: {BAR}; border-bottom: {b}px solid {INK}; }}
QFrame[panel="info"] {{ background: {INFO_BG}; border: {b}px solid {PRIMARY};
    border-radius: {r}px; }}
QFrame[panel="ok"] {{ background: {OK_BG}; border: {b * 2}px solid {OK_EDGE};
    border-radius: {r}px; }}
QFrame[panel="warn"] {{ background: {WARN_BG}; border: {b * 2}px solid {WARN_EDGE};
    border-radius: {r}px; }}
QFrame[panel="error"] {{ background: {ERROR_BG}; border: {b * 2}px solid {ERROR_EDGE};
    border-radius: {r}px; }}
QFrame[panel="plain"] {{ background: {PAPER}; border: {b}px solid {INK}; border-radius: {r}px; }}
QFrame[panel="overlay"] {{ background: {PAPER}; border: {b * 2}px solid {INK};
    border-radius: {r}px; }}
QWidget#banner {{ background: {WARN_BG}; border-bottom: {b}px solid {WARN_EDGE}; }}
QWidget#staff-banner {{ background: {INFO_BG}; border-bottom: {b * 2}px solid {PRIMARY}; }}
QWidget#scrim {{ background: rgba(17, 17, 17, 190); }}
QPushButton {{ font-size: {m.body}px; border-radius: {r}px; padding: 0px; background: {PAPER};
    border: {b}px solid {INK}; }}
QPushButton[role="primary"] {{ background: {PRIMARY}; border: {b}px solid {PRIMARY}; }}
QPushButton[role="danger"] {{ background: {DANGER}; border: {b}px solid {DANGER}; }}
QPushButton[role="choice"][selected="true"], QFrame[role="card"][selected="true"] {{
    background: {PRIMARY}; border: {b * 2}px solid {INK}; }}
QPushButton[role="key"] {{ background: {BAR}; }}
QPushButton[none="true"] {{ border-style: double; border-width: {b * 2}px; }}
QPushButton:disabled, QFrame[role="card"][enabled="false"] {{ background: {DISABLED_BG};
    border: {b}px dashed {DISABLED_INK}; }}
QPushButton:pressed {{ border-width: {b * 2}px; }}
QLabel[tone="light"] {{ color: {ON_PRIMARY}; }}
QLabel[tone="disabled"] {{ color: {DISABLED_INK}; }}
QLabel[tone="dark"] {{ color: {INK}; }}
QLabel[weight="bold"] {{ font-weight: bold; }}
QLabel[keycap="true"] {{ font-size: {m.heading}px; font-weight: bold; }}
QFrame[role="card"] {{ background: {PAPER}; border: {b}px solid {INK}; border-radius: {r}px; }}
QScrollBar:vertical {{ width: {m.gap * 2}px; background: {BAR}; }}
QScrollBar::handle:vertical {{ background: {MUTED}; min-height: {m.target}px;
    border-radius: {m.gap}px; }}
QScrollBar:horizontal {{ height: {m.gap * 2}px; background: {BAR}; }}
QScrollBar::handle:horizontal {{ background: {MUTED}; min-width: {m.target}px;
    border-radius: {m.gap}px; }}
QScrollBar::add-line, QScrollBar::sub-line {{ width: 0px; height: 0px; }}
QScrollArea {{ border: none; background: transparent; }}
"""
