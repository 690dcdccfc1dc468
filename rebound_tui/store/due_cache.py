"""The first-screen cache: what the due pane shows, for one exact state of one data file.

Opening a large data file takes most of a second (parsing, checking every stamp); the dashboard's
first screen needs only the due pane. So the app keeps, in the user cache folder, one small file
per data file holding the open follow-ups as the due pane shows them and the theme. At start,
when the cache matches the data file, the due pane is painted from it at once and the data file
is opened in the background (the start-up facade, startup.py, decides what goes in and turns
what comes out into rows: this module stores plain values and knows nothing of rows or views).

A cache is used only for the exact state of the file it was written for: the same resolved path,
the same (device, inode, size, mtime, ctime), the same app version, cache format and entry
fields. A sync tool replacing the file, an edit by another process, a restored backup: each
changes the stat, so the cache is a miss and the normal start runs. It holds the open follow-ups
of the coming weeks, not one day's list, so it is right on any day up to its `until` day (the
morning start after yesterday's quit is the common case); later, it is a miss.

It is written only when the data in memory equals the file (after opening it, after a save with
no edit meanwhile), atomically. It is only a cache: failing to read or write it is silent.
Standard library only (the whole point is to be cheap to import).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import tempfile
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

FORMAT = 2
CACHE_DIR_ENV = "REBOUND_CACHE_DIR"  # else $REBOUND_LOCK_DIR, else the user cache folder
TZ_ENV = "REBOUND_TZ"  # the same variable as domain/dates.py reads

FileState = tuple[int, int, int, int, int]


def cache_dir() -> Path:
    folder = os.environ.get(CACHE_DIR_ENV) or os.environ.get("REBOUND_LOCK_DIR")
    if not folder:
        from platformdirs import user_cache_dir

        folder = user_cache_dir("rebound-tui")
    return Path(folder) / "first-screen"


def cache_path_for(path: Path) -> Path:
    """One cache file per data file, named by its resolved path. (A checksum is enough: the
    cache holds the path it is for, and is a miss for any other; hashlib would cost the start.)"""
    resolved = Path(path).resolve()
    key = f"{zlib.crc32(str(resolved).encode()):08x}"
    return cache_dir() / f"{resolved.stem[:40]}-{key}.json"


def file_state(path: Path) -> FileState | None:
    """What changes when the file is rewritten or replaced; None if it cannot be read."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)


def local_today() -> dt.date | None:
    """Today in the user's zone ($REBOUND_TZ, else the system's) without loading pendulum.

    None when the zone is unknown. A cache is written only when this agrees with the service's
    own day (domain/dates.py), so the two cannot disagree silently on a set-up they read
    differently.
    """
    name = os.environ.get(TZ_ENV, "").strip()
    if not name:
        return dt.datetime.now().astimezone().date()
    try:
        from zoneinfo import ZoneInfo

        return dt.datetime.now(ZoneInfo(name)).date()
    except (ValueError, LookupError, OSError):
        return None


@dataclass(frozen=True)
class Cached:
    """What a matching cache holds: the entries as plain values (one list per entry, in the
    order of the `fields` it was written with) and the theme."""

    entries: list[list[Any]]
    theme: str | None


def load(path: Path, today: dt.date, *, fields: Sequence[str], version: str) -> Cached | None:
    """The cache of `path` if it is for this exact file state, these entry `fields` and this
    app `version`, and still good on `today`; else None (no cache, or not this file)."""
    try:
        state = file_state(path)
        if state is None:
            return None
        doc = json.loads(cache_path_for(path).read_bytes())
        if (
            doc["format"] != FORMAT
            or doc["version"] != version
            or doc["path"] != str(Path(path).resolve())
            or tuple(doc["state"]) != state
            or doc["fields"] != list(fields)
            or not isinstance(doc["until"], str)
            or today.isoformat() > doc["until"]
        ):
            return None
        entries = doc["entries"]
        theme = doc["theme"]
        if not isinstance(entries, list) or not all(
            isinstance(e, list) and len(e) == len(fields) for e in entries
        ):
            return None
        if theme is not None and not isinstance(theme, str):
            return None
        return Cached(entries=entries, theme=theme)
    except Exception:  # a cache is never a reason to fail: a miss, and the normal start runs
        return None


def save(
    path: Path,
    state: FileState | None,
    entries: Sequence[Sequence[Any]],
    theme: str | None,
    *,
    fields: Sequence[str],
    until: dt.date,
    version: str,
) -> bool:
    """Remember `entries` (plain JSON values, in the order of `fields`) and `theme` for `path`
    in the state `state` (taken right after the read or write the entries describe), good up to
    the day `until`. True if written; never raises."""
    if state is None or state[3] % 1_000_000_000 == 0:
        # No state, or whole-second file times (FAT, exFAT, HFS+): a rewrite within the same
        # second could keep the same state, so such a file is never cached.
        return False
    tmp = None
    try:
        target = cache_path_for(path)
        target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        doc = {
            "format": FORMAT,
            "version": version,
            "path": str(Path(path).resolve()),
            "state": list(state),
            "theme": theme if isinstance(theme, str) else None,
            "fields": list(fields),
            "until": until.isoformat(),
            "entries": [list(e) for e in entries],
        }
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".", suffix=".tmp")  # mode 0600
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump(doc, out, ensure_ascii=False, separators=(",", ":"))
        os.replace(tmp, target)
        return True
    except Exception:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        return False
