"""`w` in the due pane: the next 7 days, or today only again (issue 14, "The plan in sight")."""

from __future__ import annotations

import datetime as dt

from rebound_tui.ui.app import ReboundApp
from tests.ui.conftest import TODAY, settle


def title(app: ReboundApp) -> str:
    return (
        app.due.border_title.plain
        if hasattr(app.due.border_title, "plain")
        else str(app.due.border_title)
    )


async def test_w_shows_the_next_7_days_and_back(app: ReboundApp, service) -> None:
    later = TODAY + dt.timedelta(days=5)
    too_late = TODAY + dt.timedelta(days=9)
    with service.playbook_paused():
        soon = service.add_follow_up("Call the plant manager", due=later.isoformat())
        service.add_follow_up("Far away", due=too_late.isoformat())
    today_count = len(service.due())
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert "Due today" in title(app)
        assert len(app.due.table.rows) == today_count
        assert all(r.id != soon.id for r in app.due.table.rows)
        await pilot.press("3", "w")
        await settle(pilot)
        assert "Next 7 days" in title(app) and "Due today" not in title(app)
        ids = [r.id for r in app.due.table.rows]
        assert soon.id in ids and ids[:today_count] == [r.id for r in app.due.today_rows]
        assert all(r.title != "Far away" for r in app.due.table.rows)
        # The triage keys work on a row of the week: drop it, then undo.
        assert app.due.table.move_to_id(soon.id)
        await settle(pilot)
        await pilot.press("x")
        await settle(pilot)
        assert service.follow_up(soon.id).status == "dropped"
        assert soon.id not in [r.id for r in app.due.table.rows]
        assert "Next 7 days" in title(app)  # the view stays on after a change
        await pilot.press("w")
        await settle(pilot)
        assert "Due today" in title(app)
        assert len(app.due.table.rows) == today_count
