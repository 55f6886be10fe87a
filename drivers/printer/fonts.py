"""The one font the kiosk prints and displays with: Noto Sans, bundled as a PyPI package.

It is a variable font (axes `wght` 100-900 and `wdth` 62.5-100) covering every
Vietnamese letter with every tone mark, so tickets and screens never depend on the fonts
installed on the kiosk's operating system.
"""

from __future__ import annotations

from pathlib import Path

import fontpkg_noto_sans

_FONT_FILE = "NotoSans[wdth,wght].ttf"


def bundled_font_path() -> Path:
    """Path of the upright Noto Sans variable font file shipped with `fontpkg-noto-sans`."""
    # The package's own root, not importlib.resources: that import alone costs the kiosk's
    # start 3 ms.
    path: Path = fontpkg_noto_sans.ROOT / "files" / _FONT_FILE
    if not path.is_file():
        # A frozen build that forgot the package data lands here (PyInstaller needs
        # `--collect-data fontpkg_noto_sans`).
        raise FileNotFoundError(f"bundled font missing: {path}")
    return path
