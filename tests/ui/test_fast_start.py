"""The fast start: the due pane painted from the first-screen cache, the data opened after the
first paint and attached; keys that need the data before that; a deferred open that fails."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from textual.app import App

from rebound_tui import startup
from rebound_tui.errors import DataFileError
from rebound_tui.service import Service
from rebound_tui.store import due_cache
from rebound_tui.ui.app import LOADING, ReboundApp, make_app
from rebound_tui.views import Views, due_entries
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


# -- through launch(), as the command line runs it -------------------------------------------------
def _headless(monkeypatch, made: list[ReboundApp], pilot_script) -> None:
    from rebound_tui.ui import app as app_module

    original = app_module.make_app

    def make(*args, **kwargs):
        made.append(original(*args, **kwargs))
        return made[-1]

    def run(self, **kwargs):
        return App.run(self, headless=True, size=SIZE, auto_pilot=pilot_script)

    monkeypatch.setattr(app_module, "make_app", make)
    monkeypatch.setattr(ReboundApp, "run", run)


async def _quit_when_loaded(pilot) -> None:
    """Quit with q once the data is open (as a user would); a failed open exits by itself."""
    app = pilot.app
    await loaded(app, pilot)
    if app.load_error is None:
        await app.workers.wait_for_complete()
        await pilot.press("q")


def test_second_launch_paints_from_the_cache(data_path, service, monkeypatch, today) -> None:
    from rebound_tui.ui.launch import launch

    monkeypatch.setattr(due_cache, "local_today", lambda: TODAY)
    made: list[ReboundApp] = []
    _headless(monkeypatch, made, _quit_when_loaded)
    assert launch(db=str(data_path), demo=False) == 0
    first = made[-1].start.first_screen
    assert first is not None and first.source == "file"  # no cache yet: the file's tables
    assert made[-1].loaded  # then the whole file, opened after the first paint
    assert startup.first_screen(data_path, TODAY) is not None  # written on the way
    assert launch(db=str(data_path), demo=False) == 0
    first = made[-1].start.first_screen
    assert first is not None and first.source == "cache"  # painted from the cache, then opened
    assert made[-1].loaded


def test_a_first_launch_has_a_child_build_the_rows_and_a_cached_one_not(
    data_path, service, monkeypatch
) -> None:
    """No cache: a child process builds the other panes' rows meanwhile (views_helper.py), and
    is gone when the app is; its rows are those of the data. From the cache: no child."""
    from rebound_tui.ui.launch import launch
    from rebound_tui.views_helper import ViewsHelper

    started: list[ViewsHelper] = []
    start = ViewsHelper.start

    def record(path):
        started.append(start(path))
        return started[-1]

    monkeypatch.setattr(ViewsHelper, "start", staticmethod(record))
    adopted: list[Any] = []
    adopt = Views.adopt
    monkeypatch.setattr(Views, "adopt", lambda v, s: adopted.append(s) or adopt(v, s))
    expected = Views(Service.open(data_path)).snapshot  # (today by the real clock, as the child's)
    made: list[ReboundApp] = []
    _headless(monkeypatch, made, _quit_when_loaded)
    assert launch(db=str(data_path), demo=False) == 0
    assert len(started) == 1 and made[-1].start.helper is started[0]
    assert started[0].process.poll() is not None  # not left behind
    assert adopted == [expected]
    assert launch(db=str(data_path), demo=False) == 0
    assert made[-1].start.first_screen.source == "cache" and len(started) == 1


def test_a_deferred_open_error_is_reported_like_an_eager_one(
    data_path, service, monkeypatch, capsys, today
) -> None:
    from rebound_tui.ui.launch import launch

    monkeypatch.setattr(due_cache, "local_today", lambda: TODAY)
    made: list[ReboundApp] = []
    _headless(monkeypatch, made, _quit_when_loaded)
    assert launch(db=str(data_path), demo=False) == 0  # leaves the cache

    def refuse(cls, path, **kwargs):
        raise DataFileError(path, "has a newer schema", "update rebound-tui")

    monkeypatch.setattr(Service, "open", classmethod(refuse))
    capsys.readouterr()
    assert startup.first_screen(data_path, TODAY) is not None
    assert launch(db=str(data_path), demo=False) == 1  # cached: fails after the first paint
    deferred_err = capsys.readouterr().err
    assert made[-1].start.first_screen is not None and not made[-1].loaded
    due_cache.cache_path_for(data_path).unlink()
    assert launch(db=str(data_path), demo=False) == 1  # no cache: painted from its tables
    assert made[-1].start.first_screen.source == "file" and not made[-1].loaded
    assert capsys.readouterr().err == deferred_err
    # A file whose tables cannot be read first (not laid out as rebound-tui writes, say): the
    # whole file is opened before the app, and fails there.
    monkeypatch.setattr(startup, "first_screen_from_file", lambda path, today: None)
    count = len(made)
    assert launch(db=str(data_path), demo=False) == 1  # fails before the app
    eager_err = capsys.readouterr().err
    assert len(made) == count
    assert deferred_err == eager_err
    assert eager_err.startswith("rebound-tui: ") and "newer schema" in eager_err


def test_what_the_first_paint_imports_stays_light() -> None:
    """The cached start's imports before its first paint: no service, no views, no screens, no
    pendulum, TinyDB, filelock or orjson (the deferred open loads those)."""
    import json
    import subprocess

    from rebound_test_helpers import PYTHON, python_env

    code = (
        "import json, sys\n"
        "import rebound_tui.cli, rebound_tui.ui.launch, rebound_tui.startup\n"
        "import rebound_tui.ui.app, rebound_tui.datafile, rebound_tui.errors\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    done = subprocess.run(
        [PYTHON, "-c", code], capture_output=True, text=True, env=python_env(), timeout=60
    )
    assert done.returncode == 0, done.stderr
    loaded = set(json.loads(done.stdout))
    heavy = {"pendulum", "tinydb", "filelock", "orjson", "dateutil"}
    ours = {"rebound_tui.service", "rebound_tui.views", "rebound_tui.domain.dates"}
    assert not (heavy | ours) & loaded
    # The store only for the cache file, read through the start-up facade.
    assert [m for m in loaded if m.startswith("rebound_tui.store.")] == [
        "rebound_tui.store.due_cache"
    ]
    assert not [
        m
        for m in loaded
        if m.startswith(("rebound_tui.ui.screens", "rebound_tui.cli."))
        and m != "rebound_tui.cli.context"
    ]


@pytest.mark.parametrize("tables_first", [True, False])
def test_the_command_line_pauses_the_collector_until_the_data_is_open(
    data_path, service, monkeypatch, today, tables_first
) -> None:
    """`rebound-tui` as its own process: imports and the first read (the file's tables, or the
    whole file when they cannot be read first) run with no collection; the app runs with the
    collector on and what was loaded frozen."""
    import gc

    from rebound_tui import cli

    monkeypatch.setattr(due_cache, "local_today", lambda: TODAY)
    made: list[ReboundApp] = []
    _headless(monkeypatch, made, _quit_when_loaded)
    seen: list[tuple[bool, int]] = []
    real_open = startup.open_data if not tables_first else startup.first_screen_from_file
    run = ReboundApp.run

    def open_data(path, *args, **kwargs):
        seen.append((gc.isenabled(), gc.get_freeze_count()))
        return real_open(path, *args, **kwargs)

    def run_app(self, **kwargs):
        seen.append((gc.isenabled(), gc.get_freeze_count()))
        return run(self, **kwargs)

    if tables_first:
        monkeypatch.setattr(startup, "first_screen_from_file", open_data)
    else:
        monkeypatch.setattr(startup, "first_screen_from_file", lambda path, today: None)
        monkeypatch.setattr(startup, "open_data", open_data)
    monkeypatch.setattr(ReboundApp, "run", run_app)
    gc.unfreeze()
    try:
        assert cli._run(["--db", str(data_path)], process=True) == (0, True)
    finally:
        gc.unfreeze()
    assert seen[0] == (False, 0)  # the open: paused since the process started
    assert seen[1][0] and seen[1][1] > 0  # the app: on again, what was loaded frozen
    assert gc.isenabled()
