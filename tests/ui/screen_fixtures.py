"""Helpers for the modal-screen tests: a seeded service on a temp file and a harness app.

Imported by the test modules (not a conftest: tests/ui/conftest.py belongs to the app tests).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from textual.app import App
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import Input, Label, Static

from rebound_tui.service import Service

TODAY = dt.date(2026, 11, 27)  # a Friday


def make_service(path: Path) -> Service:
    """Two companies and three people; Bob was referred by Darlene."""
    s = Service.open(path, today=lambda: TODAY)
    s.add_company("Acme", stage="rejected", priority=5)
    s.add_company("Globex")
    s.add_contact("Darlene Price", company="Acme", role="boss", department="Finance")
    s.add_contact("Ann Lee", company="Globex", email="ann@globex.example")
    s.add_contact("Bob Stone", company="Acme", referred_by_name="Darlene Price")
    return s


@pytest.fixture
def service(tmp_path: Path) -> Service:
    return make_service(tmp_path / "r.json")


class Harness(App[None]):
    """Pushes one screen on mount and keeps what it dismisses with."""

    def __init__(self, factory: Callable[[], Screen[Any]]) -> None:
        super().__init__()
        self.factory = factory
        self.results: list[Any] = []

    def on_mount(self) -> None:
        self.push_screen(self.factory(), self.results.append)

    @property
    def dismissed(self) -> bool:
        return bool(self.results)

    @property
    def result(self) -> Any:
        assert self.results, "the screen was not dismissed"
        return self.results[-1]


async def type_in(pilot: Pilot, selector: str, text: str) -> Input:
    """Focus an input and replace its text; the last character is a real key press.

    Setting the rest at once fires the same Changed message as typing it, at a fraction of the
    time a key press costs in a pilot test.
    """
    widget = pilot.app.screen.query_one(selector, Input)
    widget.focus()
    await pilot.pause()  # focusing selects all the text: let that happen first
    widget.value = text[:-1]
    widget.cursor_position = len(widget.value)
    if text:
        await pilot.press(text[-1])
    await pilot.pause()
    return widget


def text_of(pilot: Pilot, selector: str) -> str:
    """The plain text a Label or Static shows."""
    widget = pilot.app.screen.query_one(selector)
    assert isinstance(widget, Label | Static)
    return str(widget.render())


def shown(pilot: Pilot, selector: str) -> bool:
    widget = pilot.app.screen.query_one(selector)
    return widget.display and bool(str(widget.render()).strip())
