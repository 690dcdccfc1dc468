"""The insights screen (issue 16): `i` opens it, the figures are computed once per data
generation off the UI thread, user text is shown literally, and it closes with esc, i or q."""

from __future__ import annotations

import threading

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


# -- computed ahead (ui/insights_cache.py) ---------------------------------------------------
async def _until(pilot, done) -> None:
    for _ in range(2000):
        if done():
            return
        await pilot.pause(0.01)
    raise AssertionError("timed out")


async def test_figures_are_computed_ahead_when_the_dashboard_is_idle(app: ReboundApp) -> None:
    app.insights.idle = 0.05
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await _until(pilot, lambda: app.insights.computed == 1)
        assert app.insights.key == (app.service.generation, app.service.today())
        await pilot.press("i")  # shown at once, from the cache: no thread, no "Counting…"
        screen = app.screen
        assert isinstance(screen, InsightsScreen) and screen.insights is app.insights.figures
        await settle(pilot)
        assert app.insights.computed == 1
        await pilot.press("escape")
        with app.service.batch():  # a new data generation: computed ahead again once shown
            app.service.add_company("Fresh Start Inc")
        app.refresh_panes()
        await _until(pilot, lambda: app.insights.computed == 2)
        await pilot.press("i")
        funnel = cells(app.screen.query_one("#insights-funnel", DataTable))
        assert funnel[0][2].strip() == "5"


async def test_a_change_while_counting_counts_again(app: ReboundApp) -> None:
    app.insights.idle = 0  # nothing ahead: `i` computes
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        release = threading.Event()
        real = app.service.insights

        def slow(*args, **kwargs):
            release.wait(10)
            return real(*args, **kwargs)

        app.service.insights = slow  # type: ignore[method-assign]
        await pilot.press("i")
        with app.service.batch():
            app.service.add_company("Fresh Start Inc")  # while the thread counts
        release.set()
        await settle(pilot)
        await _until(pilot, lambda: app.screen.insights is not None)  # type: ignore[attr-defined]
        assert app.insights.computed == 2  # the stale figures were not shown
        funnel = cells(app.screen.query_one("#insights-funnel", DataTable))
        assert funnel[0][2].strip() == "5"


class _Timer:
    def __init__(self, callback) -> None:
        self.callback, self.resets, self.stopped = callback, 0, False

    def reset(self) -> None:
        self.resets += 1

    def stop(self) -> None:
        self.stopped = True


class _App:
    """What InsightsCache uses of the app, recorded."""

    def __init__(self) -> None:
        self.timers: list[_Timer] = []
        self.workers: list = []

    def set_timer(self, delay, callback) -> _Timer:
        self.timers.append(_Timer(callback))
        return self.timers[-1]

    def run_worker(self, work, **kwargs) -> None:
        self.workers.append(work)


def test_keys_put_the_compute_off_and_one_wait_is_enough(service: Service) -> None:
    from rebound_tui.ui.insights_cache import InsightsCache

    fake = _App()
    cache = InsightsCache(fake)  # type: ignore[arg-type]
    cache.typed()  # nothing waits yet: nothing to put off
    cache.soon(service)
    cache.soon(service)  # shown again before the wait is over: the same wait, started again
    cache.typed()
    cache.typed()
    assert len(fake.timers) == 1 and fake.timers[0].resets == 3
    assert fake.workers == []
    fake.timers[0].callback()  # quiet for long enough: one thread computes
    assert len(fake.workers) == 1 and cache.computing is not None
    cache.soon(service)  # the same data again: no second wait, no second thread
    assert len(fake.timers) == 1 and len(fake.workers) == 1


def test_no_computing_ahead_when_idle_is_zero(service: Service) -> None:
    from rebound_tui.ui.insights_cache import InsightsCache

    fake = _App()
    InsightsCache(fake, idle=0).soon(service)  # type: ignore[arg-type]
    assert fake.timers == [] and fake.workers == []
