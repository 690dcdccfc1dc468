"""A git merge driver: merge three versions of the data file record by record.

Installed with two lines (README, 'Git'):
    .gitattributes:  rebound.json merge=rebound
    git config merge.rebound.driver "rebound-tui merge-driver %O %A %B"
git then calls us with the ancestor, our version (where the result goes) and theirs.
"""

from __future__ import annotations

from pathlib import Path

from rebound_tui.domain.merge import MergeError, merge3
from rebound_tui.store.fileformat import DataFileError, decode, encode
from rebound_tui.store.files import atomic_write


def _load(path: Path, *, optional: bool = False) -> dict | None:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        if optional:
            return None
        raise DataFileError(path, "does not exist") from None
    if optional and not raw.strip():
        return None  # git passes an empty ancestor when both sides added the file
    return decode(raw, path, strict=True)  # a bad or future-stamped version: git marks a conflict


def merge_files(base: Path, ours: Path, theirs: Path) -> None:
    """Write the merge of the three versions over `ours`; raise DataFileError if one is unusable."""
    ours_data = _load(ours)
    theirs_data = _load(theirs)
    base_data = _load(base, optional=True)
    assert ours_data is not None and theirs_data is not None
    try:
        merged = merge3(base_data, ours_data, theirs_data, share=True)
    except MergeError as exc:
        raise DataFileError(ours, f"cannot merge: {exc}") from None
    mode = ours.stat().st_mode & 0o777
    atomic_write(ours, encode(merged), mode)
