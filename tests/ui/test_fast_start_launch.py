"""The fast start through launch(), as the command line runs it: the cache written and used,
the first start's child process, errors reported alike, what the first paint imports, and the
collector paused until the data is open."""

from __future__ import annotations

from typing import Any

import pytest
from textual.app import App

from rebound_tui import startup
from rebound_tui.errors import DataFileError
from rebound_tui.service import Service
from rebound_tui.store import due_cache
from rebound_tui.ui.app import ReboundApp
from rebound_tui.views import Views
from tests.ui.conftest import TODAY
from tests.ui.test_fast_start import SIZE, loaded


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


def test_a_first_start_forks_its_helper_before_the_service_and_textual(data_path, service) -> None:
    """No cache: the helper that builds the rows is forked before the service, the views and
    Textual are imported (importing the service first made the first paint 30-35 ms later,
    measured beside the bare app; the panes were not usable sooner after a command)."""
    import json
    import subprocess

    from rebound_test_helpers import PYTHON, python_env

    assert data_path.is_file() and startup.first_screen(data_path, TODAY) is None
    code = (
        "import json, sys\n"
        "from rebound_tui import views_helper\n"
        "def start(path):\n"
        "    names = ('rebound_tui.service', 'rebound_tui.views', 'textual.app')\n"
        "    print(json.dumps([name in sys.modules for name in names]))\n"
        "    raise SystemExit(0)\n"
        "views_helper.ViewsHelper.start = staticmethod(start)\n"
        "from rebound_tui.ui.launch import launch\n"
        "launch(sys.argv[1], False)\n"
    )
    done = subprocess.run(
        [PYTHON, "-c", code, str(data_path)],
        capture_output=True,
        text=True,
        env=python_env(),
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == [False, False, False]


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
