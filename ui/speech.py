"""Spoken guidance: the screen's instruction read aloud, where a voice for the language exists.

Many patients read slowly or not at all. Where the machine has a text-to-speech voice for the
patient's language (speech-dispatcher with a Vietnamese voice, for one), a "Listen" button in
the top bar reads the screen's instruction; without such a voice there is no button, rather than
one that stays silent or speaks Vietnamese with an English voice.

QtTextToSpeech is imported only when guidance is switched on: it is not on the start path.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kiosk.core.flow import Language

if TYPE_CHECKING:
    from PySide6.QtTextToSpeech import QTextToSpeech, QVoice

# The language of each Language as QLocale names it (the part before "_": "vi_VN" -> "vi").
_LOCALE_LANGUAGE = {Language.VI: "vi", Language.EN: "en"}


class SpeechGuide:
    """One text-to-speech engine and the voice it has for each patient language, if any."""

    def __init__(self, engine: QTextToSpeech) -> None:
        self._engine = engine
        self._voices: dict[Language, QVoice] = {}
        for voice in engine.availableVoices():
            code = voice.locale().name().split("_")[0]
            for language, wanted in _LOCALE_LANGUAGE.items():
                if code == wanted and language not in self._voices:
                    self._voices[language] = voice

    @classmethod
    def detect(cls, engine_name: str | None = None) -> SpeechGuide | None:
        """The guide for the system's (or the named) engine; None when it cannot speak at all."""
        from PySide6.QtTextToSpeech import QTextToSpeech

        engine = QTextToSpeech(engine_name) if engine_name else QTextToSpeech()
        if engine.state() is QTextToSpeech.State.Error:
            return None
        guide = cls(engine)
        return guide if guide._voices else None

    def speaks(self, language: Language) -> bool:
        return language in self._voices

    def say(self, text: str, language: Language) -> None:
        """Read `text` in `language`'s voice, interrupting whatever is being read."""
        voice = self._voices.get(language)
        if voice is None or not text:
            return
        self._engine.stop()
        self._engine.setVoice(voice)
        self._engine.say(text)

    def stop(self) -> None:
        self._engine.stop()

    @property
    def engine(self) -> QTextToSpeech:
        return self._engine
