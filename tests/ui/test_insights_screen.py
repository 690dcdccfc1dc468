"""The insights screen (issue 16): `i` opens it, the figures are computed once per data
generation off the UI thread, user text is shown literally, and it closes with esc, i or q."""

from __future__ import annotations

import pytest
from textual.widgets import DataTable, Sparkline

from rebound_tui.service import Service
from rebound_tui.ui.app import ReboundApp
from rebound_tui.ui.screens.insights import InsightsScreen
from tests.ui.conftest import settle


def cells(table: DataTable) -> list[list[str]]:
    return [[str(c) for c in table.get_row_at(n)] for n in range(table.row_count)]


async def test_i_opens_the_figures(app: ReboundApp) -> None:
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("i")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, InsightsScreen)
        funnel = cells(screen.query_one("#insights-funnel", DataTable))
        assert [row[0] for row in funnel][:3] == [
            "companies in the bullpen",
            "rejections recorded",
            "thanked within 7 days",
        ]
        assert [row[2].strip() for row in funnel][:3] == ["4", "2", "1"]  # Darlene was thanked
        persistence = cells(screen.query_one("#insights-persistence", DataTable))
        # The sooner the next touch, the higher (Darlene's referral ask, then Julia's thanks).
        assert [row[0] for row in persistence] == ["Glenview Logistics", "Skokie Systems"]
        assert [row[4] for row in persistence] == ["24 Nov", "27 Nov"]
        spark = screen.query_one("#insights-sparkline", Sparkline)
        assert len(spark.data) == 12 and sum(spark.data) == 3  # interview, thank-you, referral
        streak = str(screen.query_one("#insights-streak").render())
        assert "streak:" in streak and "Fri 27 Nov 2026" in streak


@pytest.mark.parametrize("key", ["escape", "i", "q"])
async def test_the_screen_closes_with(app: ReboundApp, key: str) -> None:
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("i")
        await settle(pilot)
        await pilot.press(key)
        await settle(pilot)
        assert not isinstance(app.screen, InsightsScreen)
        assert app.is_running  # q closed the screen, not the app


async def test_figures_are_computed_once_per_data_generation(
    app: ReboundApp, service: Service, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = []
    real = Service.insights
    monkeypatch.setattr(Service, "insights", lambda self, *a, **k: calls.append(1) or real(self))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        for _ in range(2):
            await pilot.press("i")
            await settle(pilot)
            await pilot.press("escape")
            await settle(pilot)
        assert len(calls) == 1
        with service.batch():
            service.add_company("Fresh Start Inc")
        await pilot.press("i")
        await settle(pilot)
        assert len(calls) == 2
        funnel = cells(app.screen.query_one("#insights-funnel", DataTable))
        assert funnel[0][2].strip() == "5"


@pytest.mark.parametrize(
    "name", ["[/]", "[@click=app.quit]x", "Acme [reverse]x[/reverse]", "[link=a:b]Bob"]
)
async def test_company_names_are_text_not_markup(
    app: ReboundApp, service: Service, name: str
) -> None:
    with service.batch():
        service.add_company(name, stage="rejected")
        service.log("rejection", company=name, on="2026-11-20")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("i")
        await settle(pilot)
        rows = cells(app.screen.query_one("#insights-persistence", DataTable))
        assert name in [row[0] for row in rows]
        assert app.is_running
