"""Keys typed faster than a busy app takes them: enter and escape in a search act before the
next key is handed out, so the keys after them act on the pane (`widgets/search_input.py`).

A busy app is simulated by putting the keys in its queue together, as the terminal driver does
while the app is drawing or filtering: the app then hands each to the widget focused at the
moment it takes it."""

from __future__ import annotations

from textual import events

from rebound_tui.ui.app import ReboundApp
from tests.ui.test_app import SIZE, type_text

KEYS = {"enter": "\r", "escape": "\x1b"}


def typed_together(app: ReboundApp, *keys: str) -> None:
    for key in keys:
        app.post_message(events.Key(key, KEYS.get(key, key)))


async def test_keys_typed_right_after_enter_in_a_search_act_on_the_panes(app: ReboundApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2", "slash")
        await type_text(pilot, "oper")
        typed_together(app, "enter", "3", "j")
        await pilot.pause()
        assert app.network.table.filter == "oper"  # not "oper3j"
        assert app.network.search_input.display  # the search stays, as enter says
        assert app.focused is app.due.table
        assert app.due.table.cursor == 1  # the "j" moved the due cursor


async def test_keys_typed_right_after_escape_in_a_search_act_on_the_panes(app: ReboundApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2", "slash")
        await type_text(pilot, "oper")
        typed_together(app, "escape", "3")
        await pilot.pause()
        assert app.network.table.filter == ""
        assert not app.network.search_input.display
        assert len(app.network.table.rows) == 4
        assert app.focused is app.due.table


async def test_letters_typed_before_enter_still_reach_the_search(app: ReboundApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2", "slash")
        typed_together(app, "o", "p", "e", "r", "enter", "1")
        await pilot.pause()
        assert app.network.table.filter == "oper"
        assert [r.contact for r in app.network.table.rows] == ["Darlene Boss", "Mark Star"]
        assert app.network.search_input.display  # not empty: it stays
        assert app.focused is app.bullpen.table


async def test_enter_on_an_empty_search_closes_it(app: ReboundApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2", "slash")
        assert app.network.search_input.display
        await pilot.press("enter")
        assert not app.network.search_input.display
        assert app.focused is app.network.table
        await pilot.press("slash")  # it opens again
        assert app.focused is app.network.search_input
