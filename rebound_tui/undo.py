"""Undoable actions: one user action is one entry on the undo stack, and all or nothing.

`@action(describe)` wraps a service method; the service's `_recording()` collects the
before-images of every record the method writes (nested actions join the outer one) and rolls
them back if the method fails.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

UNDO_DEPTH = 100


@dataclass(frozen=True)
class Action:
    """One user action, with what undo needs to put back."""

    description: str
    # (table, id, before the action, after it) for every record the action wrote.
    changes: tuple[tuple[str, str, dict[str, Any] | None, dict[str, Any] | None], ...]


def action(describe: Callable[..., str]):
    """Make a service method one undoable action; `describe(result)` names it for the user."""

    def wrap(method):
        @functools.wraps(method)
        def run(self, *args: Any, **kwargs: Any):
            with self._recording() as finish:
                result = method(self, *args, **kwargs)
                finish(describe(result))
                return result

        return run

    return wrap
