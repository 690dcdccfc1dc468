"""The fast start: the due pane painted from the first-screen cache, the data opened after the
first paint and attached; keys that need the data before that; a deferred open that fails."""

from __future__ import annotations

import contextlib
import threading
from pathlib import Path

import pytest
from textual.worker import WorkerFailed

from rebound_tui import startup
from rebound_tui.errors import DataFileError
from rebound_tui.service import Service
from rebound_tui.store import due_cache
from rebound_tui.ui.app import LOADING, ReboundApp, make_app
from rebound_tui.views import due_entries
from tests.ui.conftest import TODAY, reopen
from tests.ui.test_app import record_messages

SIZE = (100, 30)


@pytest.fixture
def first(service: Service, monkeypatch) -> startup.FirstScreen:
    """The cache of the saved file, as the app's last quit left it (with a theme chosen)."""
    monkeypatch.setattr(due_cache, "local_today", lambda: TODAY)
    state = due_cache.file_state(service.path)
    assert startup.write_first_screen(
        service.path, state, due_entries(service), "gruvbox", written_on=TODAY
    )
    loaded = startup.first_screen(service.path, TODAY)
    assert loaded is not None
    return loaded


def deferred(path: Path, first: startup.FirstScreen, gate=None, fail=None) -> ReboundApp:
    def opener() -> tuple[Service, startup.FileState | None]:
        if gate is not None:
            assert gate.wait(10)
        if fail is not None:
            raise fail
        return Service.open(path, today=lambda: TODAY), due_cache.file_state(path)

    return make_app(
        opener=opener,
        first_screen=first,
        first_day=TODAY,
        data_label=path.name,
        poll_seconds=0,
        save_delay=0,
    )


async def loaded(app: ReboundApp, pilot) -> None:
    """Let the loader finish and its result reach the UI thread (no sleeping)."""
    for _ in range(50):
        with contextlib.suppress(WorkerFailed):  # (a failed load: the app says so, load_error)
            await app.workers.wait_for_complete()
        await pilot.pause()
        if app.loaded or app.load_error is not None:
            return
    raise AssertionError("the data never attached")


async def test_due_pane_from_the_cache_then_every_pane_from_the_data(
    service: Service, first: startup.FirstScreen
) -> None:
    gate = threading.Event()
    app = deferred(service.path, first, gate)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert not app.loaded
        titles = [r.title for r in app.due.table.rows]
        assert titles == [r.title for r in first.due] and titles
        assert app.due.border_title == f"3 Due today · {first.summary.text}"
        assert app.theme == "gruvbox"  # the cached theme: the first paint looks like the app
        assert app.sub_title == "rebound.json · Fri 27 Nov 2026"
        for pane in (app.bullpen, app.network):
            assert pane.table.rows == [] and pane.table.empty_text == LOADING
            assert pane.border_subtitle == ""  # not "0 companies"
        await pilot.press("j")  # moving on cached rows is fine
        chosen = app.due.current.id
        assert chosen == first.due[1].id
        gate.set()
        await loaded(app, pilot)
        assert [r.title for r in app.due.table.rows] == titles
        assert app.due.current.id == chosen  # the cursor stays on the same follow-up
        assert {r.company for r in app.bullpen.table.rows} == {c.name for c in service.companies()}
        assert len(app.network.table.rows) == len(service.contacts())
        assert app.bullpen.table.empty_text != LOADING
        assert app.bullpen.border_subtitle == f"{len(service.companies())} companies"


@pytest.mark.parametrize("way", ["cached first screen", "data open"])
async def test_background_work_waits_for_the_frame_after_the_rows(
    service: Service, first: startup.FirstScreen, way: str
) -> None:
    """The check-ins' sync (the first background work) would share the interpreter with
    drawing the panes: it is not started where every pane gets its rows, but after the next
    refresh (Textual's `call_after_refresh`: nearly always once that frame is drawn)."""
    if way == "data open":
        app = make_app(service, poll_seconds=0, save_delay=0)
    else:
        app = deferred(service.path, first)
    seen: list[str] = []
    start, background = app.start_background, app.start._background

    def started() -> None:
        seen.append("background started")
        start()

    def every_pane_has_rows() -> None:
        assert app.bullpen.table.rows and app.network.table.rows
        background()
        seen.append("rows set")

    app.start_background = started  # type: ignore[method-assign]
    app.start._background = every_pane_has_rows  # type: ignore[method-assign]
    async with app.run_test(size=SIZE) as pilot:
        await loaded(app, pilot)
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert seen == ["rows set", "background started"]


