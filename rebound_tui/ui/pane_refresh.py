"""Showing the data after a change, without freezing the keys on a large file.

All three panes' rows come from one snapshot of the data (views.py). On a small file it is built
at once. On a large one (`LARGE_ROWS` companies and people or more; on the heavy benchmark file,
5,500 of them and 20,000 interactions, a build takes 150-250 ms) the due pane, where the
morning's keys land, is shown at once from the follow-ups alone, and the bullpen and network
rows are built in a "rows" worker thread and shown when ready (the keys work meanwhile); a
change made meanwhile is shown by a build after it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol

from textual.worker import Worker, WorkerState

from rebound_tui.rows import week_rows

if TYPE_CHECKING:
    from rebound_tui.service import Service
    from rebound_tui.ui.layout import PaneLayout
    from rebound_tui.ui.panes.bullpen import BullpenPane
    from rebound_tui.ui.panes.due import DuePane
    from rebound_tui.ui.panes.network import NetworkPane
    from rebound_tui.ui.store_worker import StoreWorker
    from rebound_tui.views import Snapshot, Views

__all__ = ["LARGE_ROWS", "PaneRefresh"]

# Companies and people from which the snapshot is rebuilt off the UI thread (~30 ms to build).
LARGE_ROWS = 1000


class RefreshHost(Protocol):
    service: Service
    views: Views
    bullpen: BullpenPane
    network: NetworkPane
    due: DuePane
    pane_layout: PaneLayout
    insights: Any
    store: StoreWorker

    def run_worker(self, work: Callable[[], Any], **options: Any) -> Worker[Any]: ...
    def set_day(self, day: dt.date) -> None: ...


class PaneRefresh:
    """Held by the app (`app.pane_refresh`); the app routes the "rows" workers' events here."""

    def __init__(self, app: RefreshHost) -> None:
        self.app = app
        self.shown: tuple[int, dt.date] | None = None  # the data and day all panes show
        self.building = False  # a "rows" worker is building the snapshot
        self.failed = False  # the last "rows" worker failed: build on the UI thread (says why)

    def show(self, *, force: bool = False) -> None:
        app = self.app
        key = (app.service.generation, app.service.today())
        if key == self.shown and not force:
            return
        snap = app.views.built(key)
        if snap is None and app.views.rows >= LARGE_ROWS and not self.failed:
            self._due_now(key[1])
            if not self.building:
                self.building = True
                app.run_worker(self._build, thread=True, group="rows", exit_on_error=False)
            return
        self._all(key, snap if snap is not None else app.views.snapshot)

    def worker_changed(self, event: Worker.StateChanged) -> bool:
        """A "rows" worker finished: show what it built (and build again if the data changed
        meanwhile). False: not one of ours."""
        if event.worker.group != "rows":
            return False
        if event.state in (WorkerState.SUCCESS, WorkerState.ERROR, WorkerState.CANCELLED):
            self.building = False
            self.failed = event.state == WorkerState.ERROR
            self.show()  # (after an error, on the UI thread: what fails there is reported)
            self.failed = False
        return True

    def _build(self) -> None:
        self.app.store.wait_for_commits()  # (the change just made is made durable first)
        with self.app.service.batch():  # a write waits for it instead of changing the data
            self.app.views.snapshot  # noqa: B018 (built and cached)

    def _due_now(self, day: dt.date) -> None:
        """The due pane from the follow-ups alone (a tenth of the snapshot's work)."""
        due, summary, upcoming, entries = self.app.views.due_first()
        self.app.due.show(due, summary, upcoming, week_rows(entries, day))
        self.app.set_day(day)

    def _all(self, key: tuple[int, dt.date], snap: Snapshot) -> None:
        app = self.app
        self.shown = key
        app.bullpen.set_rows(snap.bullpen)
        app.network.set_rows(snap.network)
        app.due.show(snap.due, snap.summary, snap.upcoming, snap.week(key[1]))
        app.pane_layout.fit()
        app.set_day(key[1])
        app.insights.soon(app.service)
