"""The footer makes its keys anew once for a burst of changes to the keys in force, and always
shows the keys of the latest change (ui/widgets/footer.py)."""

from __future__ import annotations

from textual.widgets._footer import FooterKey

from rebound_tui.ui.app import ReboundApp
from rebound_tui.ui.widgets.footer import DashboardFooter
from tests.ui.conftest import settle


def actions(footer: DashboardFooter) -> set[str]:
    return {key.action for key in footer.query(FooterKey)}


async def test_a_burst_of_changes_rebuilds_the_footer_once(app: ReboundApp) -> None:
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        footer = app.query_one(DashboardFooter)
        rebuilds: list[int] = []
        original = footer.recompose

        async def counted() -> None:
            rebuilds.append(1)
            await original()

        footer.recompose = counted  # type: ignore[method-assign]
        for pane in (app.network, app.bullpen, app.due, app.network):
            pane.focus_table()  # the keys in force change four times
        await settle(pilot)
        assert len(rebuilds) == 1
        app.bullpen.focus_table()  # a change after the rebuild: rebuilt again
        await settle(pilot)
        assert len(rebuilds) == 2


async def test_the_footer_shows_the_keys_of_the_last_focus_in_a_burst(app: ReboundApp) -> None:
    async with app.run_test(size=(160, 30)) as pilot:
        await settle(pilot)
        footer = app.query_one(DashboardFooter)
        app.network.focus_table()
        app.bullpen.focus_table()  # in the same frame: the footer's rebuild is still ahead
        await settle(pilot)
        shown = actions(footer)
        assert "add_company" in shown
        assert "add_contact" not in shown
        app.network.focus_table()
        await settle(pilot)
        shown = actions(footer)
        assert "add_contact" in shown
        assert "add_company" not in shown


async def test_the_same_keys_in_force_are_not_made_anew(app: ReboundApp) -> None:
    async with app.run_test(size=(160, 30)) as pilot:
        await settle(pilot)
        footer = app.query_one(DashboardFooter)
        before = list(footer.query(FooterKey))
        app.screen.refresh_bindings()
        await settle(pilot)
        assert list(footer.query(FooterKey)) == before  # the very same widgets
        app.network.focus_table()
        await settle(pilot)
        assert not set(footer.query(FooterKey)) & set(before)
