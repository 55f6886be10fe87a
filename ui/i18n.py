"""Which language the widgets speak: source strings are English, Vietnamese comes from a .qm.

Pages set every text in `show_state`, so switching language is: swap the translator, then
render the same state again.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, QTranslator

from kiosk.core.flow import Language

TRANSLATIONS_DIR = Path(__file__).resolve().parent / "translations"


def qm_path(language: Language) -> Path | None:
    """The compiled catalogue for `language`; None for English, the source language."""
    if language is Language.EN:
        return None
    return TRANSLATIONS_DIR / f"kiosk_{language.value}.qm"


_catalogues: dict[Language, QTranslator] = {}


def _catalogue(language: Language) -> QTranslator | None:
    """The loaded catalogue of `language` (loaded once); None for the source language."""
    path = qm_path(language)
    if path is None:
        return None
    if language not in _catalogues:
        translator = QTranslator()
        if not translator.load(str(path)):
            raise FileNotFoundError(f"cannot load the {language.value} translations {path}")
        _catalogues[language] = translator
    return _catalogues[language]


class _LanguageSwitch:
    """Installs the translator of the current language on the application, one at a time.

    There is one per process, not per window: translators belong to the application.
    """

    def __init__(self) -> None:
        self._language: Language | None = None
        self._translator: QTranslator | None = None

    def apply(self, language: Language) -> None:
        if language is self._language:
            return
        app = QCoreApplication.instance()
        if app is None:
            raise RuntimeError("a QApplication must exist before the language is set")
        if self._translator is not None:
            app.removeTranslator(self._translator)
            self._translator = None
        translator = _catalogue(language)
        if translator is not None:
            app.installTranslator(translator)
            self._translator = translator
        self._language = language


_switch = _LanguageSwitch()


def set_language(language: Language) -> None:
    """Make Qt's translations speak `language` (nothing happens if it already does)."""
    _switch.apply(language)


def in_every_language(context: str, source: str) -> list[str]:
    """`source` as each language words it, whichever is on screen now.

    For space that must not change with the language (the top bar's buttons): a layout sized
    for the widest wording looks the same in Vietnamese and in English.
    """
    worded = [source]
    for language in Language:
        translator = _catalogue(language)
        if translator is not None:
            worded.append(translator.translate(context, source) or source)
    return worded
