"""Screens opened and closed all day leave no dead widgets in memory (Textual issue #6666,
ui/watchers.py): the dashboard's footer makes no key widgets (ui/widgets/footer.py), and the
app lets go of the settings' template editor, which watches its theme."""

from __future__ import annotations

import gc

from textual.widget import Widget
from textual.widgets import TextArea
from textual.widgets._footer import FooterKey

from rebound_tui.ui.app import ReboundApp
from rebound_tui.ui.widgets.footer import DashboardFooter
from tests.ui.conftest import settle


def detached(cls: type[Widget]) -> int:
    gc.collect()
    return sum(1 for o in gc.get_objects() if isinstance(o, cls) and not o.is_attached)


async def test_forms_opened_and_closed_leave_no_footer_keys_behind(app: ReboundApp) -> None:
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        footer = app.query_one(DashboardFooter)
        await pilot.press("2")
        for _ in range(8):
            await pilot.press("l")  # the log form: the footer shows the form's keys
            await settle(pilot)
            await pilot.press("escape")
            await settle(pilot)
        assert footer.items  # the keys are drawn, not mounted
        assert not getattr(footer, "__watchers", {})
        assert detached(FooterKey) == 0


async def test_settings_opened_and_closed_leave_no_template_editor_behind(app: ReboundApp) -> None:
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        for _ in range(4):
            await pilot.press("S")
            await settle(pilot)
            assert len(app.screen.query(TextArea)) == 1
            await pilot.press("escape")
            await settle(pilot)
        assert detached(TextArea) <= 1  # (the last one may linger a moment; it was one per open)
        theme_watchers = getattr(app, "__watchers", {}).get("theme", [])
        assert all(node.is_attached for node, _call in theme_watchers)
