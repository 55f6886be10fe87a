"""Typed camera failures; messages name shapes, types and devices, never what a code said."""

from __future__ import annotations

from enum import Enum


class CameraProblem(Enum):
    BAD_FRAME = "bad_frame"  # a frame of the wrong shape or pixel type: a programming error
    UNPLUGGED = "unplugged"  # the camera went away while in use
    NOT_FOUND = "not_found"  # no camera matches the configured name
    STOPPED = "stopped"  # the camera or worker was already stopped


class CameraError(Exception):
    def __init__(self, problem: CameraProblem, detail: str = "") -> None:
        super().__init__(f"{problem.value}: {detail}" if detail else problem.value)
        self.problem = problem
