"""Undoable actions: one user action is one entry on the undo stack, and all or nothing.

`@action(describe)` wraps a method of the service or one of its parts (anything with a `core`,
the records core of records_core.py); the core's `UndoHistory.recording()` collects the
before-images of every record the method writes (nested actions join the outer one) and rolls
them back if the method fails.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Protocol

UNDO_DEPTH = 100


@dataclass(frozen=True)
class Action:
    """One user action, with what undo needs to put back."""

    description: str
    # (table, id, before the action, after it) for every record the action wrote.
    changes: tuple[tuple[str, str, dict[str, Any] | None, dict[str, Any] | None], ...]


class Journaled(Protocol):
    """What the history needs of the database (store/database.py's `Database`)."""

    journal: list[tuple[str, str, dict[str, Any] | None]] | None

    def batch(self) -> Any: ...
    def rollback(self, journal: list[tuple[str, str, dict[str, Any] | None]]) -> None: ...
    def raw(self, table: str) -> dict[str, dict[str, Any]]: ...
    def revert_many(self, changes: Any) -> None: ...


def _copy_doc(doc: dict[str, Any] | None) -> dict[str, Any] | None:
    return dict(doc) if doc is not None else None


class UndoHistory:
    """This session's undo stack over one database."""

    def __init__(self, db: Journaled) -> None:
        self.db = db
        self._undo: list[Action] = []
        self._undone: list[Action] = []  # the latest undone steps (see `stands`)
        self._unrecorded = False

    @contextmanager
    def recording(self) -> Iterator[Callable[[str], None]]:
        # The lock first: another thread's action must wait, not join this one's undo step.
        with self.db.batch():
            if self.db.journal is not None:  # inside another action: it records for both
                yield lambda _description: None
                return
            description = ["change"]
            self.db.journal = []
            try:
                try:
                    yield lambda text: description.__setitem__(0, text)
                except BaseException:
                    # All or nothing: a failed action leaves no half-made change behind.
                    self.db.rollback(self.db.journal)
                    raise
            finally:
                journal, self.db.journal = self.db.journal, None
            if journal and not self._unrecorded:
                first: dict[tuple[str, str], dict[str, Any] | None] = {}
                for table, record_id, before in journal:
                    first.setdefault((table, record_id), before)
                raw = {table: self.db.raw(table) for table, _ in first}
                changes = tuple(
                    (table, record_id, before, _copy_doc(raw[table].get(record_id)))
                    for (table, record_id), before in first.items()
                )
                self._undo.append(Action(description[0], changes))
                del self._undo[:-UNDO_DEPTH]

    @contextmanager
    def unrecorded(self) -> Iterator[None]:
        """Actions inside are still all or nothing but are not undo steps (the dashboard's
        automatic re-timing at start must not be what the user's first `u` undoes)."""
        with self.db.batch():
            before, self._unrecorded = self._unrecorded, True
            try:
                yield
            finally:
                self._unrecorded = before

    @property
    def can_undo(self) -> bool:
        return bool(self._undo)

    @property
    def last_action(self) -> str | None:
        return self._undo[-1].description if self._undo else None

    @property
    def last_step(self) -> Action | None:
        """The last undoable step of this session (to ask later whether it still `stands`)."""
        return self._undo[-1] if self._undo else None

    def stands(self, step: Action | None) -> bool:
        """False once `step` was undone (`.` repeats only a decision that still stands)."""
        return step is not None and not any(a is step for a in self._undone)

    def undo(self) -> str | None:
        """Undo the last action of this session; returns what was undone (None: nothing to undo).

        The old values are written back with new stamps, so the undo reaches other machines too.
        """
        if not self._undo:
            return None
        last = self._undo.pop()
        self.db.revert_many(last.changes)
        self._undone.append(last)
        del self._undone[:-UNDO_DEPTH]
        return last.description

    def clear(self) -> None:
        """Forget the stack (a restore or a compaction made its before-images wrong)."""
        self._undo.clear()


def action(describe: Callable[..., str]):
    """Make a method one undoable action; `describe(result)` names it for the user. The method's
    object (the service, one of its parts) reaches the history through its `core`."""

    def wrap(method):
        @functools.wraps(method)
        def run(self, *args: Any, **kwargs: Any):
            with self.core.history.recording() as finish:
                result = method(self, *args, **kwargs)
                finish(describe(result))
                return result

        return run

    return wrap
