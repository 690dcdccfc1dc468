"""Start-up for the dashboard: read the first-screen cache, open the data, keep the cache.

The one door the UI goes through to start (so it never imports the store): `first_screen()`
reads the cache (store/due_cache.py) and turns its plain values into the due pane's rows, and
without one `first_screen_from_file()` makes them from the three tables they need, read before
the rest of the file;
`open_data()` opens the service; `remember()` and `remember_saved()` write the cache.

The cache must only ever describe the file as it is on disk: it is written from data that equals
the file (just read, or just saved with no edit meanwhile), with the signature the storage took of
exactly the bytes it read or wrote (`service.disk_state()`). Those writes run off the UI thread
(the loader, the store worker, after the app quit).

Cheap to import: the standard library, the cache and the row types only. The service (TinyDB,
pendulum) is imported when the data is opened, after the cached first paint.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rebound_tui import __version__
from rebound_tui.rows import (
    ENTRY_FIELDS,
    UPCOMING_LIMIT,
    WEEK_DAYS,
    DueEntry,
    DueRow,
    DueSummary,
    day_text,
    due_lists,
)
from rebound_tui.store import due_cache
from rebound_tui.store.due_cache import FileState

if TYPE_CHECKING:
    from rebound_tui.service import Service

__all__ = [
    "HORIZON_DAYS",
    "FileState",
    "FirstScreen",
    "first_screen",
    "first_screen_from_file",
    "local_today",
    "open_data",
    "open_demo",
    "remember",
    "remember_saved",
    "write_first_screen",
]

# A cache holds the follow-ups due up to this many days after it was written (and the first few
# after that, for the "next up" lines), so it stays small; it serves until a week before that.
HORIZON_DAYS = 35


@dataclass(frozen=True)
class FirstScreen:
    """What the due pane paints from the cache, on one day."""

    due: list[DueRow]
    summary: DueSummary
    upcoming: list[DueRow]
    theme: str | None
    source: str = "cache"  # or "file": made from the file's tables (first_screen_from_file)


def local_today() -> dt.date | None:
    """Today as the cache sees it (without pendulum); None when the time zone is unknown."""
    return due_cache.local_today()


def first_screen(path: Path, today: dt.date, *, version: str = __version__) -> FirstScreen | None:
    """The due pane for `today` from the cache of `path`, or None (no cache, or not this file)."""
    cached = due_cache.load(path, today, fields=ENTRY_FIELDS, version=version)
    if cached is None:
        return None
    try:
        entries = [DueEntry.from_values(values) for values in cached.entries]
        return FirstScreen(*due_lists(entries, today), theme=cached.theme)
    except Exception:  # a damaged cache is a miss, never a reason to fail the start
        return None


def first_screen_from_file(path: Path, today: dt.date) -> FirstScreen | None:
    """The due pane for `today` from the follow-ups, companies and contacts of `path`, read
    before the rest of the file (store/partial_read.py): a first start with no cache paints
    this, then opens the whole file in a thread. None when the file cannot be read so (the
    whole open then says why)."""
    from rebound_tui.domain import record
    from rebound_tui.domain.model import Company, Contact, FollowUp
    from rebound_tui.rows import due_entries
    from rebound_tui.store.partial_read import read_tables

    names = (FollowUp.TABLE, Company.TABLE, Contact.TABLE, "settings")
    tables = read_tables(path, names, keep=True)  # (the whole open takes them: not parsed twice)
    if tables is None:
        return None

    def company_of(record_id: str | None) -> Company | None:
        doc = tables.get(Company.TABLE, record_id)
        if doc is None or not record.is_live(doc):
            return None
        return Company.from_doc(record_id, doc)  # type: ignore[arg-type,return-value]

    def name_of(table: str, record_id: str | None) -> str | None:
        doc = tables.get(table, record_id)
        return doc.get("name") if doc else None

    def maybe_open(doc: Any) -> bool:
        """Could be an open follow-up (read before its check: any value)."""
        return type(doc) is dict and doc.get("status", "open") == "open"

    try:
        # Only the open ones are read (and checked): a seventh of them on the heavy file.
        candidates = tables.where(FollowUp.TABLE, maybe_open)
        live = (FollowUp.from_doc(i, d) for i, d in candidates if record.is_live(d))
        open_ones = [f for f in live if f.is_open]  # type: ignore[attr-defined]
        open_ones.sort(key=lambda f: (f.due, f.title.lower()))  # type: ignore[attr-defined]
        entries = due_entries(open_ones, company_of, name_of)  # type: ignore[arg-type]
        theme = tables.get("settings", "theme")
        value = theme.get("value") if theme and record.is_live(theme) else None
        chosen = value if isinstance(value, str) else None
        return FirstScreen(*due_lists(entries, today), theme=chosen, source="file")
    except Exception:  # a record that fails its check (Unreadable), or anything unforeseen:
        return None  # never a reason to fail the start (the whole open says what is wrong)


def write_first_screen(
    path: Path,
    state: FileState | None,
    entries: Sequence[DueEntry],
    theme: str | None,
    *,
    written_on: dt.date,
    version: str = __version__,
) -> bool:
    """Keep the due pane of `path` in the file state `state`, as of `written_on`: the entries
    due within `HORIZON_DAYS` plus the first few after. For any day up to a week before the
    horizon, the due rows, the week's count and the next few items are then the same as from all
    of them. True if written; never raises."""
    kept = _within_horizon(entries, written_on)
    until = written_on + dt.timedelta(days=HORIZON_DAYS - WEEK_DAYS)
    return due_cache.save(
        path,
        state,
        [e.values() for e in kept],
        theme,
        fields=ENTRY_FIELDS,
        until=until,
        version=version,
    )


def _within_horizon(entries: Sequence[DueEntry], written_on: dt.date) -> list[DueEntry]:
    """`entries` (in `entry_order`: by due day) due by the horizon, and the next few after."""
    horizon = day_text(written_on + dt.timedelta(days=HORIZON_DAYS))
    kept = [e for e in entries if e.due <= horizon]
    return kept + [e for e in entries if e.due > horizon][:UPCOMING_LIMIT]


# -- opening the data ----------------------------------------------------------------------------
def open_data(path: Path) -> tuple[Service, FileState | None]:
    """The service on `path`, and the state of the file it read (None: nothing to cache).

    For the dashboard, which keeps what it read until it quits or a newer version replaces it:
    the first load is `resident` (the collector never walks it; the app froze it right after
    this anyway, but the collections during the load had already walked it twice)."""
    from rebound_tui.service import Service

    service = Service.open(path, resident=True)
    return service, service.disk_state()


def open_demo(folder: Path | None = None) -> Service:
    """The service on a throwaway copy of the demo data, moved so that its anchor is today."""
    import tempfile

    from rebound_tui.demo import make_demo_copy
    from rebound_tui.domain import dates
    from rebound_tui.service import Service

    folder = folder if folder is not None else Path(tempfile.mkdtemp(prefix="rebound-demo-"))
    return Service.open(make_demo_copy(folder, dates.today()))


# -- keeping the first screen --------------------------------------------------------------------
def remember(service: Service, entries: Sequence[DueEntry], state: FileState | None) -> bool:
    """Keep `entries` (the data in the file state `state`) as the first screen of next time.

    Not written when the cache's own idea of today (no pendulum) disagrees with the service's:
    then the cached rows could be those of another day.
    """
    today = service.today()
    if state is None or local_today() != today:
        return False
    theme = service.setting("theme")
    theme = theme if isinstance(theme, str) else None
    return write_first_screen(service.path, state, entries, theme, written_on=today)


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
