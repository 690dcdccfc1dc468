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

import hashlib
import os
from pathlib import Path
from typing import Any

import orjson

from rebound_tui.domain.clock import ahead_limit, system_ms
from rebound_tui.domain.merge import MergeError, merge3
from rebound_tui.store import checked
from rebound_tui.store.fileformat import META_TABLE, DataFileError, encode
from rebound_tui.store.files import FILE_MODE, atomic_write, write_pieces
from rebound_tui.store.fragments import Version, sparse_copy, table_value
from rebound_tui.store.layout import Piece, Span


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
    versions. False: not possible here (nothing written; the whole merge runs)."""
    try:
        raw = ours.read_bytes()
    except OSError:
        return False
    now = system_ms()
    limit = ahead_limit(now)
    entry = checked.lookup(checked.digest_of(raw))
    if not checked.trusts(entry, limit, strict=True) or entry is None or entry.exact is not True:
        return False
    mine = Version(raw)
    sides: list[dict[str, Any] | None] = []
    tops = [entry.max_stamp]
    for path in (base, theirs):
        if path is None:
            sides.append(None)
            continue
        try:
            other = path.read_bytes()
        except FileNotFoundError:
            if path is base:
                sides.append(None)
                continue
            raise DataFileError(path, "does not exist") from None
        if path is base and not other.strip():
            sides.append(None)  # git passes an empty ancestor when both sides added the file
            continue
        read = sparse_copy(mine, Version(other), path, stamp_limit=limit, now_ms=now)
        del other
        if read is None:
            return False
        sides.append(read[0])
        tops.append(read[1] or "")
    older, newer = sides
    assert mine.tables is not None and newer is not None
    changed = {t for side in sides if side for t, records in side.items() if records} - {META_TABLE}
    names = sorted(set(mine.tables) | changed)
    if any(not name.isascii() for name in names):
        return False  # (`encode` orders the tables by their UTF-8 bytes: kept simple)
    pieces: list[Piece] = [b"{\n"]
    hasher = hashlib.sha256(b"{\n")
    first = True
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
            if not merged[name]:
                continue  # an empty table is left out, as `encode` leaves it
            value: bytes | memoryview = table_value(name, merged[name])
            piece: Piece = value  # type: ignore[assignment]
        else:
            start, stop = mine.tables[name]
            value, piece = memoryview(raw)[start:stop], Span(start, stop)
        head = (b"" if first else b",\n") + b"  " + orjson.dumps(name) + b": "
        first = False
        pieces += [head, piece]
        hasher.update(head)
        hasher.update(value)
    pieces.append(b"\n}\n")
    hasher.update(b"\n}\n")
    fd = os.open(ours, os.O_RDONLY | getattr(os, "O_BINARY", 0))
    try:
        write_pieces(out, pieces, mode, source=fd)
    finally:
        os.close(fd)
    # What git commits: known here when next opened (its highest stamp is its versions').
    checked.remember(hasher.digest(), checked.Entry(max(tops), True, True))
    return True
