"""Opening the data for the dashboard, and keeping its first screen in the cache.

The first-screen cache (store/due_cache.py) must only ever describe the file as it is on disk:
it is written from data that equals the file (just read, or just saved with no edit meanwhile),
with the signature the storage took of exactly the bytes it read or wrote (`disk_state`).
These helpers are where the dashboard does that; they run off the UI thread (the loader, the
store worker, after the app quit).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from rebound_tui.store import due_cache

if TYPE_CHECKING:
    from collections.abc import Sequence

    from rebound_tui.rows import DueEntry
    from rebound_tui.service import Service
    from rebound_tui.store.due_cache import FileState


def open_service(path: Path) -> tuple[Service, FileState | None]:
    """The service on `path`, and the state of the file it read (None: nothing to cache)."""
    from rebound_tui.service import Service

    service = Service.open(path)
    return service, service.disk_state()


def remember(service: Service, entries: Sequence[DueEntry], state: FileState | None) -> bool:
    """Keep `entries` (the data in the file state `state`) as the first screen of next time.

    Not written when the cache's own idea of today (no pendulum) disagrees with the service's:
    then the cached rows could be those of another day.
    """
    today = service.today()
    if state is None or due_cache.local_today() != today:
        return False
    theme = service.setting("theme")
    theme = theme if isinstance(theme, str) else None
    return due_cache.save(service.path, state, entries, theme, written_on=today)


def remember_saved(service: Service, last: FileState | None = None) -> FileState | None:
    """Right after a save: remember the first screen if memory equals the file (no edit since).

    Returns the file state remembered (or `last` when it was already the one remembered).
    """
    from rebound_tui.views import due_entries

    with service.batch():  # no edit can slip in between the check, the stat and the entries
        if service.unsaved:
            return last
        state = service.disk_state()  # the file exactly as saved: not a later stat of the path
        if state is None or state == last:
            return last
        entries = due_entries(service)
    return state if remember(service, entries, state) else last
