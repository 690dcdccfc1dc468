"""The data file as a whole, for the faces: checking it, restoring over a broken one, the git
and unison merge programs, the way out of a bad file, and writing export files safely.

These work on files rather than on the open data, so they are not `Service` methods; the CLI and
the dashboard reach them here instead of importing the store (an import-linter contract in
pyproject.toml holds the faces to that). The store is imported when a function runs, so importing
this module costs nothing at start-up.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from rebound_tui.errors import DataFileError

if TYPE_CHECKING:
    from rebound_tui.store.backups import Backup
    from rebound_tui.store.check import CheckReport

EXPORT_MODE = 0o600  # personal data: readable by the user only


def describe_bad_file(exc: DataFileError) -> str:
    """The error plus where the newest good backup is, so the user knows the way out."""
    from rebound_tui.store.backups import Backups
    from rebound_tui.store.fileformat import decode

    def good(raw: bytes) -> bool:
        try:
            decode(raw, exc.path)
        except DataFileError:
            return False
        return True

    text = str(exc)
    try:
        newest = Backups(exc.path).newest(good)
    except OSError:
        newest = None
    if newest is not None:
        import os
        import shlex

        words = ["rebound-tui", "restore", newest.path.name, "--db", str(exc.path)]
        if os.environ.get("REBOUND_BACKUPS", "").strip():  # --backups or the variable: keep it
            words += ["--backups", os.environ["REBOUND_BACKUPS"]]
        command = shlex.join(words)
        text += f". Newest good backup: {newest.path} (restore it with: {command})"
    return text


def check_file(path: Path) -> CheckReport:
    """Every problem of the data file at `path`, without opening it for writing."""
    from rebound_tui.store.check import check_file as check

    return check(path)


def restore_over_broken(path: Path, name: str) -> tuple[Backup, Path | None]:
    """Put the backup `name` in place of an unreadable data file, keeping the broken one."""
    from rebound_tui.store.restore import restore_over_broken as restore

    return restore(path, name)


def merge_files(base: Path, ours: Path, theirs: Path) -> None:
    """git's merge driver: write the merge of the three versions over `ours`; raises
    DataFileError if one is unusable."""
    from rebound_tui.store.merge_driver import merge_files as merge

    merge(base, ours, theirs)


def merge_to(new: Path, current1: Path, current2: Path, base: Path | None = None) -> None:
    """unison's merge program: write the merge of two versions (and their last common one, if
    any) to `new`; raises DataFileError if one is unusable."""
    from rebound_tui.store.merge_driver import merge_to as merge

    merge(new, current1, current2, base)


def atomic_write(path: Path, raw: bytes, mode: int = EXPORT_MODE) -> None:
    """Write an export file whole or not at all (temp file, fsync, rename), private by default."""
    from rebound_tui.store.files import atomic_write as write

    write(path, raw, mode)


def read_early(path: Path) -> None:
    """A command will open `path` first thing: read it now, before the service is imported, and
    start its check if it looks new here (store/early_read.py)."""
    from rebound_tui.store import early_read

    early_read.prepare(path, early_read.Reading(path))  # (read while `prepare` imports)
