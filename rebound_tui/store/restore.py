"""Restoring a backup over a data file that cannot be opened at all.

When the file is readable, the service restores through stamped edits (so the restore syncs).
When it is broken (truncated, not JSON...), there is nothing to merge with: the broken bytes are
kept in this machine's backup folder under `broken/`, then the backup is written over the file
atomically.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from rebound_tui.store.backups import Backup, Backups, make_private_dirs
from rebound_tui.store.fileformat import decode
from rebound_tui.store.files import FILE_MODE, atomic_write


def restore_over_broken(path: Path, name: str) -> tuple[Backup, Path | None]:
    """Write backup `name` over `path`; returns the backup and where the broken file was kept."""
    backups = Backups(path)
    backup = backups.find(name)
    raw = backup.path.read_bytes()
    decode(raw, backup.path)  # never restore a bad backup
    kept = None
    if path.exists():
        folder = backups.broken_dir
        make_private_dirs(folder)
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%f")
        kept = folder / f"{path.stem}-broken-{stamp}{path.suffix}"
        atomic_write(kept, path.read_bytes(), FILE_MODE)
    atomic_write(path, raw, FILE_MODE)
    return backup, kept
