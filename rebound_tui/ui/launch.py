"""Start the dashboard from the command line: open the data, run the app, save what is left.

A data file that cannot be read is reported on one line before Textual takes the terminal, so
the message (and the way out: the newest good backup) stays on screen.

The fast start: when the first-screen cache (startup.py) matches the data file exactly, the app
paints the due pane from it and opens the file in a thread after that first paint. Without a
cache, the due pane is made from the three tables it needs, read before the rest of the file
(store/partial_read.py), and the start goes on the same way. Then a file
that cannot be read makes the app exit, and the same line is printed here, with the same exit
status. This path imports neither the service nor pendulum nor TinyDB before the paint (a
first start's helper, forked before Textual is imported, imports them itself:
views_helper.py).
"""

from __future__ import annotations

import gc
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from rebound_tui import display
from rebound_tui.paths import resolve_data_path

if TYPE_CHECKING:
    from rebound_tui.service import Service
    from rebound_tui.views_helper import ViewsHelper


def _data_path(db: str | None) -> Path:
    path, is_default = resolve_data_path(db)
    if not path.parent.exists():
        if not is_default:
            raise FileNotFoundError(f"the folder {path.parent} does not exist")
        path.parent.mkdir(parents=True, mode=0o700, exist_ok=True)
    return path


def _open_error(exc: BaseException) -> str | None:
    """The one line for a data file that cannot be opened; None for anything else (a bug)."""
    from rebound_tui.datafile import describe_bad_file
    from rebound_tui.errors import DataFileError

    if isinstance(exc, DataFileError):
        return describe_bad_file(exc)
    if isinstance(exc, OSError):
        return str(exc)
    return None


# Seconds a thread holds the interpreter while another waits, once the dashboard has started
# (Python's default is 5 ms). Its background work (the check-ins' sync, saves, the insights'
# figures) runs in threads that share the interpreter with the UI thread, and a key that comes
# meanwhile waits for a thread's turn to end, often more than once. Not before: set before the
# first paint, it made a second start's first paint 279 -> 348 ms (benchmarks/RESULTS.md,
# "Session 15").
UI_SWITCH_INTERVAL = 0.001


def launch(db: str | None, demo: bool) -> int:
    """Run the dashboard on the chosen data file; the exit status for the CLI."""
    helpers: list[ViewsHelper] = []  # (started by `_make` on a first start)
    try:
        if demo:
            from rebound_tui import startup
            from rebound_tui.ui import app as ui_app

            app = ui_app.make_app(
                startup.open_demo(),
                data_label="demo data (a throwaway copy)",
                cache_first_screen=False,
            )
        else:
            app = _make(_data_path(db), helpers)
    except Exception as exc:
        for child in helpers:
            child.stop()
        message = _open_error(exc)
        if message is None:
            raise
        print(f"rebound-tui: {display.line(message, limit=None)}", file=sys.stderr)
        return 1
    # The command line paused the cyclic collector while it imported and read (cli._run); what
    # is there now stays for the session (`_make` froze it): no collection need walk it.
    gc.enable()
    # The session's thread switch interval, from the moment every pane has its rows
    # (ui/start.py, `Start._background`), restored when the app has quit.
    app.start.switch_interval = UI_SWITCH_INTERVAL
    switch_interval = sys.getswitchinterval()
    try:
        app.run()
    finally:
        sys.setswitchinterval(switch_interval)  # (what follows has no keys to wait)
        for child in helpers:
            child.stop()  # (its answer taken already; or the app quit before the data was open)
    if getattr(app, "load_error", None) is not None:
        message = _open_error(app.load_error)
        if message is None:
            raise app.load_error
        print(f"rebound-tui: {display.line(message, limit=None)}", file=sys.stderr)
        return 1
    crashed = app.return_code or 0  # Textual printed what went wrong
    if not getattr(app, "loaded", True):
        return crashed  # quit before the data was open: nothing to save
    code = _save_left(app.service, remember=not demo) or crashed
    if demo and code == 0:  # a clean quit: the throwaway copy goes (kept to look at after a crash)
        import shutil

        shutil.rmtree(app.service.path.parent, ignore_errors=True)
    return code


def _make(path: Path, helpers: list[ViewsHelper]):  # -> ReboundApp
    """The app on `path`: from the first-screen cache when it matches, else opened now. A first
    start (no cache) also starts a child process building the other panes' rows (added to
    `helpers`) before it imports Textual: it has the most to do.

    (Not when the cache matches: the child, running beside this process while it paints, made
    that first paint 15-20% slower on a two-core machine; and there, with no head start, it
    would not be done before the rows are built here.)"""
    from rebound_tui import startup

    today = startup.local_today()
    first = startup.first_screen(path, today) if today is not None else None
    if first is None and today is not None and path.is_file():
        from rebound_tui.views_helper import ViewsHelper

        helpers.extend(child for child in [ViewsHelper.start(path)] if child is not None)
    from rebound_tui.ui import app as ui_app

    if first is None and today is not None:
        # No cache (a first start here, or the file changed since): the due pane from the
        # tables it needs, read first; the whole file is opened after the first paint all the same.
        first = startup.first_screen_from_file(path, today)
    if first is not None:
        # What is loaded so far (Textual, our modules) lives as long as the process: keep the
        # collections that the first paint's allocations trigger from walking it.
        gc.freeze()
        return ui_app.make_app(
            opener=lambda: startup.open_data(path),
            first_screen=first,
            first_day=today,
            data_label=path.name,
            views_helper=helpers[0] if helpers else None,
        )
    for child in helpers:
        child.stop()  # (the rows are built here, before the first paint)
    service, state = startup.open_data(path)
    # The parsed data lives as long as the app: keep the cyclic GC from walking it on every
    # full collection (those pauses were the slowest keystrokes on a large file).
    gc.freeze()
    if state is None:
        return ui_app.make_app(service, data_label=path.name)
    return ui_app.make_app(service, data_label=path.name, file_state=state)


def _save_left(service: Service, *, remember: bool = True) -> int:
    """The app saves on quit; this catches an exit that skipped it (a crash, a signal). Then the
    due pane of the data as saved is the next start's first screen."""
    from rebound_tui.errors import DataFileError, SaveError
    from rebound_tui.startup import remember_saved

    try:
        service.save()
    except (SaveError, DataFileError) as exc:
        print(f"rebound-tui: {display.line(str(exc), limit=None)}", file=sys.stderr)
        return 1
    if remember:
        remember_saved(service)
    return 0
