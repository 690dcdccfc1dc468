"""After a change: on a small file every pane at once; on a large one the due pane at once and
the others from a "rows" worker (ui/pane_refresh.py)."""

from __future__ import annotations

import threading

from rebound_tui.service import Service
from rebound_tui.ui import pane_refresh
from rebound_tui.ui.app import ReboundApp
from tests.ui.conftest import settle

SIZE = (120, 40)
TITLE = "Ask Darlene for a referral interview"


def due_titles(app: ReboundApp) -> list[str]:
    return [row.title for row in app.due.table.rows]


def next_up(app: ReboundApp, company: str) -> str | None:
    return next(r.next_follow_up for r in app.bullpen.table.rows if r.company == company)


async def test_a_small_file_shows_every_pane_at_once(app: ReboundApp, service: Service) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.views.rows < pane_refresh.LARGE_ROWS  # (the small test file)
        assert TITLE in due_titles(app)
        await pilot.press("x")  # drop the first due follow-up
        key = (service.generation, service.today())
        assert app.pane_refresh.shown == key and not app.pane_refresh.building
        assert TITLE not in due_titles(app)


async def test_a_large_file_shows_the_due_pane_first_then_the_others(
    app: ReboundApp, service: Service, monkeypatch
) -> None:
    monkeypatch.setattr(pane_refresh, "LARGE_ROWS", 1)  # the test file counts as large
    gate = threading.Event()
    real = pane_refresh.PaneRefresh._build

    def held_build(self) -> None:
        assert gate.wait(10)
        real(self)

    monkeypatch.setattr(pane_refresh.PaneRefresh, "_build", held_build)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert next_up(app, "Glenview Logistics") == "2026-11-24"
        await pilot.press("x")
        await pilot.pause()
        # The due pane already shows the change; the bullpen still shows the rows before it.
        assert TITLE not in due_titles(app)
        assert app.pane_refresh.building
        assert next_up(app, "Glenview Logistics") == "2026-11-24"
        await pilot.press("j")  # keys work meanwhile
        gate.set()
        await settle(pilot)
        assert not app.pane_refresh.building
        assert app.pane_refresh.shown == (service.generation, service.today())
        assert next_up(app, "Glenview Logistics") != "2026-11-24"
        assert TITLE not in due_titles(app)


async def test_a_failed_build_in_the_worker_is_done_on_the_ui_thread_once(
    app: ReboundApp, service: Service, monkeypatch
) -> None:
    monkeypatch.setattr(pane_refresh, "LARGE_ROWS", 1)
    tries: list[int] = []

    def broken(self) -> None:
        tries.append(1)
        raise RuntimeError("the build broke")

    monkeypatch.setattr(pane_refresh.PaneRefresh, "_build", broken)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("x")
        await settle(pilot)
        assert tries == [1]  # no worker started again and again
        assert app.pane_refresh.shown == (service.generation, service.today())
        assert next_up(app, "Glenview Logistics") != "2026-11-24"
        assert app.is_running


async def test_the_change_is_made_durable_before_the_rows_build_takes_the_data_lock(
    app: ReboundApp, service: Service, monkeypatch
) -> None:
    """The rows worker holds the data lock while it builds; the journal's append needs it for
    a moment: the append goes first (on the UI thread right after the change, or a worker that
    the build waits for), so a change is durable at once, not after the build."""
    import time

    monkeypatch.setattr(pane_refresh, "LARGE_ROWS", 1)
    order: list[str] = []
    real_commit = service.commit

    def slow_commit(**kwargs) -> bool:
        time.sleep(0.2)  # (a slow disk)
        order.append("committed")
        return real_commit(**kwargs)

    real_build = pane_refresh.PaneRefresh._build

    def build(self) -> None:
        real_build(self)
        order.append("built")

    monkeypatch.setattr(service, "commit", slow_commit)
    monkeypatch.setattr(pane_refresh.PaneRefresh, "_build", build)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        order.clear()
        await pilot.press("x")
        await settle(pilot)
        assert order[:2] == ["committed", "built"]


async def test_a_lock_held_elsewhere_moves_the_journal_append_to_a_worker(
    app: ReboundApp, service: Service
) -> None:
    """Another process holds the file's lock (a command saving): the key does not wait for it;
    a worker appends to the journal once the lock is free."""
    from filelock import FileLock

    from rebound_tui.store.journal import journal_path_for
    from rebound_tui.store.storage import lock_path_for

    app.save_delay = 60
    journal = journal_path_for(service.path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        lock = FileLock(lock_path_for(service.path), mode=0o600, thread_local=False)
        lock.acquire()
        try:
            await pilot.press("x")
            await pilot.pause()
            assert TITLE not in due_titles(app)  # the key did its work at once
            assert not journal.exists()
        finally:
            lock.release()
        await settle(pilot)
        assert journal.exists() and journal.stat().st_size > 0
