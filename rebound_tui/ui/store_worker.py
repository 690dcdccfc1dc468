"""The app's disk work: saving, noticing a version synced in, merging conflict copies.

It runs in one "store" worker thread at a time, never on the UI thread (except the last save on
quit). Each change is first made durable in this machine's journal, on the UI thread right
after it (a few ms: store/journal.py), or by a "commit" worker when another process holds the
file's lock; the file is rewritten once the changes pause. The store worker also re-times the
keep-in-touch check-ins (`service.cadence_sync()`) when the app starts and after a refresh
merged in data from another machine, so a check-in follows touches logged elsewhere; what it
changes is saved in the same run. After a save with no edit meanwhile it keeps the due pane in
the first-screen cache for the next start (startup.py).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING, Any, Protocol

from textual.worker import Worker, WorkerState

if TYPE_CHECKING:
    from textual.timer import Timer
    from textual.worker_manager import WorkerManager

    from rebound_tui.service import Service


def store_errors() -> tuple[type[Exception], ...]:
    """What disk work raises that the app shows (imported when the data is open)."""
    from rebound_tui.errors import DataFileError, SaveError

    return (SaveError, DataFileError, OSError)


@dataclass
class StoreOutcome:
    """What a store worker did, reported back to the UI thread."""

    saved: bool = False
    synced: int = 0  # check-ins created or re-timed by the cadence sync
    messages: list[str] = field(default_factory=list)
    error: str | None = None


class StoreHost(Protocol):
    """What the store worker asks of the app."""

    service: Service
    importing: bool  # an import thread holds the data: the worker waits
    cache_first_screen: bool
    save_delay: float
    workers: WorkerManager

    def run_worker(self, work: Callable[[], Any], **options: Any) -> Worker[Any]: ...
    def set_timer(self, delay: float, callback: Callable[[], Any]) -> Timer: ...
    def call_later(self, callback: Callable[..., Any], *args: Any, **kwargs: Any) -> bool: ...
    def notify(
        self, message: str, *, title: str = "", severity: Any = ..., timeout: Any = ...
    ) -> None: ...
    def refresh_panes(self, *, force: bool = False) -> None: ...


class StoreWorker:
    """Held by the app (`app.store`): schedules and runs the store worker, shows what it
    reports. The app routes the "store" group's worker events to `state_changed`."""

    def __init__(self, app: StoreHost) -> None:
        self.app = app
        self.unsaved = False  # a change not written yet
        self.save_pending = False  # a save asked for while the worker (or an import) ran
        self.sync_pending = False
        self.save_timer: Timer | None = None
        self.last_error: str | None = None
        self.quit_anyway = False  # saving failed: the next q quits without saving
        self.sync_seen: set[str] = set()
        self.remembered: Any = None  # the file state last cached
        # Journal appends asked for and not done yet (`wait_for_commits`).
        self._committing = 0
        self._commit_done = threading.Condition()

    def poll(self) -> None:
        """Look for a version synced in (and save what is unsaved)."""
        self._run_store(save=self.unsaved)

    def schedule_save(self) -> None:
        """Make the change durable now (the journal: store/journal.py) and save the file soon:
        several quick changes make one write of the file.

        The journal's append runs here, on the UI thread, right after the change (a few ms:
        one fsync of a small file), so that a crash a moment later loses nothing; only if
        another process holds the file's lock does it wait for it in a worker thread."""
        self.unsaved = True
        if not self.app.importing and not self._commit_now():
            with self._commit_done:
                self._committing += 1
            self.app.run_worker(
                self._commit_work, name="_commit", thread=True, group="commit", exit_on_error=False
            )
        if self.save_timer is not None:
            self.save_timer.stop()
            self.save_timer = None
        if self.app.save_delay <= 0:
            self.app.call_later(self._run_store, save=True)
        else:
            self.save_timer = self.app.set_timer(
                self.app.save_delay, lambda: self._run_store(save=True)
            )

    def sync_cadences_soon(self) -> None:
        """Re-time the check-ins in the store worker (at start; the worker saves what changed)."""
        self.sync_pending = True
        self._run_store(save=self.unsaved)

    def _store_busy(self) -> bool:
        return self.app.importing or any(
            w.group == "store" and w.is_running for w in self.app.workers
        )

    def _run_store(self, *, save: bool) -> None:
        if self._store_busy():
            self.save_pending = self.save_pending or save
            return
        sync, self.sync_pending = self.sync_pending, False
        self._store(save, sync)

    def _store(self, save: bool, sync: bool = False) -> None:
        self.app.run_worker(
            partial(self._store_work, save, sync),
            name="_store",
            thread=True,
            exclusive=True,
            group="store",
            exit_on_error=False,
        )

    def _commit_now(self) -> bool:
        """The journal's append without waiting for another process; False: not done."""
        try:
            return self.app.service.commit(wait=0)
        except store_errors():
            return False

    def _commit_work(self) -> None:
        """The journal's append: if it fails, the save that follows says why."""
        try:
            self.app.service.commit()
        except store_errors():
            pass
        finally:
            with self._commit_done:
                self._committing -= 1
                self._commit_done.notify_all()

    def wait_for_commits(self, timeout: float = 1.0) -> None:
        """Let the journal appends asked for so far go first: work that holds the data lock for
        long (the panes' rows on a large file) would keep a change from being durable."""
        with self._commit_done:
            self._commit_done.wait_for(lambda: self._committing <= 0, timeout)

    def _store_work(self, save: bool, sync: bool = False) -> StoreOutcome:
        """Save (which merges what is on disk first) or look for a version synced in."""
        from rebound_tui.startup import remember_saved

        outcome = StoreOutcome()
        service = self.app.service
        try:
            if not save and service.refresh():
                sync = True  # another machine's touches may move a check-in
                # Memory holds what the version merged in lacks (an older-based version synced
                # over our last save): write it back now, not at the next edit.
                save = service.unsaved
            if sync:
                outcome.synced = self._cadence_sync()
            if save or outcome.synced:
                self.unsaved = False
                outcome.saved = service.save()
                if self.app.cache_first_screen:
                    self.remembered = remember_saved(service, self.remembered)
            outcome.messages = list(service.sync_conflicts())
        except store_errors() as exc:
            if save or outcome.synced:
                self.unsaved = True
            outcome.error = str(exc)
        return outcome

    def _cadence_sync(self) -> int:
        """How many check-ins the sync changed. Holds the data lock throughout, so a change the
        user makes meanwhile waits for it instead of joining its undo step."""
        from rebound_tui.service import ServiceError

        try:
            with self.app.service.unrecorded():  # automatic: not an undo step of the user's
                # One plan for a rejection recorded on two machines, then the check-ins.
                merged = self.app.service.merge_duplicate_rejections()
                return merged + len(self.app.service.cadence_sync())
        except ServiceError:
            return 0  # a rule the user broke: the playbook screen says so

    def state_changed(self, event: Worker.StateChanged) -> None:
        worker = event.worker
        if worker.group != "store" or event.state not in (
            WorkerState.SUCCESS,
            WorkerState.ERROR,
        ):
            return
        if event.state == WorkerState.ERROR:
            self._store_problem(f"could not reach the data file: {worker.error}")
        else:
            outcome: StoreOutcome = worker.result  # type: ignore[assignment]
            if outcome.error:
                self._store_problem(outcome.error)
            else:
                self.last_error = None
                self.quit_anyway = False  # saving works again: quitting saves as usual
            for message in outcome.messages:
                if message not in self.sync_seen:  # a copy left alone is reported once
                    self.sync_seen.add(message)
                    self.app.notify(message, title="Sync", timeout=8)
        self.app.refresh_panes()
        self.finished()

    def finished(self) -> None:
        """Run what waited for the worker (a save asked for meanwhile)."""
        if self.save_pending or self.sync_pending:
            save, self.save_pending = self.save_pending, False
            self._run_store(save=save or self.unsaved)

    def save_before_quit(self) -> bool:
        """The last save, on the UI thread: it must finish before the process ends. On a
        failure, say so; the next q quits without saving (False)."""
        try:
            self.app.service.save()
        except store_errors() as exc:
            self.quit_anyway = True
            self.app.notify(
                f"{exc}\nPress q again to quit anyway (your last changes would be lost).",
                title="Not saved",
                severity="error",
                timeout=30,
            )
            return False
        return True

    def _store_problem(self, text: str) -> None:
        if text != self.last_error:  # the poll would repeat it every second
            self.last_error = text
            self.app.notify(text, title="Data file", severity="error", timeout=15)
