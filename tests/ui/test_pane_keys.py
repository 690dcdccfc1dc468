"""Each pane owns its keys: the binding and its action are on the pane (issue 19), and a pane's
key pressed in another pane does nothing there (no screen, no change) but says where it
belongs (issue 14: not silently)."""

from __future__ import annotations

import pytest

from rebound_tui.service import Service
from rebound_tui.ui.app import ReboundApp
from rebound_tui.ui.panes.bullpen import BullpenPane
from rebound_tui.ui.panes.due import DuePane
from rebound_tui.ui.panes.network import NetworkPane
from rebound_tui.ui.widgets import Pane
from tests.ui.conftest import settle

SIZE = (100, 30)
PANES = {"bullpen": BullpenPane, "network": NetworkPane, "due": DuePane}


@pytest.mark.parametrize("name", sorted(PANES))
def test_every_pane_key_is_an_action_of_that_pane_with_its_id(name: str) -> None:
    pane = PANES[name]
    own = [b for b in pane.BINDINGS if b is not Pane.SEARCH]
    assert own
    for binding in own:
        assert not binding.action.startswith("app."), binding  # not the app's any more
        action = binding.action.split("(", 1)[0]
        assert callable(getattr(pane, f"action_{action}", None)), binding
        assert binding.id == f"{name}.{action}", binding
    assert not [a for a in dir(ReboundApp) if a in {f"action_{b.action}" for b in own}]


async def test_a_pane_key_in_another_pane_says_where_it_belongs(
    app: ReboundApp, service: Service
) -> None:
    before = service.generation

    def notices() -> list[str]:
        return [str(n.message) for n in app._notifications]

    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("2")  # the Network: R (reject) is the Bullpen's
        await pilot.press("R", "x", "m", "full_stop")  # and x, m, . are Due today's
        await settle(pilot)
        assert len(app.screen_stack) == 1
        said = notices()
        assert "R (reject) is a Bullpen key: press 1 or Tab to go there" in said
        assert "x (drop) is a Due today key: press 3 or Tab to go there" in said
        assert "m (draft) is a Due today key: press 3 or Tab to go there" in said
        assert ". (repeat) is a Due today key: press 3 or Tab to go there" in said
        app.clear_notifications()
        await pilot.press("1")  # the Bullpen: m (draft) and x (drop) are Due today's
        await pilot.press("m", "x", "d")
        await settle(pilot)
        assert len(app.screen_stack) == 1
        assert "d (done) is a Due today key: press 3 or Tab to go there" in notices()
        app.clear_notifications()
        await pilot.press("3")  # Due today: R and D are the record panes'
        await pilot.press("R", "D")
        await settle(pilot)
        assert len(app.screen_stack) == 1
        assert "D (delete) is a Bullpen and Network key: press 1 or 2 or Tab to go there" in (
            notices()
        )
        app.clear_notifications()
        await pilot.press("j", "k", "Z")  # its own keys, and a key of no pane: no notice
        await settle(pilot)
        assert notices() == []
    assert service.generation == before


async def test_a_pane_key_runs_the_action_of_the_pane_it_is_pressed_in(app: ReboundApp) -> None:
    """The same letter does each pane's own thing: e edits a company, a person, a follow-up."""
    from rebound_tui.ui.screens.forms import CompanyForm, ContactForm, FollowUpForm

    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for number, form in (("1", CompanyForm), ("2", ContactForm), ("3", FollowUpForm)):
            await pilot.press(number, "e")
            await settle(pilot)
            assert isinstance(app.screen, form)
            await pilot.press("escape")
            await settle(pilot)
            assert len(app.screen_stack) == 1


async def test_a_double_click_does_what_enter_does_in_that_pane(app: ReboundApp) -> None:
    from rebound_tui.ui.screens.detail import CompanyDetail, ContactDetail
    from rebound_tui.ui.screens.prompts import DonePrompt

    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for pane, screen in (
            (app.bullpen, CompanyDetail),
            (app.network, ContactDetail),
            (app.due, DonePrompt),
        ):
            # Row 0 is the header; row 1 the first record.
            await pilot.click(pane.table, offset=(5, 1), times=2)
            await settle(pilot)
            assert isinstance(app.screen, screen)
            await pilot.press("escape")
            await settle(pilot)
            assert len(app.screen_stack) == 1
