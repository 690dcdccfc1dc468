"""SVG snapshots of the dashboard: the demo file on its anchor day, at two sizes, and "all done".

Regenerate with `pytest tests/ui/test_snapshots.py --snapshot-update` and look at the SVGs in
tests/ui/__snapshots__/ before committing them.
"""

from __future__ import annotations

import pytest

from rebound_tui.demo import ANCHOR, make_demo_copy
from rebound_tui.service import Service
from rebound_tui.ui.app import ReboundApp, make_app
from tests.ui.conftest import TODAY, fill


@pytest.fixture
def demo_app(tmp_path) -> ReboundApp:
    path = make_demo_copy(tmp_path, ANCHOR)
    service = Service.open(path, today=lambda: ANCHOR)
    return make_app(service, data_label="demo.json", poll_seconds=0)


@pytest.fixture
def all_done_app(tmp_path) -> ReboundApp:
    service = Service.open(tmp_path / "rebound.json", today=lambda: TODAY)
    fill(service)
    for item in service.due():
        service.complete(item.follow_up)
    return make_app(service, poll_seconds=0)


async def settle(pilot) -> None:
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def test_three_panes_80x24(demo_app: ReboundApp, snap_compare) -> None:
    """The morning screen: the due list whole, the first item's full title in the status line."""

    async def check(pilot) -> None:
        await settle(pilot)
        row = pilot.app.due.current
        assert row.title in pilot.app.query_one("#status").text.plain

    assert snap_compare(demo_app, terminal_size=(80, 24), run_before=check)


def test_three_panes_120x40(demo_app: ReboundApp, snap_compare) -> None:
    assert snap_compare(demo_app, terminal_size=(120, 40), run_before=settle)


def test_three_panes_60x15(demo_app: ReboundApp, snap_compare) -> None:
    """Tabs, one pane, the status line and `?` Help in the footer."""
    assert snap_compare(demo_app, terminal_size=(60, 15), run_before=settle)


def test_three_panes_160x48(demo_app: ReboundApp, snap_compare) -> None:
    assert snap_compare(demo_app, terminal_size=(160, 48), run_before=settle)


def test_bullpen_focused_filters_the_network(demo_app: ReboundApp, snap_compare) -> None:
    async def pick_a_company(pilot) -> None:
        await pilot.press("1", "j")
        await settle(pilot)

    assert snap_compare(demo_app, terminal_size=(120, 36), run_before=pick_a_company)


def test_all_done(all_done_app: ReboundApp, snap_compare) -> None:
    assert snap_compare(all_done_app, terminal_size=(100, 30), run_before=settle)


def test_narrow_tabs(demo_app: ReboundApp, snap_compare) -> None:
    assert snap_compare(demo_app, terminal_size=(64, 24), run_before=settle)


def test_draft_screen_80x24(demo_app: ReboundApp, snap_compare) -> None:
    async def show_the_draft(pilot) -> None:
        await settle(pilot)
        await pilot.press("m")
        await settle(pilot)

    assert snap_compare(demo_app, terminal_size=(80, 24), run_before=show_the_draft)


def test_settings_rules_80x24(demo_app: ReboundApp, snap_compare) -> None:
    async def open_settings(pilot) -> None:
        await settle(pilot)
        await pilot.press("S", "j")
        await settle(pilot)

    assert snap_compare(demo_app, terminal_size=(80, 24), run_before=open_settings)


def test_insights_80x24(demo_app: ReboundApp, snap_compare) -> None:
    async def open_insights(pilot) -> None:
        await settle(pilot)
        await pilot.press("i")
        await settle(pilot)

    assert snap_compare(demo_app, terminal_size=(80, 24), run_before=open_insights)
