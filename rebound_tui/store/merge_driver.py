"""Merge drivers for git and unison: merge versions of the data file record by record.

git, installed with two lines (README, 'Git'):
    .gitattributes:  rebound.json merge=rebound
    git config merge.rebound.driver "rebound-tui merge-driver %O %A %B"
git then calls us with the ancestor, our version (where the result goes) and theirs.

unison, one line in the profile (docs/SYNC.md):
    merge = Name rebound.json -> rebound-tui unison-merge CURRENT1 CURRENT2 CURRENTARCHOPT NEW
unison calls us with its two current versions, the last synchronised one (CURRENTARCHOPT: empty,
or left out, when unison has none) and the name of the file to write the result to; it then
copies that result to both replicas.
"""

from __future__ import annotations

from pathlib import Path

from rebound_tui.domain.merge import MergeError, merge3
from rebound_tui.store import checked
from rebound_tui.store.fileformat import DataFileError, encode
from rebound_tui.store.files import FILE_MODE, atomic_write


def _load(path: Path, *, optional: bool = False, beside: dict | None = None) -> dict | None:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        if optional:
            return None
        raise DataFileError(path, "does not exist") from None
    if optional and not raw.strip():
        return None  # git passes an empty ancestor when both sides added the file
    # A bad or future-stamped version: git marks a conflict. (Bytes this machine already
    # checked, say our own side, are not checked again: store/checked.py; nor are records the
    # same as in a version `beside` that passed: the versions differ in a few records.)
    return checked.decode_known(raw, path, strict=True, checked=beside)


def merge_files(base: Path, ours: Path, theirs: Path) -> None:
    """Write the merge of the three versions over `ours`; raise DataFileError if one is unusable."""
    ours_data = _load(ours)
    theirs_data = _load(theirs, beside=ours_data)
    base_data = _load(base, optional=True, beside=ours_data)
    assert ours_data is not None and theirs_data is not None
    try:
        merged = merge3(base_data, ours_data, theirs_data, share=True)
    except MergeError as exc:
        raise DataFileError(ours, f"cannot merge: {exc}") from None
    mode = ours.stat().st_mode & 0o777
    raw = encode(merged)
    atomic_write(ours, raw, mode)
    checked.remember_written(raw, merged)  # what git commits: known here when next opened


def merge_to(new: Path, current1: Path, current2: Path, base: Path | None = None) -> None:
    """Write the merge of two versions (and their last common one, if any) to `new`."""
    one = _load(current1)
    two = _load(current2, beside=one)
    base_data = _load(base, optional=True, beside=one) if base is not None else None
    assert one is not None and two is not None
    try:
        merged = merge3(base_data, one, two, share=True)
    except MergeError as exc:
        raise DataFileError(current1, f"cannot merge with {current2}: {exc}") from None
    atomic_write(new, encode(merged), FILE_MODE)
