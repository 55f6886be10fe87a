"""docs/screens.md is the flow's own transition table, and no screen is a dead end."""

from __future__ import annotations

import pytest

from kiosk.core.flow import Screen
from tests.kiosk.core.flow.screen_graph import DOC, Move, markdown, transitions, ways_back


@pytest.fixture(scope="module")
def found() -> dict[Move, set[tuple[bool, bool]]]:
    return transitions()  # some seconds: every state the flow can reach, four times


@pytest.fixture
def moves(found: dict[Move, set[tuple[bool, bool]]]) -> set[Move]:
    return set(found)


def test_the_checked_in_table_is_what_the_flow_does_now(found) -> None:
    assert DOC.read_text(encoding="utf-8") == markdown(found), (
        "docs/screens.md is out of date: run "
        "`.venv/bin/python -m tests.kiosk.core.flow.screen_graph`"
    )


def test_every_screen_is_reached(moves: set[Move]) -> None:
    reached = {Screen.WELCOME} | {move.target for move in moves}
    assert reached == set(Screen)


def test_every_screen_has_a_way_back_to_welcome(moves: set[Move]) -> None:
    assert ways_back(moves) == set(Screen)
