"""SVG snapshots of the openings at 80x24 (issue 15): the bullpen with its Roles column, and the
openings view. Regenerate with `pytest tests/ui/test_openings_snapshots.py --snapshot-update`
and look at the SVGs in tests/ui/__snapshots__/ before committing them."""

from __future__ import annotations

import pytest

from rebound_tui.demo import ANCHOR, make_demo_copy
from rebound_tui.service import Service
from rebound_tui.ui.app import ReboundApp, make_app


@pytest.fixture
def demo_app(tmp_path) -> ReboundApp:
    path = make_demo_copy(tmp_path, ANCHOR)
    service = Service.open(path, today=lambda: ANCHOR)
    return make_app(service, data_label="demo.json", poll_seconds=0)


async def settle(pilot) -> None:
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def test_bullpen_roles_column_80x24(demo_app: ReboundApp, snap_compare) -> None:
    async def focus_bullpen(pilot) -> None:
        await settle(pilot)
        await pilot.press("1")
        await settle(pilot)

    assert snap_compare(demo_app, terminal_size=(80, 24), run_before=focus_bullpen)


def test_openings_view_80x24(demo_app: ReboundApp, snap_compare) -> None:
    async def open_view(pilot) -> None:
        await settle(pilot)
        await pilot.press("1", "O")
        await settle(pilot)

    assert snap_compare(demo_app, terminal_size=(80, 24), run_before=open_view)