async def test_keys_that_need_the_data_wait_for_it(
    service: Service, first: startup.FirstScreen, monkeypatch
) -> None:
    gate = threading.Event()
    app = deferred(service.path, first, gate)
    shown = record_messages(app, monkeypatch)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("x", "d", "s", "u")  # drop, done, snooze, undo: none on cached rows
        assert len(app.screen_stack) == 1
        assert shown.count(LOADING) == 4
        await pilot.press("1")  # moving between panes needs no data
        assert app.focused is app.bullpen.table
        await pilot.press("a")  # add a company: a form on the data, so it waits
        assert len(app.screen_stack) == 1
        await pilot.press("3", "question_mark")  # help needs no data
        assert len(app.screen_stack) == 2
        await pilot.press("escape")
        gate.set()
        await loaded(app, pilot)
        # Nothing was acted on before the data was there.
        assert {f.title for f in reopen(service.path).follow_ups()} == {
            f.title for f in service.follow_ups()
        }
        await pilot.press("x")  # now it drops the follow-up under the cursor
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert first.due[0].title not in {f.title for f in reopen(service.path).follow_ups()}


async def test_the_open_starts_with_the_first_frame_and_searches_wait_for_the_data(
    service: Service, first: startup.FirstScreen
) -> None:
    """The data is opened from Textual's Ready (the first frame on screen), once; the panes'
    search inputs are made after it is attached, and "/" before that makes its own."""
    gate = threading.Event()
    app = deferred(service.path, first, gate)
    async with app.run_test(size=SIZE) as pilot:
        assert app.start.loader is not None  # (started by Ready, before any refresh after it)
        loader = app.start.loader
        app.start.ready()  # again (the fallback after the next refresh): not a second open
        assert app.start.loader is loader
        await pilot.pause()
        assert [p.search_input for p in (app.bullpen, app.network)] == [None, None]
        await pilot.press("3", "slash", "c", "h")  # a search while loading
        assert app.due.search_input is not None and app.due.search_input.value == "ch"
        await pilot.press("escape")
        gate.set()
        await loaded(app, pilot)
        await pilot.pause()
        assert all(p.search_input is not None for p in app.panes)


async def test_a_theme_chosen_while_loading_is_kept(
    service: Service, first: startup.FirstScreen
) -> None:
    gate = threading.Event()
    app = deferred(service.path, first, gate)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.theme = "nord"
        await pilot.pause()
        gate.set()
        await loaded(app, pilot)
        assert app.service.setting("theme") == "nord"


async def test_a_failed_deferred_open_exits_with_the_error(
    service: Service, first: startup.FirstScreen
) -> None:
    error = DataFileError(service.path, "is not a rebound data file")
    app = deferred(service.path, first, fail=error)
    async with app.run_test(size=SIZE) as pilot:
        with contextlib.suppress(WorkerFailed):  # (the load's own failure, handled by the app)
            await app.workers.wait_for_complete()
        await pilot.pause()
    assert app.load_error is error
    assert app.return_code == 1
    assert not app.loaded


async def test_quitting_while_a_failing_load_runs_reports_its_error(
    service: Service, first: startup.FirstScreen, monkeypatch
) -> None:
    """q pressed during the load, which then fails: the same exit as an unattended failure."""
    gate = threading.Event()
    error = DataFileError(service.path, "not valid JSON")
    app = deferred(service.path, first, gate, fail=error)
    shown = record_messages(app, monkeypatch)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        threading.Timer(0.2, gate.set).start()  # the load fails while quit waits for it
        await pilot.press("q")
        await pilot.pause()
    assert any("Quitting once the data file is open" in m for m in shown)
    assert app.load_error is error
    assert app.return_code == 1
    assert not app.loaded


async def test_the_rows_painted_first_come_from_the_cache_only_when_it_matches(
    service: Service, first: startup.FirstScreen
) -> None:
    """A file edited elsewhere after the cache was written: the cache is a miss."""
    other = reopen(service.path)
    other.add_follow_up("Added by another process", due="2026-11-27")
    other.save()
    assert startup.first_screen(service.path, TODAY) is None


