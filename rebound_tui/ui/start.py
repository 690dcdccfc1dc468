"""The dashboard's start: the first paint, then the rest of the data in worker threads.

The app holds one `Start` (`app.start`) and calls it from `on_mount`; the app routes the
"views" and "load" workers' events to `worker_changed`. Two ways to start:

- with a service: the due pane from the data first, then (after the first paint) the other
  panes' rows built in a thread, and the first screen cached for the next start;
- fast, with a first screen from the cache (startup.py) or from the file's first tables: the
  due pane from it, then, as soon as that frame is on screen, the data file opened in a thread
  (loading.py; the other panes' rows taken from a first start's child process, views_helper.py,
  when it has built them) and attached: all three panes show the real data, the due cursor on
  the same follow-up. Until then the other panes say they are loading.
"""

from __future__ import annotations

import datetime as dt
import gc
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol

from textual.worker import Worker, WorkerState

from rebound_tui.ui.loading import LOADING, Loaded, open_data

if TYPE_CHECKING:
    from rebound_tui.service import Service
    from rebound_tui.startup import FileState, FirstScreen
    from rebound_tui.ui.panes.due import DuePane
    from rebound_tui.ui.theme import ThemeMemory
    from rebound_tui.ui.widgets import Pane
    from rebound_tui.views import Views
    from rebound_tui.views_helper import ViewsHelper

__all__ = ["Start", "StartHost"]


class StartHost(Protocol):
    """What the start asks of the app."""

    loaded: bool
    service: Service
    views: Views
    load_error: BaseException | None
    due: DuePane
    themes: ThemeMemory

    @property
    def panes(self) -> list[Pane[Any]]: ...

    def run_worker(self, work: Callable[[], Any], **options: Any) -> Worker[Any]: ...
    def call_after_refresh(self, callback: Callable[..., Any], *args: Any) -> bool: ...
    def exit(self, result: Any = None, return_code: int = 0) -> None: ...
    def set_day(self, day: dt.date) -> None: ...
    def refresh_panes(self, *, force: bool = False) -> None: ...
    def start_background(self) -> None:
        """Every pane shows the data: start the disk poll and the cadence sync."""
        ...


