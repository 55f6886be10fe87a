"""Look of the kiosk: colours, type and touch-target sizes derived from the window, one stylesheet.

Everything is sized in pixels computed here, so a 1080×1920 portrait screen and a 1920×1080
landscape one both get type made for them, and no button is ever smaller than a fingertip.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication, QWidget

# Colours. Text contrast on its background (WCAG): INK on white 18.9:1, white on BLUE 10.6:1,
# MUTED on white 10.4:1, each tone's ink on its own background ≥ 7:1 (AAA).
BLUE = "#0B3D91"
BLUE_PRESSED = "#072A66"
BLUE_TINT = "#E8EEF9"
INK = "#111111"
MUTED = "#3B3B3B"
PAGE = "#FFFFFF"
LINE = "#6B7485"
# A button that cannot be pressed now: flat, no border, pale ink (3.8:1, still readable) — it
# must not look like a grey button waiting for a finger.
DISABLED_BG = "#F3F4F6"
DISABLED_INK = "#767C86"
CANCEL_INK = "#A3121A"


class Tone(Enum):
    """What a coloured box means; never the only cue (every tone has its own icon too)."""

    OK = "ok"
    WARN = "warn"
    BAD = "bad"
    INFO = "info"


# (ink, background, border) per tone.
TONE_COLOURS: dict[Tone, tuple[str, str, str]] = {
    Tone.OK: ("#145A1E", "#E7F4E9", "#2E7D32"),
    Tone.WARN: ("#6B3500", "#FFF2DC", "#C66A00"),
    Tone.BAD: ("#9C1018", "#FDECEC", "#C62828"),
    Tone.INFO: (BLUE, BLUE_TINT, BLUE),
}

MIN_TOUCH_MM = 15.0
MIN_TOUCH_PX_FLOOR = 80  # screens report silly DPIs; a fingertip never gets less than this

_DESIGN_SHORT_SIDE = 1080  # sizes below are designed for a 1080 px short side


def min_touch_px(dpi: float) -> int:
    """Pixels for a 15 mm touch target at `dpi`, never below the floor."""
    return max(MIN_TOUCH_PX_FLOOR, math.ceil(MIN_TOUCH_MM / 25.4 * dpi))


@dataclass(frozen=True)
class Metrics:
    """Sizes for one window size and screen density."""

    width: int
    height: int
    dpi: float

    @property
    def portrait(self) -> bool:
        return self.height >= self.width

    @property
    def scale(self) -> float:
        return max(0.5, min(2.0, min(self.width, self.height) / _DESIGN_SHORT_SIDE))

    def px(self, design_px: float) -> int:
        return max(1, round(design_px * self.scale))

    @property
    def touch(self) -> int:
        return min_touch_px(self.dpi)

    @property
    def button_height(self) -> int:
        return max(self.touch, self.px(118 if self.portrait else 104))

    @property
    def margin(self) -> int:
        return self.px(48 if self.portrait else 40)

    @property
    def spacing(self) -> int:
        return self.px(28 if self.portrait else 22)

    @property
    def columns(self) -> int:
        """Columns of big choice buttons (departments)."""
        return 2 if self.portrait else 3

    # Type sizes. The smallest text anywhere is `note`: no small print.
    @property
    def note(self) -> int:
        return self.px(32)

    @property
    def body(self) -> int:
        return self.px(38)

    @property
    def button(self) -> int:
        return self.px(42)

    @property
    def heading(self) -> int:
        return self.px(46)

    @property
    def title(self) -> int:
        return self.px(62 if self.portrait else 56)

    @property
    def huge(self) -> int:
        """The queue number: readable from two metres."""
        return self.px(300 if self.portrait else 230)


# Type per role: (size for these metrics, bold). Labels carry a `role`, buttons a `kind`.
def _type_scale(m: Metrics) -> dict[str, tuple[int, bool]]:
    return {
        "title": (m.title, True),
        "heading": (m.heading, True),
        "body": (m.body, False),
        "strong": (m.body, True),
        "muted": (m.body, False),
        "note": (m.note, False),
        "huge": (m.huge, True),
        "bar": (m.px(34), True),
        "clock": (m.px(40), True),
        "button": (m.button, True),
        "key": (m.px(64), True),
        "tag": (m.note, True),
    }


_BUTTON_TYPE = {"bar": "bar", "cancel": "bar", "key": "key"}


def font_for(m: Metrics, role: str) -> QFont:
    """The font for a label role or button kind.

    Fonts are set in code, not in the stylesheet: the bundled font is variable, and Qt only
    draws a true bold at every size when the weight axis is set. A stylesheet's font-weight
    gives a smeared synthetic bold on small text and none at all on very large text.
    """
    size, bold = _type_scale(m).get(role, (m.body, False))
    font = QFont(QApplication.font())
    font.setPixelSize(size)
    font.setVariableAxis(QFont.Tag("wght"), 700 if bold else 400)
    return font


def button_font(m: Metrics, kind: str) -> QFont:
    return font_for(m, _BUTTON_TYPE.get(kind, "button"))


def stylesheet(m: Metrics) -> str:
    """The one stylesheet of the kiosk window (colours and shapes; fonts: `font_for`)."""
    tones = "\n".join(
        f"""
        QFrame[tone="{tone.value}"] {{
            background: {bg}; border: {m.px(4)}px solid {border}; border-radius: {m.px(20)}px;
        }}
        QFrame[tone="{tone.value}"] QLabel {{ color: {ink}; background: transparent; }}
        """
        for tone, (ink, bg, border) in TONE_COLOURS.items()
    )
    radius = m.px(18)
    return f"""
    QWidget#kiosk_root, QStackedWidget, QWidget[page="true"] {{ background: {PAGE}; }}
    QLabel {{ color: {INK}; background: transparent; }}
    QLabel[role="muted"] {{ color: {MUTED}; }}
    QLabel[role="huge"] {{ color: {BLUE}; }}

    QWidget#top_bar {{ background: {BLUE}; }}
    QWidget#top_bar QLabel {{ color: white; }}

    QWidget#bottom_bar {{ background: {PAGE}; border-top: {m.px(2)}px solid {DISABLED_BG}; }}

    QPushButton {{
        border-radius: {radius}px;
        padding: {m.px(10)}px {m.px(28)}px;
    }}
    QPushButton[kind="primary"] {{ background: {BLUE}; color: white; border: none; }}
    QPushButton[kind="primary"]:pressed {{ background: {BLUE_PRESSED}; }}
    QPushButton[kind="secondary"], QPushButton[kind="key"], QPushButton[kind="key_text"],
    QPushButton[kind="tile"], QPushButton[kind="keycap"] {{
        background: white; color: {BLUE}; border: {m.px(4)}px solid {BLUE};
    }}
    QPushButton[kind="keycap"] {{ padding: 0; border-width: {m.px(3)}px; }}
    QPushButton[kind="secondary"]:pressed, QPushButton[kind="key"]:pressed,
    QPushButton[kind="key_text"]:pressed, QPushButton[kind="tile"]:pressed,
    QPushButton[kind="keycap"]:pressed {{
        background: {BLUE_TINT};
    }}
    QPushButton[kind="tile"], QPushButton[kind="recommended"] {{
        text-align: left; padding: {m.px(18)}px {m.px(28)}px;
    }}
    QPushButton[kind="tile"] QLabel, QPushButton[kind="recommended"] QLabel {{ color: {INK}; }}
    QPushButton[kind="primary"] QLabel {{ color: white; }}
    QPushButton[kind="tile"] QLabel[role="heading"],
    QPushButton[kind="recommended"] QLabel[role="heading"] {{
        color: {BLUE};
    }}
    /* Suggested, not chosen: white like every other option, a thicker edge and a named tag. */
    QPushButton[kind="recommended"] {{
        background: white; color: {BLUE}; border: {m.px(8)}px solid {BLUE};
    }}
    QPushButton[kind="recommended"]:pressed {{ background: {BLUE_TINT}; }}
    QLabel[role="tag"] {{
        background: {BLUE_TINT}; color: {BLUE}; border-radius: {m.px(10)}px;
        padding: {m.px(4)}px {m.px(14)}px;
    }}
    QPushButton:disabled, QPushButton[kind="tile"]:disabled,
    QPushButton[kind="recommended"]:disabled {{
        background: {DISABLED_BG}; color: {DISABLED_INK}; border: none;
    }}
    /* A disabled tile's labels are disabled with it; Qt does not match an ancestor's state. */
    QPushButton QLabel:disabled, QPushButton QLabel[role="heading"]:disabled {{
        color: {DISABLED_INK};
    }}
    QPushButton[kind="bar"] {{
        background: transparent; color: white; border: {m.px(3)}px solid white;
    }}
    QPushButton[kind="bar"]:pressed {{ background: {BLUE_PRESSED}; }}
    QPushButton[kind="cancel"] {{
        background: white; color: {CANCEL_INK}; border: none;
    }}

    QFrame[card="true"] {{
        background: {BLUE_TINT}; border-radius: {m.px(20)}px; border: none;
    }}
    QFrame[card="true"] QLabel {{ background: transparent; }}
    {tones}

    QLineEdit {{
        background: white; color: {INK}; border: {m.px(3)}px solid {LINE};
        border-radius: {m.px(12)}px; padding: {m.px(8)}px {m.px(16)}px;
    }}
    QLineEdit:focus {{ border-color: {BLUE}; }}
    QLineEdit[invalid="true"] {{ border-color: {CANCEL_INK}; }}
    QLineEdit:disabled {{ background: {DISABLED_BG}; color: {DISABLED_INK}; }}

    QScrollArea {{ border: none; background: {PAGE}; }}
    QScrollBar:vertical {{ width: {m.px(16)}px; background: {DISABLED_BG}; margin: 0; }}
    QScrollBar::handle:vertical {{
        background: {BLUE}; min-height: {m.px(80)}px; border-radius: {m.px(8)}px;
    }}
    QScrollBar::add-line:vertical, QScrollBar::sub-line:vertical {{ height: 0; }}
    QScrollBar::add-page:vertical, QScrollBar::sub-page:vertical {{ background: none; }}
    """


def repolish(widget: QWidget) -> None:
    """Re-apply the stylesheet after a dynamic property the stylesheet selects on changed.

    A widget not yet polished takes the property into account when it first shows; skipping it
    also keeps QStyle (whose ~600 enum members PySide builds on first use, ~15 ms) off the
    start-up path.
    """
    if not widget.testAttribute(Qt.WidgetAttribute.WA_WState_Polished):
        return
    style = widget.style()
    style.unpolish(widget)
    style.polish(widget)


def install_font(path: Path) -> str:
    """Register the bundled font and make it the application font; returns its family.

    The kiosk never relies on system fonts: the same file renders Vietnamese diacritics the
    same way on every machine.
    """
    font_id = QFontDatabase.addApplicationFont(str(path))
    if font_id < 0:
        raise ValueError(f"Qt could not load the font file {path}")
    families = QFontDatabase.applicationFontFamilies(font_id)
    if not families:
        raise ValueError(f"the font file {path} names no font family")
    font = QFont(families[0])
    font.setHintingPreference(QFont.HintingPreference.PreferNoHinting)
    QApplication.setFont(font)
    return families[0]
