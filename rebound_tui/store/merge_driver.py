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

import contextlib
import mmap
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson

from rebound_tui.domain.clock import ahead_limit, system_ms
from rebound_tui.domain.merge import MergeError, merge3
from rebound_tui.store import checked
from rebound_tui.store.fileformat import META_TABLE, DataFileError, encode
from rebound_tui.store.files import FILE_MODE, atomic_write, write_pieces
from rebound_tui.store.fragments import Version, framed, sparse_copy, table_value
from rebound_tui.store.layout import Piece, Span


def _load(path: Path, *, optional: bool = False, beside: dict | None = None) -> dict | None:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        if optional:
            return None
        raise DataFileError(path, "does not exist") from None
    if optional and (not raw or raw.isspace()):
        return None  # git passes an empty ancestor when both sides added the file
    # A bad or future-stamped version: git marks a conflict. (Bytes this machine already
    # checked, say our own side, are not checked again: store/checked.py; nor are records the
    # same as in a version `beside` that passed: the versions differ in a few records.)
    return checked.decode_known(raw, path, strict=True, checked=beside)


def merge_files(base: Path, ours: Path, theirs: Path) -> None:
    """Write the merge of the three versions over `ours`; raise DataFileError if one is unusable."""
    if _merge_sparse(ours, theirs, base, ours, ours.stat().st_mode & 0o777):
        return
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
    if _merge_sparse(current1, current2, base, new, FILE_MODE):
        return
    one = _load(current1)
    two = _load(current2, beside=one)
    base_data = _load(base, optional=True, beside=one) if base is not None else None
    assert one is not None and two is not None
    try:
        merged = merge3(base_data, one, two, share=True)
    except MergeError as exc:
        raise DataFileError(current1, f"cannot merge with {current2}: {exc}") from None
    atomic_write(new, encode(merged), FILE_MODE)


def _merge_sparse(ours: Path, theirs: Path, base: Path | None, out: Path, mode: int) -> bool:
    """The merge written to `out` by reading only the records where the other versions' bytes
    differ from ours (`fragments.sparse_copy`), when ours is a file this machine checked and
    knows to be exactly what `encode` writes (git's own side, as a rule): the tables no version
    changed are copied from ours byte for byte, the others merged and encoded. The same bytes as
    the whole merge below (tests/test_merge_driver_sparse.py), without parsing the three
    versions, and with one version's bytes in memory at a time (ours is kept as its tables'
    hashes, its file open). False: not possible here (nothing written; the whole merge runs)."""
    if os.name == "nt":  # (Windows cannot replace a file that is open: the whole merge)
        return False
    try:
        fd = os.open(ours, os.O_RDONLY | getattr(os, "O_BINARY", 0))
    except OSError:
        return False
    try:
        return _merge_sparse_from(fd, ours, theirs, base, out, mode)
    finally:
        os.close(fd)


READ_BELOW = 1 << 16  # bytes: a file this small is read, not mapped


@contextlib.contextmanager
def _mapped(fd: int) -> Iterator[Any]:
    """The open file's bytes, mapped (not read: a mapping's pages leave memory when it is
    closed, where a 26 MB `bytes` freed can stay in the allocator's heap): one version in
    memory at a time. A small file is read."""
    size = os.fstat(fd).st_size
    if size < READ_BELOW or size == 0:
        yield os.pread(fd, size, 0) if hasattr(os, "pread") else os.read(fd, size)
        return
    with mmap.mmap(fd, 0, access=mmap.ACCESS_READ) as mapped:
        yield mapped


def _merge_sparse_from(
    fd: int, ours: Path, theirs: Path, base: Path | None, out: Path, mode: int
) -> bool:
    now = system_ms()
    limit = ahead_limit(now)
    with _mapped(fd) as raw:
        entry = checked.lookup(checked.digest_of(raw))
        if not checked.trusts(entry, limit, strict=True) or entry is None or not entry.exact:
            return False
        mine = Version.kept_open(raw, fd)
    if mine.tables is None:
        return False
    sides: list[dict[str, Any] | None] = []
    tops = [entry.max_stamp]
    for path in (base, theirs):
        if path is None:
            sides.append(None)
            continue
        try:
            other_fd = os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0))
        except FileNotFoundError:
            if path is base:
                sides.append(None)
                continue
            raise DataFileError(path, "does not exist") from None
        try:
            with _mapped(other_fd) as other:
                if path is base and isinstance(other, bytes) and not other.strip():
                    sides.append(None)  # git passes an empty ancestor when both added the file
                    continue
                read = sparse_copy(mine, Version(other), path, stamp_limit=limit, now_ms=now)
        finally:
            os.close(other_fd)
        if read is None:
            return False
        sides.append(read[0])
        tops.append(read[1] or "")
    changed = {t for side in sides if side for t, records in side.items() if records} - {META_TABLE}
    names = sorted(set(mine.tables) | changed)
    if any(not name.isascii() for name in names):
        return False  # (`encode` orders the tables by their UTF-8 bytes: kept simple)
    values: list[tuple[str, Piece]] = []
    for name in names:
        if name in changed:
            ours_table = orjson.loads(mine.value(name)) if name in mine.tables else {}
            parts = [
                {META_TABLE: {}, name: side.get(name, {})} if side is not None else None
                for side in sides
            ]
            try:
                merged = merge3(parts[0], {META_TABLE: {}, name: ours_table}, parts[1], share=True)
            except MergeError as exc:
                raise DataFileError(ours, f"cannot merge: {exc}") from None
            del ours_table
            if not merged[name]:
                continue  # an empty table is left out, as `encode` leaves it
            piece: Piece = table_value(name, merged[name])
        else:
            piece = Span(*mine.tables[name])
        values.append((name, piece))
    sig = write_pieces(out, framed(values), mode, source=fd)
    # What git commits: known here when next opened (its highest stamp is its versions'). Read
    # back a few megabytes at a time to hash it.
    checked.remember_file(out, sig, checked.Entry(max(tops), True, True))
    return True
