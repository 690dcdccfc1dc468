"""The dashboard's footer: one widget drawing the keys in force on one line
(ui/widgets/footer.py). It follows the focus, keeps `?` Help on the right, presses a clicked
key, and makes no widget when the keys change."""

from __future__ import annotations

from textual.widget import Widget

from rebound_tui.ui.app import ReboundApp
from rebound_tui.ui.widgets.footer import DashboardFooter
from tests.ui.conftest import settle


def actions(footer: DashboardFooter) -> set[str]:
    return {item.action for item in footer.items}


def line(footer: DashboardFooter) -> str:
    return footer.render().plain


def cell_of(footer: DashboardFooter, action: str) -> int:
    """The first cell of the key drawn for `action`."""
    footer.render()
    return next(start for start, _stop, item in footer._spans if item.action == action)


async def test_the_footer_shows_the_keys_of_the_pane_in_use(app: ReboundApp) -> None:
    async with app.run_test(size=(160, 30)) as pilot:
        await settle(pilot)
        footer = app.query_one(DashboardFooter)
        app.network.focus_table()
        app.bullpen.focus_table()  # in the same frame: the last focus wins
        await settle(pilot)
        assert "add_company" in actions(footer)
        assert "add_contact" not in actions(footer)
        assert "Add" in line(footer)
        app.network.focus_table()
        await settle(pilot)
        assert "add_contact" in actions(footer)
        assert "add_company" not in actions(footer)


async def test_a_change_of_keys_makes_no_widget(app: ReboundApp) -> None:
    async with app.run_test(size=(160, 30)) as pilot:
        await settle(pilot)
        footer = app.query_one(DashboardFooter)
        before = len(list(app.query(Widget)))
        for pane in (app.network, app.bullpen, app.due) * 3:
            pane.focus_table()
            await settle(pilot)
        assert not footer.children
        assert len(list(app.query(Widget))) == before
        assert "done" in {a.split(".")[-1] for a in actions(footer)}


async def test_help_is_kept_on_the_right_edge_and_the_rest_is_cut(app: ReboundApp) -> None:
    async with app.run_test(size=(60, 15)) as pilot:
        await settle(pilot)
        footer = app.query_one(DashboardFooter)
        text = line(footer)
        assert len(text) == footer.size.width == 60
        assert text.endswith("? Help")
        assert len(actions(footer)) > sum(1 for _ in footer._spans)  # some keys cut
        shown = [item.description for _s, _e, item in footer._spans]
        assert all(d in text for d in shown)


async def test_a_click_on_a_key_presses_it(app: ReboundApp) -> None:
    async with app.run_test(size=(160, 30)) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        footer = app.query_one(DashboardFooter)
        await pilot.click(DashboardFooter, offset=(cell_of(footer, "add_contact"), 0))
        await settle(pilot)
        assert type(app.screen).__name__ == "ContactForm"
        await pilot.press("escape")
        await settle(pilot)
        await pilot.click(DashboardFooter, offset=(cell_of(footer, "help"), 0))
        await settle(pilot)
        assert type(app.screen).__name__ == "HelpScreen"


async def test_a_key_that_cannot_act_is_dim_and_rings_the_bell(app: ReboundApp) -> None:
    async with app.run_test(size=(160, 30)) as pilot:
        await settle(pilot)
        footer = app.query_one(DashboardFooter)
        item = footer.items[0]
        footer.items = (type(item)(**{**_fields(item), "enabled": False}), *footer.items[1:])
        footer.refresh()
        bells: list[int] = []
        app.bell = lambda: bells.append(1)  # type: ignore[method-assign]
        screen = app.screen
        await pilot.click(DashboardFooter, offset=(cell_of(footer, item.action), 0))
        await settle(pilot)
        assert bells == [1]
        assert app.screen is screen  # nothing ran
        drawn = footer.render()
        key_styles = [s.style for s in drawn.spans if s.start < len(item.display)]
        assert key_styles and all(style.dim for style in key_styles)
        others = [s.style for s in drawn.spans if s.start > cell_of(footer, footer.items[1].action)]
        assert others and not any(style.dim for style in others)


async def test_the_pointer_highlights_a_key_and_shows_its_tooltip(app: ReboundApp) -> None:
    async with app.run_test(size=(160, 30)) as pilot:
        await settle(pilot)
        footer = app.query_one(DashboardFooter)
        x = cell_of(footer, "help")
        plain = footer.render()
        await pilot.hover(DashboardFooter, offset=(x, 0))
        await settle(pilot)
        assert footer.hovered is not None and footer.hovered.action == "help"
        assert footer.tooltip == "Show every key"
        assert footer.render().spans != plain.spans  # drawn on the hover colours
        assert not footer.allow_select  # (a drag over the keys selects no text)
        app.network.focus_table()  # other keys: no key is under the pointer until it moves
        await settle(pilot)
        assert footer.hovered is None and footer.tooltip is None
        await pilot.hover(DashboardFooter, offset=(cell_of(footer, "help"), 0))
        await settle(pilot)
        assert footer.hovered is not None and footer.hovered.action == "help"
        await pilot.hover("#panes")
        await settle(pilot)
        assert footer.hovered is None


def _fields(item):  # FooterItem's fields as a dict (it has slots, no __dict__)
    return {name: getattr(item, name) for name in item.__dataclass_fields__}
