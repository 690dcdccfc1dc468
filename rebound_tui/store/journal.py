"""The journal: an edit is safe on disk in milliseconds, before the data file is rewritten.

Rewriting the data file is the only way to change it safely (temp file, fsync, rename): on the
26 MB benchmark file that takes about 30 ms, however small the edit. So the dashboard first
appends the records an edit changed to a small journal file and fsyncs it (`commit`, about a
millisecond), and rewrites the data file a moment later, once for several quick edits.

The journal lives on this machine only, never in the synced folder (one per data file, in the
user state folder: `journal_folder`), so the synced folder still holds one file. Each line is a
small data file of its own, compact JSON: the meta record and the changed records, stamps and
all. The journal is merged into memory like a conflict copy: at every load, and at every save
under the inter-process lock, which removes it once the data file holds it. Merging keeps each
field's newest write, so a line merged twice, or after newer edits, changes nothing. A crash
between the append and the rewrite leaves the edit in the journal; the next start (dashboard or
command) merges it back.

A line cut short by a crash mid-append (no newline at its end) was never reported durable: it is
left out, and the next append cuts it off first. Any other line that is not a valid data file of
this database stops the load with a message naming the journal (nothing is thrown away).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import orjson

from rebound_tui.domain.merge import max_stamp, merge_databases
from rebound_tui.domain.schema import safe_name
from rebound_tui.store.backups import make_private_dirs
from rebound_tui.store.fileformat import META_TABLE, DataFileError, db_id_of, decode
from rebound_tui.store.files import FILE_MODE, read_at, write_all
from rebound_tui.store.layout import SMALL_TABLE, changed_ids
from rebound_tui.store.sparse_table import SparseTable

SUFFIX = ".journal"


def journal_folder() -> Path:
    """This machine's journals: beside the lock files when $REBOUND_LOCK_DIR moves them (tests,
    benchmarks), else in the user state folder (~/.local/state/rebound-tui/journal)."""
    moved = os.environ.get("REBOUND_LOCK_DIR")
    if moved:
        return Path(moved) / "journal"
    from platformdirs import user_state_dir

    return Path(user_state_dir("rebound-tui", appauthor=False)) / "journal"


def journal_path_for(path: Path) -> Path:
    key = hashlib.sha256(str(Path(path).resolve()).encode()).hexdigest()[:24]
    return journal_folder() / f"{key}{SUFFIX}"


class Journal:
    """The journal of one data file. `basis`: the tables as the data file or the journal last
    held them (records and tables are replaced, never changed in place: `layout.py`), so the
    records to append are those that are not the same objects any more."""

    def __init__(self, data_path: Path) -> None:
        self.data_path = Path(data_path)
        self._path: Path | None = None
        self._basis: dict[str, Any] | None = None
        # The lines memory holds (appended or merged by this process), by digest: a line's bytes
        # carry its edits' stamps, which no other process makes. (Not by place in the file: a
        # journal another process removed may come back as a new file with the same inode.)
        self._held: set[bytes] = set()

    @property
    def path(self) -> Path:
        if self._path is None:
            self._path = journal_path_for(self.data_path)
        return self._path

    def held(self, data: dict[str, Any]) -> None:
        """`data` is durable now (the file was read or written, or the journal merged in)."""
        self._basis = _basis_of(data)

    def changes(self, data: dict[str, Any]) -> dict[str, Any] | None:
        """The records changed since `held`, as a small database; None if that cannot say it (no
        basis yet, or a record was removed: only a rewrite of the data file can)."""
        basis = self._basis
        if basis is None:
            return None
        out: dict[str, Any] = {}
        for name, records in data.items():
            before = basis.get(name)
            if type(before) is SparseTable:  # (memory held the table as bytes then: as read)
                before = before.whole()
            if records is before or name == META_TABLE:
                continue
            if type(records) is not dict or type(before) not in (dict, type(None)):
                return None
            ids = changed_ids(before or {}, records)
            if len(records) - len(before or {}) != sum(1 for i in ids if i not in (before or {})):
                return None  # a record was removed (compacted, restored)
            if ids:
                out[name] = {i: records[i] for i in ids}
        if any(name not in data for name in basis):
            return None
        if out:
            out[META_TABLE] = data.get(META_TABLE, {})
        return out

    def append(
        self, data: dict[str, Any], written: Mapping[str, Sequence[str]] | None = None
    ) -> bool:
        """Append what changed since `held` and fsync it; True once it is durable (or nothing
        changed), False if only a rewrite of the data file can hold it. `written`: the ids the
        writer wrote since its last append, per table, if it knows (then the tables are not
        compared: on the extreme file that took 30 ms). The caller holds the inter-process lock
        (a save on another process may be merging and removing the file)."""
        news = self.changes(data) if written is None else _records_of(data, written)
        if news is None:
            return False
        if news:
            line = orjson.dumps(news) + b"\n"
            make_private_dirs(self.path.parent)
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_APPEND, FILE_MODE)
            try:
                _cut_torn_line(fd)
                write_all(fd, line)
                os.fsync(fd)
            finally:
                os.close(fd)
            self._held.add(_digest(line[:-1]))
        if written is None:
            # (From the writer's ids, the basis stays: ids of a commit that failed meanwhile
            # are not in them, and a comparison later must still find those records.)
            self._basis = _basis_of(data)
        return True

    def read(self) -> tuple[bool, list[bytes]]:
        """Whether there is a journal, and its whole lines that memory does not hold yet. A line
        this process appended or merged is left out: merging it again could only undo what
        memory did since (a compaction, say)."""
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return False, []
        except OSError as exc:
            raise DataFileError(self.path, f"cannot read the journal ({exc.strerror})") from exc
        lines = raw.split(b"\n")[:-1]  # (the last: nothing, or a line cut short by a crash)
        return True, [line for line in lines if line.strip() and _digest(line) not in self._held]

    def merged_into(self, memory: dict[str, Any]) -> tuple[dict[str, Any], str | None, bool]:
        """`memory` with the journal's new lines merged in (the same object if that adds
        nothing), the highest stamp they hold, and whether there is a journal to remove once the
        file holds memory. Each line is checked as a data file is."""
        out, top = memory, None
        present, lines = self.read()
        for line in lines:
            try:
                part = decode(line, self.path, strict=True, checked=out)
            except DataFileError as exc:
                raise DataFileError(
                    self.path,
                    "a line of this machine's journal is not a valid record of edits "
                    f"({exc.problem})",
                    "move the journal away to open the data file without the edits it holds",
                ) from None
            if db_id_of(part) != db_id_of(out):
                raise DataFileError(
                    self.path,
                    "this machine's journal holds edits of another database than the data file "
                    f"(db_id {safe_name(db_id_of(part))}; the file has {safe_name(db_id_of(out))})",
                    "put that database's file back at this path to merge them, or move the "
                    "journal away to open the file without them",
                )
            top = max(top or "", max_stamp(part) or "") or None
            merged = merge_databases(out, part, share=True)
            if _adds(out, merged, part):
                out = merged
            self._held.add(_digest(line))
        return out, top, present

    def remove(self) -> None:
        """The data file holds everything the journal did (the caller holds the lock)."""
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.path)
        self._held = set()


def _records_of(data: dict[str, Any], written: Mapping[str, Sequence[str]]) -> dict[str, Any]:
    """The records `written` (by id, per table) as they are in `data`, as a small database."""
    out: dict[str, Any] = {}
    for name, ids in written.items():
        records = data.get(name)
        if name == META_TABLE or type(records) is not dict:
            continue
        taken = {i: records[i] for i in dict.fromkeys(ids) if i in records}
        if taken:
            out[name] = taken
    if out:
        out[META_TABLE] = data.get(META_TABLE, {})
    return out


def _basis_of(data: dict[str, Any]) -> dict[str, Any]:
    """The tables as they are now: small tables copied, as a save encodes them whole (one may be
    changed in place: `layout.SMALL_TABLE`); a big table is replaced whenever it changes."""
    return {
        name: dict(records) if type(records) is dict and len(records) < SMALL_TABLE else records
        for name, records in data.items()
    }


def _adds(memory: dict[str, Any], merged: dict[str, Any], part: dict[str, Any]) -> bool:
    """Did merging the journal line `part` change a record of `memory`? (Usually not: the line
    is this process's own edit, which memory holds, or an older version of a record.)"""
    for name, records in part.items():
        if name == META_TABLE:
            continue
        before, after = memory.get(name) or {}, merged[name]
        if any(before.get(record_id) != after[record_id] for record_id in records):
            return True
    return False


def _digest(line: bytes) -> bytes:
    return hashlib.blake2b(line, digest_size=16).digest()


def _cut_torn_line(fd: int) -> None:
    """A crash mid-append left a line without its newline: cut it off (it was never durable)."""
    size = os.fstat(fd).st_size
    if not size or read_at(fd, 1, size - 1) == b"\n":
        return
    at = size
    while at > 0:
        start = max(0, at - 65536)
        block = read_at(fd, at - start, start)
        nl = block.rfind(b"\n")
        if nl >= 0:
            os.ftruncate(fd, start + nl + 1)
            return
        at = start
    os.ftruncate(fd, 0)
