"""Prompts: one keystroke per decision, and the answers work with the real service."""

from __future__ import annotations

import pytest

from rebound_tui.service import Service
from rebound_tui.ui.screens import ConfirmScreen, DatePrompt, NotePrompt, SnoozeChooser

try:  # tests/ui may or may not be a package
    from .screen_fixtures import Harness, service, text_of, type_in
except ImportError:
    from screen_fixtures import Harness, service, text_of, type_in

__all__ = ["service"]  # the fixture, imported for pytest


async def test_note_prompt_accepts_a_line_on_enter(service: Service) -> None:
    f = service.add_follow_up("Call Darlene", due="today", contact="Darlene Price")
    app = Harness(lambda: NotePrompt("Done: Call Darlene", "what happened"))
    async with app.run_test() as pilot:
        await type_in(pilot, "#note", "  left a voicemail ")
        await pilot.press("enter")
        await pilot.pause()
    assert app.result == "left a voicemail"
    _, logged = service.complete(f, note=app.result)
    assert logged is not None and logged.note == "left a voicemail"


@pytest.mark.parametrize(("keys", "expected"), [(["enter"], ""), (["x", "escape"], None)])
async def test_note_prompt_empty_means_no_note_and_escape_cancels(keys, expected) -> None:
    app = Harness(lambda: NotePrompt("Note"))
    async with app.run_test() as pilot:
        await pilot.press(*keys)
        await pilot.pause()
    assert app.results == [expected]


async def test_date_prompt_names_the_day_and_refuses_nonsense(service: Service) -> None:
    f = service.add_follow_up("Check in", due="today", company="Acme")
    app = Harness(lambda: DatePrompt(service, "Reschedule to"))
    async with app.run_test() as pilot:
        assert "today is Fri 27 Nov 2026" in text_of(pilot, "#day-message")
        await pilot.press("enter")  # nothing typed: stays open
        await type_in(pilot, "#day", "someday")
        assert "bad date 'someday'" in text_of(pilot, "#day-message")
        await pilot.press("enter")
        await pilot.pause()
        assert not app.dismissed
        await type_in(pilot, "#day", "3d")
        assert text_of(pilot, "#day-message") == "→ Mon 30 Nov 2026"
        await pilot.press("enter")
        await pilot.pause()
    assert app.result == "2026-11-30"
    assert service.reschedule(f, app.result).due == "2026-11-30"


async def test_date_prompt_escape_cancels(service: Service) -> None:
    app = Harness(lambda: DatePrompt(service, "When"))
    async with app.run_test() as pilot:
        await type_in(pilot, "#day", "3d")
        await pilot.press("escape")
        await pilot.pause()
    assert app.results == [None]


@pytest.mark.parametrize(
    ("key", "day"),
    [("t", "2026-11-28"), ("3", "2026-11-30"), ("w", "2026-12-04"), ("m", "2026-12-27")],
)
async def test_snooze_one_key_per_choice(service: Service, key: str, day: str) -> None:
    f = service.add_follow_up("Check in", due="today", company="Acme")
    app = Harness(lambda: SnoozeChooser(service))
    async with app.run_test() as pilot:
        await pilot.press(key)
        await pilot.pause()
    assert app.result == day
    snoozed = service.snooze(f, app.result)
    assert (snoozed.due, snoozed.snoozes) == (day, 1)


async def test_snooze_typed_day_must_be_after_today(service: Service) -> None:
    app = Harness(lambda: SnoozeChooser(service))
    async with app.run_test() as pilot:
        await pilot.press("d")
        await pilot.pause()
        assert app.focused is app.screen.query_one("#snooze-day")
        await pilot.press("t")  # while typing, letters are text, not choices
        await pilot.pause()
        assert not app.dismissed
        await type_in(pilot, "#snooze-day", "today")
        assert "not after today" in text_of(pilot, "#snooze-message")
        await pilot.press("enter")
        await pilot.pause()
        assert not app.dismissed
        await type_in(pilot, "#snooze-day", "2026-12-24")
        await pilot.press("enter")
        await pilot.pause()
    assert app.result == "2026-12-24"


async def test_snooze_arrow_and_enter_pick_too(service: Service) -> None:
    app = Harness(lambda: SnoozeChooser(service))
    async with app.run_test() as pilot:
        await pilot.press("down", "down", "enter")  # tomorrow -> 3 days -> next week
        await pilot.pause()
    assert app.result == "2026-12-04"


async def test_snooze_escape_cancels(service: Service) -> None:
    app = Harness(lambda: SnoozeChooser(service))
    async with app.run_test() as pilot:
        await pilot.press("escape")
        await pilot.pause()
    assert app.results == [None]


@pytest.mark.parametrize(
    ("default", "keys", "answer"),
    [
        (False, ["y"], True),
        (False, ["n"], False),
        (False, ["escape"], False),
        (False, ["enter"], False),
        (True, ["enter"], True),
        (False, ["tab", "enter"], True),  # Enter presses the focused button
    ],
)
async def test_confirm(default: bool, keys: list[str], answer: bool) -> None:
    app = Harness(lambda: ConfirmScreen("Delete Acme?", default=default))
    async with app.run_test() as pilot:
        await pilot.press(*keys)
        await pilot.pause()
    assert app.results == [answer]


async def test_confirmed_delete_leaves_a_tombstone(service: Service) -> None:
    app = Harness(lambda: ConfirmScreen("Delete company Acme?"))
    async with app.run_test() as pilot:
        assert "Delete company Acme?" in text_of(pilot, "#confirm-question")
        await pilot.press("y")
        await pilot.pause()
    assert app.result is True
    gone = service.delete_company("Acme")
    assert [c.name for c in service.companies()] == ["Globex"]
    assert service.name_of("companies", gone.id) == "Acme"
