"""The app's disk work: saving, noticing a version synced in, merging conflict copies.

It runs in one "store" worker thread at a time, never on the UI thread (except the last save on
quit). The same worker re-times the keep-in-touch check-ins (`service.cadence_sync()`) when the
app starts and after a refresh merged in data from another machine, so a check-in follows touches
logged elsewhere; what it changes is saved in the same run. After a save with no edit meanwhile
it keeps the due pane in the first-screen cache for the next start (startup.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from textual import work
from textual.worker import Worker, WorkerState

if TYPE_CHECKING:
    from rebound_tui.ui.app import ReboundApp


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


class StoreWorker:
    """Mixed into ReboundApp: schedules and runs the store worker, shows what it reports."""

    def poll_disk(self: ReboundApp) -> None:
        if self.service.today() != (self._shown or (None, None))[1]:
            self.refresh_panes()
        self._run_store(save=self._unsaved)

    def schedule_save(self: ReboundApp) -> None:
        """Save soon: several quick changes make one write."""
        self._unsaved = True
        if self._save_timer is not None:
            self._save_timer.stop()
            self._save_timer = None
        if self.save_delay <= 0:
            self.call_later(self._run_store, save=True)
        else:
            self._save_timer = self.set_timer(self.save_delay, lambda: self._run_store(save=True))

    def sync_cadences_soon(self: ReboundApp) -> None:
        """Re-time the check-ins in the store worker (at start; the worker saves what changed)."""
        self._sync_pending = True
        self._run_store(save=self._unsaved)

    def _store_busy(self: ReboundApp) -> bool:
        return self.importing or any(w.group == "store" and w.is_running for w in self.workers)

    def _run_store(self: ReboundApp, *, save: bool) -> None:
        if self._store_busy():
            self._save_pending = self._save_pending or save
            return
        sync, self._sync_pending = self._sync_pending, False
        self._store(save, sync)

    @work(thread=True, exclusive=True, group="store", exit_on_error=False)
    def _store(self: ReboundApp, save: bool, sync: bool = False) -> StoreOutcome:
        """Save (which merges what is on disk first) or look for a version synced in."""
        from rebound_tui.startup import remember_saved

        outcome = StoreOutcome()
        service = self.service
        try:
            if not save and service.refresh():
                sync = True  # another machine's touches may move a check-in
                # Memory holds what the version merged in lacks (an older-based version synced
                # over our last save): write it back now, not at the next edit.
                save = service.unsaved
            if sync:
                outcome.synced = self._cadence_sync()
            if save or outcome.synced:
                self._unsaved = False
                outcome.saved = service.save()
                if self.cache_first_screen:
                    self._remembered = remember_saved(service, self._remembered)
            outcome.messages = list(service.sync_conflicts())
        except store_errors() as exc:
            if save or outcome.synced:
                self._unsaved = True
            outcome.error = str(exc)
        return outcome

    def _cadence_sync(self: ReboundApp) -> int:
        """How many check-ins the sync changed. Holds the data lock throughout, so a change the
        user makes meanwhile waits for it instead of joining its undo step."""
        from rebound_tui.service import ServiceError

        try:
            with self.service.unrecorded():  # automatic: not an undo step of the user's
                return len(self.service.cadence_sync())
        except ServiceError:
            return 0  # a rule the user broke: the playbook screen says so

    def store_state_changed(self: ReboundApp, event: Worker.StateChanged) -> None:
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
                self._last_store_error = None
                self._quit_anyway = False  # saving works again: quitting saves as usual
            for message in outcome.messages:
                if message not in self._sync_seen:  # a copy left alone is reported once
                    self._sync_seen.add(message)
                    self.notify(message, title="Sync", timeout=8)
        self.refresh_panes()
        self.store_finished()

    def store_finished(self: ReboundApp) -> None:
        """Run what waited for the worker (a save asked for meanwhile)."""
        if self._save_pending or self._sync_pending:
            save, self._save_pending = self._save_pending, False
            self._run_store(save=save or self._unsaved)

    def _store_problem(self: ReboundApp, text: str) -> None:
        if text != self._last_store_error:  # the poll would repeat it every second
            self._last_store_error = text
            self.notify(text, title="Data file", severity="error", timeout=15)
