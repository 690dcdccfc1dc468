"""Keys typed faster than a busy app takes them: enter (and escape) in a search or a prompt act
before the next key is handed out, so the keys after them act on the panes (`ui/key_order.py`).

A busy app is simulated by putting the keys in its queue together, as the terminal driver does
while the app is drawing or filtering: the app then hands each to the widget focused at the
moment it takes it."""

from __future__ import annotations

import asyncio

from textual import events

from rebound_tui.ui.app import ReboundApp
from tests.ui.conftest import settle
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


async def test_keys_typed_right_after_enter_on_a_prompt_act_on_the_list(
    app: ReboundApp, service
) -> None:
    """`d`, a note, enter, `j` typed faster than the app takes them: the note is the note, the
    follow-up is done, and then the `j` moves the cursor from the next item (it is not typed
    into the closing prompt, nor does it act before the prompt's answer)."""
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("3")
        first = app.due.current
        await pilot.press("d")
        typed_together(app, "o", "k", "enter", "j")
        await settle(pilot)
        assert type(app.screen).__name__ == "Screen"  # the prompt closed
        done = service.find_follow_up(first.id)
        assert done.status == "done"
        assert [i.note for i in service.interactions() if i.follow_up_id == done.id] == ["ok"]
        assert len(app.due.table.rows) >= 2
        assert app.due.table.cursor == 1  # the second item left: after the done, one down


async def test_a_prompt_opened_by_a_pane_answers_before_the_next_key(app: ReboundApp) -> None:
    """A prompt's answer goes to whoever opened it, in that one's queue (here the due pane's,
    not the app's): the key typed right after enter waits for it."""
    from rebound_tui.ui.screens.prompts import NotePrompt

    seen: list[tuple[str | None, int]] = []
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("3")
        app.due.call_later(  # (run by the pane: the pane is the prompt's requester)
            app.push_screen,
            NotePrompt("A note"),
            lambda note: seen.append((note, app.due.table.cursor)),
        )
        await settle(pilot)
        assert type(app.screen).__name__ == "NotePrompt"
        assert app.screen._result_callbacks[-1].requester is app.due

        async def busy() -> None:  # the pane still at work when the prompt answers
            await asyncio.sleep(0.2)

        app.due.call_later(busy)
        typed_together(app, "h", "i", "enter", "j")
        await settle(pilot)
        assert seen == [("hi", 0)]  # answered before the `j` moved the cursor
        assert app.due.table.cursor == 1
