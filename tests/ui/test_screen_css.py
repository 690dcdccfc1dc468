"""The screens' stylesheet is read once the dashboard has started (ui/stylesheet.py), so the
first dialog of a session does not parse every stylesheet again (Textual does that when the
first screen naming `screens.tcss` opens)."""

from __future__ import annotations

from rebound_tui.ui.app import ReboundApp
from rebound_tui.ui.screens.prompts import DonePrompt
from rebound_tui.ui.stylesheet import SCREENS_CSS, preload_screen_css
from tests.ui.conftest import settle


async def test_the_first_dialog_finds_the_screens_stylesheet_read(app: ReboundApp) -> None:
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert app.stylesheet.has_source(str(SCREENS_CSS), "")
        reparsed: list[bool] = []
        reparse = app.stylesheet.reparse
        app.stylesheet.reparse = lambda: reparsed.append(True) or reparse()  # type: ignore[method-assign]
        await pilot.press("3", "d")  # done: the note dialog (the first screen of the session)
        await settle(pilot)
        assert isinstance(app.screen, DonePrompt)
        assert reparsed == []
        box = app.screen.query_one(".prompt-box")  # styled by screens.tcss all the same
        assert box.outer_size.width == 64
        assert preload_screen_css(app) is False  # read once
