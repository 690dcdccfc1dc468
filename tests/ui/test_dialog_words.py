"""Dialogs say what they are about and what will happen: the import's ticks read without colour
and its button says what it will do, the snooze names the item, the copy toast is one line."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.content import Content
from textual.widgets import Button, Checkbox

from rebound_tui.service import Service
from rebound_tui.ui.app import ReboundApp
from rebound_tui.ui.screens.prompts import DonePrompt, SnoozeChooser
from tests.conftest import HOSTILE
from tests.ui.conftest import settle
from tests.ui.test_app import SIZE, record_messages
from tests.ui.test_import import connections as linkedin_file  # the same file, named here
from tests.ui.test_import import start_import

connections = linkedin_file


def ticks(screen) -> list[str]:
    """How each checkbox draws, as plain text."""
    return [str(box.render()).strip() for box in screen.query(Checkbox)]


def start_label(screen) -> str:
    return str(screen.query_one("#import-start", Button).label)


async def test_import_ticks_read_without_colour_and_the_button_says_what_happens(
    app: ReboundApp, connections: Path, service: Service
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        prompt = await start_import(pilot, "Import LinkedIn connections", connections)
        await settle(pilot)
        assert ticks(prompt) == [
            "[ ] dry run: show what would change, write nothing",
            "[ ] add the companies not in the bullpen yet",
        ]
        assert start_label(prompt) == "Import 3 people"  # the blank row is no one
        prompt.query_one("#import-dry-run", Checkbox).focus()
        await pilot.press("space")
        await settle(pilot)
        assert ticks(prompt)[0].startswith("[x] dry run")
        assert start_label(prompt) == "Preview (dry run)"
        await pilot.press("space")
        await settle(pilot)
        assert ticks(prompt)[0].startswith("[ ] dry run")
        assert start_label(prompt) == "Import 3 people"


async def test_the_import_button_waits_for_a_file_it_can_read(
    app: ReboundApp, tmp_path: Path
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        prompt = await start_import(pilot, "Import LinkedIn connections", tmp_path / "nope.csv")
        await settle(pilot)
        assert start_label(prompt) == "Import"
        (tmp_path / "bad.csv").write_text("not,a,linkedin\nfile\n")
        prompt = await start_import(pilot, "Import LinkedIn connections", tmp_path / "bad.csv")
        await settle(pilot)
        assert start_label(prompt) == "Import"


async def test_the_keep_text_tick_reads_without_colour(app: ReboundApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("m", "escape", "c")  # copying the draft ticks "keep the text"
        await pilot.press("d")
        assert isinstance(app.screen, DonePrompt)
        assert ticks(app.screen) == ["[x] keep the message text you sent in the log"]
        await pilot.press("tab", "space")
        assert ticks(app.screen) == ["[ ] keep the message text you sent in the log"]


@pytest.mark.parametrize(
    "title", ["Ask Darlene for a referral interview", *HOSTILE[:3], HOSTILE[6]]
)
async def test_snooze_names_the_item(app: ReboundApp, service: Service, title: str) -> None:
    f = service.find_follow_up("Ask Darlene for a referral interview")
    if title != f.title:
        service.db.update("followups", f.id, {"title": title})  # as a synced file may hold it
        service.save()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("s")
        assert isinstance(app.screen, SnoozeChooser)
        # The border title is markup: what it shows is its plain text.
        shown = Content.from_markup(app.screen.query_one(".prompt-box").border_title).plain
        assert str(shown).startswith("Snooze · ")
        if title.isprintable():
            assert title in str(shown)  # literally, not as markup
        else:
            assert "\x1b" not in str(shown) and "\x07" not in str(shown)
        await pilot.press("escape")
        assert app.screen is app.screen_stack[0]


async def test_the_copy_toast_is_one_line(app: ReboundApp, monkeypatch) -> None:
    shown = record_messages(app, monkeypatch)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        assert len(shown) == 1
        assert shown[0].startswith("Draft copied (") and "\n" not in shown[0]
        assert len(shown[0]) <= 58  # the toast's width: it fits one line