async def test_the_first_screen_is_remembered_once_the_data_is_on_screen(
    service: Service, first: startup.FirstScreen, monkeypatch
) -> None:
    """Not by the loader, which every pane waits for: after the frame that shows the data,
    the data as read (its due entries, for the file state read)."""
    calls: list[tuple] = []
    monkeypatch.setattr(startup, "remember", lambda *args: calls.append((args, app.loaded)))
    gate, read = threading.Event(), []

    def opener() -> tuple[Service, startup.FileState | None]:
        assert gate.wait(10)
        opened = Service.open(service.path, today=lambda: TODAY)
        read.append((due_entries(opened), due_cache.file_state(service.path)))
        return opened, read[0][1]

    app = make_app(opener=opener, first_screen=first, first_day=TODAY, poll_seconds=0)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert calls == []
        gate.set()
        await loaded(app, pilot)
        for _ in range(50):
            if calls:
                break
            await pilot.pause()
            await app.workers.wait_for_complete()
        (args, was_loaded), *_ = calls
        assert was_loaded and args[0] is app.service
        assert (args[1], args[2]) == read[0]  # the data as read, and its state


async def test_no_collection_during_the_deferred_open_and_its_garbage_collected_once_drawn(
    service: Service, first: startup.FirstScreen
) -> None:
    """The open runs with the cyclic collector off (a collection then would walk everything the
    first paint made, while the panes wait); once the rows are drawn, what the open left as
    garbage is collected, not frozen with the data, and the collector is on again."""
    import gc
    import weakref

    class Cycle:
        pass

    seen: list[bool] = []
    left: list[weakref.ref[Cycle]] = []

    def opener() -> tuple[Service, startup.FileState | None]:
        seen.append(gc.isenabled())
        garbage = Cycle()
        garbage.me = garbage  # type: ignore[attr-defined]  (only a collection frees it)
        left.append(weakref.ref(garbage))
        del garbage
        opened = Service.open(service.path, today=lambda: TODAY, resident=True)
        return opened, due_cache.file_state(service.path)

    app = make_app(
        opener=opener, first_screen=first, first_day=TODAY, data_label="x", poll_seconds=0
    )
    gc.unfreeze()
    gc.enable()
    try:
        async with app.run_test(size=SIZE) as pilot:
            await loaded(app, pilot)
            await pilot.pause()
            assert seen == [False]  # off for the open
            assert gc.isenabled()  # on again once the rows were drawn
            assert left[0]() is None  # the garbage collected, not frozen
            assert gc.get_freeze_count() > 0  # and the data frozen
    finally:
        gc.unfreeze()
        gc.enable()


@pytest.mark.parametrize("failing", [False, True])
async def test_quitting_during_the_deferred_open_leaves_the_collector_on(
    service: Service, first: startup.FirstScreen, failing: bool
) -> None:
    """q pressed while the data opens (the collector off for the open): whether the open then
    succeeds or fails, the app ends with the collector on again."""
    import gc

    gate = threading.Event()
    error = DataFileError(service.path, "not valid JSON") if failing else None
    app = deferred(service.path, first, gate, fail=error)
    gc.enable()
    try:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            threading.Timer(0.2, gate.set).start()  # the open ends while quit waits for it
            await pilot.press("q")
            await pilot.pause()
        assert gc.isenabled()
        assert app.loaded is not failing
    finally:
        gc.unfreeze()
        gc.enable()


async def test_an_app_ending_with_its_data_open_but_not_shown_turns_the_collector_on(
    service: Service, first: startup.FirstScreen, monkeypatch
) -> None:
    """The open done (the collector off for it) but its rows never shown, the app ends: the
    collector is on again all the same (`Start.settle` on unmount)."""
    import gc

    from rebound_tui.ui.start import Start

    monkeypatch.setattr(Start, "attach", lambda self, loaded: None)  # (never shown)
    app = deferred(service.path, first)
    gc.enable()
    try:
        async with app.run_test(size=SIZE):
            await app.workers.wait_for_complete()
            assert not gc.isenabled()  # (the open's: off until its rows would be drawn)
            app.exit()
        assert gc.isenabled()
    finally:
        gc.unfreeze()
        gc.enable()
