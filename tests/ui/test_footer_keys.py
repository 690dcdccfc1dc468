"""The dashboard's footer lets go of the keys it replaces (Textual issue #6666): opening and
closing forms all day must not leave dead footer keys (and their styles) in memory."""

from __future__ import annotations

import gc

from textual.widgets._footer import FooterKey

from rebound_tui.ui.app import ReboundApp
from rebound_tui.ui.widgets.footer import DashboardFooter
from tests.ui.conftest import settle


def detached_keys() -> int:
    gc.collect()
    return sum(1 for o in gc.get_objects() if isinstance(o, FooterKey) and not o.is_attached)


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
        shown = len(footer.query(FooterKey))
        watchers = getattr(footer, "__watchers", {}).get("compact", [])
        assert shown > 0
        assert len(watchers) == shown  # one watcher per key on screen, none for the dead ones
        assert detached_keys() == 0
