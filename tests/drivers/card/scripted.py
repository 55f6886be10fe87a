"""A card that expects an exact transcript: every command byte for byte, then its answer."""

from __future__ import annotations


class ScriptedCard:
    def __init__(self, steps: list[tuple[str, str]]) -> None:
        self._steps = [(bytes.fromhex(command), bytes.fromhex(answer)) for command, answer in steps]
        self.sent: list[bytes] = []

    def transmit(self, apdu: bytes) -> bytes:
        index = len(self.sent)
        self.sent.append(apdu)
        assert index < len(self._steps), f"unexpected extra command {apdu.hex().upper()}"
        expected, answer = self._steps[index]
        assert apdu.hex().upper() == expected.hex().upper(), f"command {index} differs"
        return answer

    @property
    def finished(self) -> bool:
        return len(self.sent) == len(self._steps)