class Start:
    """The first paint and what follows it, for either way to start."""

    def __init__(
        self,
        app: StartHost,
        *,
        opener: Callable[[], tuple[Service, FileState | None]] | None,
        first_screen: FirstScreen | None,
        first_day: dt.date | None,
        file_state: FileState | None,
        helper: ViewsHelper | None = None,
    ) -> None:
        self.app = app
        self.opener = opener
        self.helper = helper  # a child process building the panes' rows meanwhile
        self.first_screen = first_screen
        self.first_day = first_day
        self.file_state = file_state
        self.first_entries: tuple[Any, FileState] | None = None
        self.unsettled: Loaded | None = None  # attached, the collector still off (`settle`)
        self.building = False  # the views are being built in a thread after the first paint
        self.loader: Worker[Loaded] | None = None
        # The thread switch interval of the session once every pane has its rows (launch.py
        # sets it; None: left as it is, as in tests).
        self.switch_interval: float | None = None

    def first_paint(self) -> None:
        """Show the due pane (from the data, or from the cached first screen) and schedule the
        rest for after the first paint."""
        app = self.app
        if app.loaded:
            self._show_due_first()
            # The other panes (a tenth of a second or more on a large file) after the first paint.
            app.call_after_refresh(self._after_first_paint)
            return
        first = self.first_screen
        assert first is not None
        for pane in app.panes:
            if pane is not app.due:
                pane.loading_text = LOADING
        app.due.show(first.due, first.summary, first.upcoming)
        app.set_day(self.first_day or dt.date.today())
        # The open starts as soon as the first frame is on screen (`ready`, from Textual's
        # Ready), not after the refresh that follows it: that waited for the footer's keys
        # and the search inputs to be made (~0.1 s on the heavy file; benchmarks/RESULTS.md,
        # "Session 11"). This is only in case Ready never comes.
        app.call_after_refresh(self.ready)

    def ready(self) -> None:
        """The first frame is on screen: a fast start opens the data now (once)."""
        if not self.app.loaded and self.loader is None and self.opener is not None:
            self._start_loading()

    def _show_due_first(self) -> None:
        """Only the due pane, from the data: what the first paint needs."""
        app = self.app
        due, summary, upcoming, entries = app.views.due_first()
        app.due.show(due, summary, upcoming)
        app.set_day(app.service.today())
        if self.file_state is not None and not app.service.unsaved:
            # The data as read from the file: its first screen is next start's cache (written
            # after the first paint).
            self.first_entries = (entries, self.file_state)
        self.file_state = None

    def _after_first_paint(self) -> None:
        # The other panes' rows (a quarter of a second on a large file) in a thread: keys typed
        # meanwhile move the cursor at once.
        self.building = True
        self.app.run_worker(self._build_views, thread=True, group="views", exit_on_error=False)

    def _remember_first_screen(self) -> None:
        """The first screen, kept for the next start: once the panes are built, not beside the
        build (the two threads share one interpreter: on the heavy file the build took 0.6-0.7 s
        with the cache written meanwhile, 0.42-0.45 s without; benchmarks/RESULTS.md)."""
        if self.first_entries is None:
            return
        from rebound_tui.startup import remember

        service, (entries, state) = self.app.service, self.first_entries
        self.first_entries = None
        self.app.run_worker(
            lambda: remember(service, entries, state),
            thread=True,
            group="cache",
            exit_on_error=False,
        )

    def _build_views(self) -> None:
        with self.app.service.batch():  # a write waits for it instead of changing the data
            self.app.views.snapshot  # noqa: B018 (built and cached)
        gc.freeze()  # the rows live as long as the data: no full collection walks them

    # -- the deferred open --------------------------------------------------------------------
    def _start_loading(self) -> None:
        opener = self.opener
        assert opener is not None
        self.loader = self.app.run_worker(
            lambda: open_data(opener, self.helper),
            thread=True,
            group="load",
            name="open the data",
            exit_on_error=False,
        )

    def worker_changed(self, event: Worker.StateChanged) -> bool:
        """Handle the "views" and "load" workers' events (False: not one of those)."""
        worker = event.worker
        if worker.group == "views":
            if event.state in (WorkerState.SUCCESS, WorkerState.ERROR):
                # (after an error, refreshing builds them here and says why)
                self.building = False
                self.app.refresh_panes(force=True)
                self._remember_first_screen()
                self._background()
            return True
        if worker.group == "load":
            if event.state == WorkerState.SUCCESS:
                self.attach(worker.result)
            elif event.state == WorkerState.ERROR:
                self.app.load_error = worker.error
                self.app.exit(return_code=1)
            return True
        return False

    def attach(self, loaded: Loaded | None) -> None:
        """The data is open: show it everywhere (cursors stay on their records), start the
        background work, remember a theme chosen meanwhile."""
        app = self.app
        if app.loaded or loaded is None:
            return
        app.service, app.views, app.loaded = loaded.service, loaded.views, True
        for pane in app.panes:
            if pane is not app.due:
                pane.loading_text = None
        app.themes.remember_pending()  # a theme picked meanwhile
        app.refresh_panes(force=True)
        self.unsettled = loaded  # (the collector, off since the open began: `settle`)
        app.call_after_refresh(self.settle)
        # (Not made before: mounting three inputs shared the interpreter with the open.)
        app.call_after_refresh(self.add_searches)
        if loaded.state is not None:  # the data as read: next start's first screen, once drawn
            self.first_entries = (loaded.views.snapshot.entries, loaded.state)
            app.call_after_refresh(self._remember_first_screen)
        self._background()

    def add_searches(self) -> None:
        """Each pane's search input, hidden until "/" (`Pane.add_search`; "/" before this
        makes its own). Not once the panes are gone (the app quit while the data opened)."""
        for pane in self.app.panes:
            if pane.is_attached:
                pane.add_search()

    def settle(self, *, freeze: bool = True) -> None:
        """The attached data's `Loaded.settle`, once: after the frame that shows its rows, or
        when the app quits before that frame (then only the collector on again)."""
        loaded, self.unsettled = self.unsettled, None
        loader = self.loader
        quit_first = not freeze and not self.app.loaded  # (opened, maybe never attached)
        if loaded is None and quit_first and loader and loader.state == WorkerState.SUCCESS:
            loaded = loader.result
        if loaded is not None:
            loaded.settle(freeze=freeze)

    def _background(self) -> None:
        """Every pane has its rows: once they are on screen, the app's background work, then
        the screens' stylesheet, so that the first dialog does not wait for it (stylesheet.py).

        (Not before that frame: the background work starts with the check-ins' sync, a quarter
        of a second of Python on a large file, which would share the interpreter with drawing
        the panes; benchmarks/RESULTS.md, "Session 10".)"""
        from rebound_tui.ui.stylesheet import preload_screen_css

        if self.switch_interval is not None:
            sys.setswitchinterval(self.switch_interval)
        self.app.call_after_refresh(self.app.start_background)
        self.app.call_after_refresh(preload_screen_css, self.app)

    def finish_for_quit(self) -> bool:
        """Quitting while the data was loading (the workers waited for): attach it if it is
        open now. False when it failed (load_error is set) or never opened."""
        loader = self.loader
        if loader is not None and loader.state == WorkerState.ERROR:
            self.app.load_error = loader.error  # reported like an eager open's error
            return False
        if loader is not None and loader.state == WorkerState.SUCCESS:
            self.attach(loader.result)
        return self.app.loaded
