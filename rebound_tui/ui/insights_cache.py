"""The insights figures, computed ahead: `i` shows them at once (issue 16).

The figures take a while on a big file (about 0.2 s on the heavy benchmark file), so the app
holds one `InsightsCache` that computes them in a thread once the data has been quiet for
`IDLE` seconds after a new data generation (or a new day) is shown: the user is reading, not
typing. A key pressed while it waits starts the wait again, so the compute never lands in the
middle of a burst of keys. `i` then shows the cached figures; if they are still being
computed, the screen opens saying so and fills in when they arrive; if nothing was computed
yet (the file changed a moment ago), it computes them then.

The screen's module is imported only when the screen opens, so start-up does not pay for it.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from textual.app import App
    from textual.timer import Timer

    from rebound_tui.domain.insights import Insights
    from rebound_tui.service import Service
    from rebound_tui.ui.screens.insights import InsightsScreen

Key = tuple[int, dt.date]

IDLE = 2.0
"""Seconds without a data change or a key before the figures are computed ahead."""


class InsightsCache:
    def __init__(self, app: App[Any], idle: float = IDLE) -> None:
        self.app = app
        self.idle = idle
        self.key: Key | None = None  # what the cached figures are for
        self.figures: Insights | None = None
        self.computing: Key | None = None  # a thread is computing for this key
        self.computed = 0  # how many times the figures were computed (tests, benchmarks)
        self._timer: Timer | None = None
        self._waiting: InsightsScreen | None = None  # an open screen still counting

    # -- ahead of time ---------------------------------------------------------------------------
    def soon(self, service: Service) -> None:
        """The dashboard shows new data: compute its figures once it has been quiet a while."""
        if self.idle <= 0 or self._current(service) in (self.key, self.computing):
            return
        if self._timer is not None:
            self._timer.reset()
            return
        self._timer = self.app.set_timer(self.idle, lambda: self._ahead(service))

    def typed(self) -> None:
        """A key was pressed: the wait starts again (never compute in a burst of keys)."""
        if self._timer is not None:
            self._timer.reset()

    def _ahead(self, service: Service) -> None:
        self._timer = None
        key = self._current(service)
        if key not in (self.key, self.computing):
            self._start(service, key)

    # -- the screen ------------------------------------------------------------------------------
    def open(self, service: Service) -> None:
        """`i`: the screen, with the figures now, or as soon as they are computed."""
        from rebound_tui.ui.screens.insights import InsightsScreen

        if isinstance(self.app.screen, InsightsScreen):
            return
        key = self._current(service)
        cached = self.figures if self.key == key else None
        screen = InsightsScreen(cached)
        self.app.push_screen(screen)
        if cached is not None:
            return
        self._waiting = screen
        if self.computing != key:
            self._start(service, key)

    # -- computing -------------------------------------------------------------------------------
    @staticmethod
    def _current(service: Service) -> Key:
        return (service.generation, service.today())

    def _start(self, service: Service, key: Key) -> None:
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        self.computing = key

        def compute() -> None:
            figures = service.insights(on=key[1])
            self.app.call_from_thread(self._done, service, key, figures)

        self.app.run_worker(compute, thread=True, group="insights", exit_on_error=False)

    def _done(self, service: Service, key: Key, figures: Insights) -> None:
        if self.computing == key:
            self.computing = None
        self.computed += 1
        self.key, self.figures = key, figures
        screen, current = self._waiting, self._current(service)
        if screen is None or not screen.is_attached:
            self._waiting = None
            return
        if key == current:
            self._waiting = None
            screen.show(figures)
        elif self.computing != current:  # the data changed while counting: count again
            self._start(service, current)
